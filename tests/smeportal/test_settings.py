"""The one settings module: embedded default with no variables, production with them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'],"
    " 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'email': s.EMAIL_BACKEND, 'broker': s.CELERY_BROKER_URL,"
    " 'static': s.STORAGES['staticfiles']['BACKEND'], 'hosts': s.ALLOWED_HOSTS,"
    " 'renderers': s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'], 'api_docs_public': s.API_DOCS_PUBLIC,"
    " 'connections': [s.DATABASES['default'][k] for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')],"
    " 'sessions': s.SESSION_ENGINE.rsplit('.', 1)[-1]}))"
)
# Anonymous requests through the whole middleware stack with the given settings (no database is touched).
REQUEST_HEADERS = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
answers = {}
for name, url, accept in [
    ("api_html", "/api/v1/enterprises/", browser),
    ("schema", "/api/schema/", "application/json"),
    ("docs", "/api/docs/", browser),
]:
    response = client.get(url, secure=True, HTTP_ACCEPT=accept)
    answers[name] = {
        "status": response.status_code,
        "type": response.get("Content-Type", ""),
        "location": response.get("Location"),
        "csp": response.get("Content-Security-Policy"),
        "hsts": response.get("Strict-Transport-Security"),
    }
print(json.dumps(answers))
"""
STRICT_POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
}


def directives(policy: str | None) -> set[str]:
    """The policy's directives (django-csp writes them in no fixed order)."""
    return {part.strip() for part in (policy or "").split(";") if part.strip()}


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-test-only-" + "y" * 20,
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "DATABASE_URL": "postgres://smeportal@db.example:5432/smeportal",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def _clean_env(**extra):
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    return {**keep, "DJANGO_SETTINGS_MODULE": "smeportal.settings", **extra}


def _run(code_or_args, env):
    args = [sys.executable, *code_or_args] if isinstance(code_or_args, list) else [sys.executable, "-c", code_or_args]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_embedded_default_needs_no_variables():
    result = _run(PRINT_SETTINGS, _clean_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert "rest_framework.renderers.BrowsableAPIRenderer" in values["renderers"]
    assert values["api_docs_public"] is True
    assert values["connections"] == [0, False]  # the development server's thread per request would keep one each
    assert values["sessions"] == "db"  # a local-memory cache is each process's own


def test_api_docs_can_be_made_public_in_production():
    result = _run(PRINT_SETTINGS, _clean_env(**PRODUCTION, API_DOCS_PUBLIC="1"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["api_docs_public"] is True


def test_production_answers_json_only_hides_the_docs_and_sends_the_headers():
    result = _run(REQUEST_HEADERS, _clean_env(**{**PRODUCTION, "DATABASE_URL": "sqlite:///:memory:"}))
    assert result.returncode == 0, result.stdout + result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["api_html"]["status"] == 403
    assert answers["api_html"]["type"] == "application/json"  # not the browsable API's HTML
    assert answers["schema"]["status"] == 403
    assert answers["docs"]["status"] == 302
    assert answers["docs"]["location"] == "/accounts/login/?next=/api/docs/"
    for name, answer in answers.items():
        assert directives(answer["csp"]) == STRICT_POLICY, name
        assert answer["hsts"].startswith("max-age=31536000"), name


def test_embedded_default_keeps_the_browsable_api_and_public_docs():
    result = _run(REQUEST_HEADERS, _clean_env(DATABASE_URL="sqlite:///:memory:"))
    assert result.returncode == 0, result.stdout + result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["api_html"]["type"].startswith("text/html")
    assert answers["schema"]["status"] == 200
    assert answers["docs"]["status"] == 200
    assert directives(answers["docs"]["csp"]) == STRICT_POLICY


def test_production_variables_switch_everything():
    result = _run(PRINT_SETTINGS, _clean_env(**PRODUCTION))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["hosts"] == ["portal.example.gov.cn"]
    assert values["renderers"] == ["rest_framework.renderers.JSONRenderer"]  # no browsable API
    assert values["api_docs_public"] is False
    assert values["connections"] == [60, True]
    assert values["sessions"] == "db"


def test_production_with_a_shared_cache_reads_sessions_from_it_and_connections_can_be_closed():
    extra = {"CACHE_URL": "redis://127.0.0.1:6379/2", "CONN_MAX_AGE": "0", "CONN_HEALTH_CHECKS": "0"}
    result = _run(PRINT_SETTINGS, _clean_env(**PRODUCTION, **extra))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert (values["connections"], values["sessions"]) == ([0, False], "cached_db")


def test_production_without_secret_key_refuses_to_start():
    env = _clean_env(**{k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    result = _run(PRINT_SETTINGS, env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("extra", [{}, {"DATABASE_URL": "sqlite:///:memory:"}])
def test_check_deploy_is_clean_for_production(extra):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _clean_env(**{**PRODUCTION, **extra}))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_passes_the_database_checks_without_warnings():
    """The checks `migrate` and `runserver` print on the embedded SQLite default stay silent."""
    env = _clean_env(DATABASE_URL="sqlite:///:memory:")
    result = _run(["manage.py", "check", "--database", "default", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_postgres_connections_run_without_jit(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(("value", "options"), [(None, "-c jit=off"), ("1", None)])
def test_postgres_jit_is_off_unless_asked_for(value, options):
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(repr(s.DATABASES['default'].get('OPTIONS', {}).get('options')))"
    )
    extra = {"POSTGRES_JIT": value} if value else {}
    result = _run(code, _clean_env(**PRODUCTION, **extra))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr(options)


PRINT_SECURITY = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps([s.OTP_REQUIRED_FOR_OFFICIALS, s.SESSION_IDLE_TIMEOUT_OFFICIALS, s.SESSION_COOKIE_AGE]))"
)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, [False, 1800, 43200]),  # the embedded demo: no second factor (its account page says so)
        (PRODUCTION, [True, 1800, 43200]),
        (
            {**PRODUCTION, "OTP_REQUIRED_FOR_OFFICIALS": "0", "SESSION_ABSOLUTE_LIFETIME_OFFICIALS": "86400"},
            [False, 1800, 86400],
        ),
    ],
)
def test_two_factor_is_required_in_production_and_sessions_are_configurable(extra, expected):
    result = _run(PRINT_SECURITY, _clean_env(**extra))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected
