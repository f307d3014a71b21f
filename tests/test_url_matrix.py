"""Every URL of the project, requested as every persona, against an explicit table of outcomes.

The table is the permission contract: a view that starts answering 200 to a persona it should
refuse (or 404 to one it should serve) fails here. A URL added to the project without a row in
the table fails `test_table_covers_every_url_pattern` until someone decides who may open it.

Decisions recorded here:
- The administrator (superuser, `admin_user_persona`) acts as a city official everywhere
  (enterprises.roles.is_city_official is true for active superusers); they are not an enterprise
  user, so the enterprise profile answers 404 to them.
- Pages refuse signed-in users outside their role with 404 (existence does not leak); anonymous
  visitors are sent to the login page. The API answers 401/403 to anonymous callers.
- The enterprise API is open to officials and enterprise users, scoped; users without an
  enterprise scope (department users, users without a role) are refused with 403.
- POST-only endpoints answer 405 to GET for everybody, before any role check.
- The OpenAPI schema and Swagger UI need a login, as in production (API_DOCS_PUBLIC off, its default when
  DEBUG=0; tests/smeportal/test_api_docs.py covers the setting turned on).
- Every response carries the Content-Security-Policy, and every response to a signed-in persona
  ``Cache-Control: private, no-store`` (tests/smeportal/test_headers.py covers anonymous pages and tokens).
- No input is a server error: every GET a persona may make (200) is repeated with hostile query values
  (garbage numbers, dates, choices, unicode and hand-made cursors in every filter the portal reads answer
  anything but 5xx: all three hostile queries as the first persona a URL serves, one of them in turn as each
  other persona; a NUL character and a 5,000-character value answer 400 before any view, checked once per
  URL), and every page POST is first sent with a NUL character in its fields (400, nothing changed: the
  ordinary POST that follows still has its outcome).

URL kwargs: `pk` is the enterprise of 涪城区 (in scope for `district_official`, `enterprise_user`,
the city and the admin; out of scope for `other_district_official` and `other_enterprise_user`),
or a finished registry import that has an error report.
"""

import base64
from itertools import cycle, islice

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS

OK = "200"
LOGIN = "302 to login"
HOME = "302 to home"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
API_DENIED = "401/403"
BACK = "302 back"  # redirect back to the page; a refused transition shows a message there
REDIRECT = "302 (not to login)"
ICON = "301 to the static icon"

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/", "__debug__/")


def everyone(outcome):
    return dict.fromkeys(PERSONAS, outcome)


def row(anonymous, enterprise_user, other_enterprise_user, district_official, other_district_official,
        department_user, city_official, admin_user_persona):  # fmt: skip
    return {
        "anonymous": anonymous,
        "enterprise_user": enterprise_user,
        "other_enterprise_user": other_enterprise_user,
        "district_official": district_official,
        "other_district_official": other_district_official,
        "department_user": department_user,
        "city_official": city_official,
        "admin_user_persona": admin_user_persona,
    }


SIGNED_IN = row(LOGIN, OK, OK, OK, OK, OK, OK, OK)
CITY_ONLY = row(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK)
ENTERPRISE_ONLY = row(LOGIN, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
OWN_ENTERPRISE_ONLY = row(LOGIN, OK, *[NOT_FOUND] * 6)
FILING_ACTION_GET = row(
    API_DENIED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, API_DENIED, NOT_ALLOWED, NOT_ALLOWED
)

DEPARTMENT_ONLY = row(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND)
AGREEMENT_READERS = row(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)
AGREEMENT_MANAGERS = row(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, OK)

# (kwargs kind, outcomes for GET). Kinds: None (no kwargs), "enterprise", "registry_import", "reset_token".
EXPECTED = {
    "home": (None, everyone(OK)),
    "favicon": (None, everyone(ICON)),
    "help": (None, everyone(OK)),
    # Accounts
    "register": (None, row(OK, HOME, HOME, HOME, HOME, HOME, HOME, HOME)),
    "login": (None, everyone(OK)),
    "logout": (None, everyone(NOT_ALLOWED)),
    "password_change": (None, SIGNED_IN),
    "password_change_done": (None, SIGNED_IN),
    "password_reset": (None, everyone(OK)),
    "password_reset_done": (None, everyone(OK)),
    "password_reset_confirm": ("reset_token", everyone(OK)),  # a bad token shows the "link invalid" page
    "password_reset_complete": (None, everyone(OK)),
    # Claims and tokens: enterprise accounts see their own claim; officials verify claims in their scope;
    # "claim" is a stranger's claim to the 涪城区 enterprise with its authorisation letter.
    "claim_status": (None, row(LOGIN, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "tokens": (None, SIGNED_IN),
    "token_revoke": ("token", everyone(NOT_ALLOWED)),
    # Account security (enterprises/two_factor_views.py): every signed-in user's page. Enterprise accounts keep
    # password login, so their enrolment page does not exist; without a device the verification step sends the
    # user to the enrolment. The security audit log is the city's and the administrator's.
    "account_security": (None, SIGNED_IN),
    "two_factor_enrol": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, OK, OK, OK)),
    "two_factor_verify": (None, row(LOGIN, *[REDIRECT] * 7)),
    "two_factor_recovery_codes": (None, everyone(NOT_ALLOWED)),
    "two_factor_disable": (None, everyone(NOT_ALLOWED)),
    "logout_everywhere": (None, everyone(NOT_ALLOWED)),
    "security_log": (None, CITY_ONLY),
    "security_log_export": (None, CITY_ONLY),
    "enterprises:members": (None, row(LOGIN, *[NOT_FOUND] * 7)),
    "enterprises:member_remove": ("claim", everyone(NOT_ALLOWED)),
    "enterprises:member_appoint_admin": ("member", everyone(NOT_ALLOWED)),
    "enterprises:claims": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "enterprises:claim_approve": ("claim", everyone(NOT_ALLOWED)),
    "enterprises:claim_reject": ("claim", everyone(NOT_ALLOWED)),
    "enterprises:claim_letter": ("claim", row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK)),
    # Enterprise registry (pages)
    "enterprises:list": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "enterprises:export": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "enterprises:detail": ("enterprise", row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK)),
    "enterprises:history": ("enterprise", row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK)),
    "enterprises:profile": (None, row(LOGIN, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "enterprises:confirm": ("enterprise", everyone(NOT_ALLOWED)),
    "enterprises:import": (None, CITY_ONLY),
    "enterprises:import_detail": ("registry_import", CITY_ONLY),
    "enterprises:import_errors": ("registry_import", CITY_ONLY),
    # Enterprise registry (API)
    "enterprise-list": (None, row(API_DENIED, OK, OK, OK, OK, API_DENIED, OK, OK)),
    "enterprise-detail": ("enterprise", row(API_DENIED, OK, NOT_FOUND, OK, NOT_FOUND, API_DENIED, OK, OK)),
    # The registry record's history is for officials; the enterprise sees its filings' history instead.
    "enterprise-history": ("enterprise", row(API_DENIED, API_DENIED, NOT_FOUND, OK, NOT_FOUND, API_DENIED, OK, OK)),
    # Certification (public self-evaluation)
    "certification:calculator": (None, everyone(OK)),
    "certification:calculator_result": (None, everyone(NOT_ALLOWED)),
    "certification-evaluate": (None, everyone(NOT_ALLOWED)),
    # Cultivation pool (district and city officials; the enterprise belongs to 涪城区)
    "certification:pool": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "certification:pool_export": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "certification:pool_add": ("enterprise", everyone(NOT_ALLOWED)),
    "certification:pool_remove": ("enterprise", everyone(NOT_ALLOWED)),
    "certification:pool_estimate": (
        "enterprise",
        row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK),
    ),
    # Certification API (filings, notice batches, registrations). A POST-only action answers GET with
    # 405 after the viewset's permission classes: anonymous and role-less callers get 401/403 first.
    "certification-filing-list": (None, row(API_DENIED, OK, OK, OK, OK, API_DENIED, OK, OK)),
    "certification-filing-history": (
        "filing",
        row(API_DENIED, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, API_DENIED, NOT_FOUND, NOT_FOUND),
    ),
    # "filing" is a draft never submitted: the enterprise's own business, invisible to officials as on the pages.
    "certification-filing-detail": (
        "filing",
        row(API_DENIED, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, API_DENIED, NOT_FOUND, NOT_FOUND),
    ),
    **{
        f"certification-filing-{name}": ("filing", FILING_ACTION_GET)
        for name in (
            "submit",
            "resubmit",
            "withdraw",
            "return",
            "require-on-site-check",
            "record-on-site-check",
            "recommend",
            "reject",
        )
    },
    "certification-notice-batch-list": (None, row(API_DENIED, OK, OK, OK, OK, OK, OK, OK)),
    "certification-notice-batch-detail": ("notice_batch", row(API_DENIED, OK, OK, OK, OK, OK, OK, OK)),
    "certification-notice-batch-filings": ("notice_batch", row(API_DENIED, OK, OK, OK, OK, OK, OK, OK)),
    "certification-notice-batch-register-due": (None, row(API_DENIED, *[NOT_ALLOWED] * 7)),
    "certification-registration-list": (None, row(API_DENIED, OK, OK, OK, OK, API_DENIED, OK, OK)),
    "certification-registration-detail": (
        "registration",
        row(API_DENIED, OK, NOT_FOUND, OK, NOT_FOUND, API_DENIED, OK, OK),
    ),
    "certification-revocation-list": (None, row(API_DENIED, OK, OK, OK, OK, API_DENIED, OK, OK)),
    "certification-revocation-detail": (
        "revocation",
        row(API_DENIED, OK, NOT_FOUND, OK, NOT_FOUND, API_DENIED, OK, OK),
    ),
    "certification-spot-check-list": (None, row(API_DENIED, OK, OK, OK, OK, API_DENIED, OK, OK)),
    "api-token": (None, everyone(NOT_ALLOWED)),  # POST username and password (tests/certification/test_filings_api.py)
    # Assistance (pages). Kwargs: the kjj department's agreement with the 涪城区 enterprise (with a document),
    # a service record under it, an upload of kjj in preview, or the kjj department.
    "assistance:home": (None, DEPARTMENT_ONLY),
    "assistance:overview": (None, CITY_ONLY),
    "assistance:department_detail": ("department", CITY_ONLY),
    "assistance:agreement_list": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, OK, OK, OK)),
    "assistance:agreement_create": (None, DEPARTMENT_ONLY),
    "assistance:enterprise_search": (None, DEPARTMENT_ONLY),
    "assistance:agreement_detail": ("agreement", AGREEMENT_READERS),
    "assistance:agreement_edit": ("agreement", AGREEMENT_MANAGERS),
    "assistance:agreement_archive": ("agreement", everyone(NOT_ALLOWED)),
    "assistance:agreement_document": ("agreement", AGREEMENT_READERS),
    "assistance:record_create": ("agreement", AGREEMENT_MANAGERS),
    "assistance:record_edit": ("service_record", AGREEMENT_MANAGERS),
    "assistance:record_feedback": ("service_record", everyone(NOT_ALLOWED)),
    "assistance:mine": (None, row(LOGIN, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    "assistance:without_assistance": (None, AGREEMENT_MANAGERS),
    "assistance:without_assistance_export": (None, AGREEMENT_MANAGERS),
    "assistance:import_template": (None, DEPARTMENT_ONLY),
    "assistance:import": (None, DEPARTMENT_ONLY),
    "assistance:import_detail": ("agreement_import", DEPARTMENT_ONLY),
    "assistance:import_commit": ("agreement_import", everyone(NOT_ALLOWED)),
    "assistance:import_rejected": ("agreement_import", DEPARTMENT_ONLY),
    "assistance:export": (None, DEPARTMENT_ONLY),
    # Assistance (API)
    "assistance-agreement-list": (None, row(API_DENIED, OK, OK, OK, OK, OK, OK, OK)),
    "assistance-agreement-detail": ("agreement", row(API_DENIED, OK, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    "assistance-service-record-list": (None, row(API_DENIED, OK, OK, OK, OK, OK, OK, OK)),
    "assistance-service-record-detail": (
        "service_record",
        row(API_DENIED, OK, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK),
    ),
    # Officials' review, notice batches, public notice pages (certification/review_views.py, notice_views.py,
    # public_views.py). "review_filing" is a 涪城区 filing under notice in a batch open today.
    "certification:review_list": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "certification:review_export": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "certification:review_detail": (
        "review_filing",
        row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK),
    ),
    **{
        f"certification:review_{action}": ("review_filing", everyone(NOT_ALLOWED))
        for action in ("return", "require_on_site", "record_on_site", "recommend", "reject")
    },
    "certification:campaign_list": (None, CITY_ONLY),
    "certification:campaign_edit": ("campaign_year", CITY_ONLY),
    "certification:batch_list": (None, CITY_ONLY),
    "certification:batch_create": (None, CITY_ONLY),
    "certification:batch_end_date": (None, CITY_ONLY),
    "certification:batch_detail": ("review_batch", CITY_ONLY),
    "certification:batch_export": ("review_batch", CITY_ONLY),
    "certification:batch_register_due": ("review_batch", everyone(NOT_ALLOWED)),
    "certification:objection_decide": ("review_objection", everyone(NOT_ALLOWED)),
    "certification:calendar_overrides": (None, CITY_ONLY),
    "certification:calendar_override_delete": ("calendar_override", everyone(NOT_ALLOWED)),
    "certification:notices": (None, everyone(OK)),
    "certification:notice_batch": ("review_batch", everyone(OK)),  # a published batch open today
    "certification:objection_create": ("review_filing", SIGNED_IN),
    "certification:lookup": (None, everyone(OK)),
    # Revocation procedure (certification/revocation_views.py): "revocation" is a defended procedure (with a
    # PDF) on the 涪城区 enterprise's registration; district officials read their district's procedures only (the
    # list: their own, empty for the other district).
    "certification:revocation_list": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "certification:revocation_start": ("revocation_filing", CITY_ONLY),
    "certification:revocation_detail": (
        "revocation",
        row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK),
    ),
    "certification:revocation_decide": ("revocation", everyone(NOT_ALLOWED)),
    "certification:revocation_defend": ("revocation", OWN_ENTERPRISE_ONLY),
    "certification:revocation_attachment": ("revocation", row(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK)),
    "certification:revocations_public": (None, everyone(OK)),
    # The proof of registration: the enterprise's own, and officials in its scope.
    "certification:registration_proof": ("registration", row(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK)),
    "certification:registration_proof_pdf": (
        "registration",
        row(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK),
    ),
    # Spot checks (certification/views/spot_check.py): officials, each district its own checks; "spot_check" is a
    # passed check (with its evidence) of the 涪城区 enterprise's registration. Only the city draws.
    "certification:spot_checks": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "certification:spot_check_draw": (None, everyone(NOT_ALLOWED)),
    "certification:spot_check_export": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "certification:spot_check_detail": (
        "spot_check",
        row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK),
    ),
    "certification:spot_check_evidence": (
        "spot_check",
        row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK),
    ),
    "notifications": (None, SIGNED_IN),
    # Dashboards (dashboards/views.py): the city's for city officials; a district's for its officials (their own
    # without a code; "district_code" is 涪城区) and for city officials; exports of "export_funnel" (the funnel table).
    "dashboards:city": (None, CITY_ONLY),
    "dashboards:district": (None, row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    "dashboards:district_code": ("district_code", row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK)),
    "dashboards:export": ("export_funnel", row(LOGIN, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, OK, OK)),
    # The year-end report (dashboards/report_views.py): the city's, its page and its workbook.
    "dashboards:year_report": (None, CITY_ONLY),
    "dashboards:year_report_xlsx": (None, CITY_ONLY),
    # The background jobs of every kind (dashboards/job_views.py): the city's operations, for city officials.
    "dashboards:jobs": (None, CITY_ONLY),
    "dashboards:jobs_export": (None, CITY_ONLY),
    # "Recompute now" (dashboards/quota_views.py): POST only; "quota_run" is a queued run, its progress page.
    "quotas:recompute": (None, everyone(NOT_ALLOWED)),
    "quotas:run": ("quota_run", CITY_ONLY),
    # The enterprise's online filing (certification/filing_views.py): "filing" is the 涪城区 enterprise's draft,
    # "filing_step" its finance step, "filing_attachment" a PDF attached to it.
    "certification:filing_list": (None, ENTERPRISE_ONLY),
    "certification:filing_start": (None, everyone(NOT_ALLOWED)),
    "certification:filing_detail": ("filing", OWN_ENTERPRISE_ONLY),
    "certification:filing_history": ("filing", OWN_ENTERPRISE_ONLY),  # a draft: officials never see it
    "certification:filing_step": ("filing_step", OWN_ENTERPRISE_ONLY),
    "certification:filing_score": ("filing_step", everyone(NOT_ALLOWED)),
    "certification:filing_withdraw": ("filing", everyone(NOT_ALLOWED)),
    "certification:attachment_download": (
        "filing_attachment",
        row(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    # The load balancer's probes and the Prometheus scrape (smeportal/health.py, smeportal/metrics.py): for the
    # machines, not the personas. The test client comes from 127.0.0.1, inside the default allowed networks;
    # tests/smeportal/test_health.py and test_metrics.py show them absent (404) from any other address.
    "health-live": (None, everyone(OK)),
    "health-ready": (None, everyone(OK)),
    "metrics": (None, everyone(OK)),
    # API schema and docs: signed-in users only (API_DOCS_PUBLIC off, see the autouse fixture below).
    "api-schema": (None, row(API_DENIED, *[OK] * 7)),
    "api-docs": (None, row(LOGIN, *[OK] * 7)),
}

# State-changing endpoints, POSTed with an empty body (a refused persona must not get past the role check).
EXPECTED_POST = {
    "logout": (None, everyone(HOME)),
    # New recovery codes and turning the second factor off need a verified session with a device: none here.
    "two_factor_recovery_codes": (None, row(LOGIN, *[NOT_FOUND] * 7)),
    "two_factor_disable": (None, row(LOGIN, *[NOT_FOUND] * 7)),
    "logout_everywhere": (None, row(LOGIN, *[HOME] * 7)),
    "enterprises:confirm": (
        "enterprise",
        # 302 back to the detail page with a message (the enterprise is already confirmed).
        row(LOGIN, NOT_FOUND, NOT_FOUND, "302 to detail", NOT_FOUND, NOT_FOUND, "302 to detail", "302 to detail"),
    ),
    "enterprises:import": (None, CITY_ONLY),  # the empty form is shown again with its errors
    # An enterprise's accounts, acted on by whoever decides its claims (the district, the city) from the enterprise's
    # page: "member" is a verified account of the 涪城区 enterprise (``enterprise_user``, not its administrator).
    **{
        f"enterprises:member_{action}": (
            "member",
            row(LOGIN, NOT_FOUND, NOT_FOUND, "302 to detail", NOT_FOUND, NOT_FOUND, "302 to detail", "302 to detail"),
        )
        for action in ("remove", "appoint_admin")
    },
    "certification:pool_add": (
        "enterprise",
        row(LOGIN, NOT_FOUND, NOT_FOUND, "302 to pool", NOT_FOUND, NOT_FOUND, "302 to pool", "302 to pool"),
    ),
    "certification:pool_remove": (
        "enterprise",
        row(LOGIN, NOT_FOUND, NOT_FOUND, "302 to pool", NOT_FOUND, NOT_FOUND, "302 to pool", "302 to pool"),
    ),
    # An empty estimate form is shown again with its errors.
    "certification:pool_estimate": (
        "enterprise",
        row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK),
    ),
    # Filing: start (each enterprise user its own), save an empty step (back to the form or on), live score,
    # withdraw (a draft may be withdrawn).
    "certification:filing_start": (None, row(LOGIN, REDIRECT, REDIRECT, *[NOT_FOUND] * 5)),
    "certification:filing_step": ("filing_step", row(LOGIN, REDIRECT, *[NOT_FOUND] * 6)),
    "certification:filing_score": ("filing_step", OWN_ENTERPRISE_ONLY),
    "certification:filing_withdraw": ("filing", row(LOGIN, BACK, *[NOT_FOUND] * 6)),
    # Review actions on a filing under notice: scope first (404), then the form or the state refuses: the review
    # page again, with what the official typed.
    **{
        f"certification:review_{action}": (
            "review_filing",
            row(LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, OK),
        )
        for action in ("return", "require_on_site", "record_on_site", "recommend", "reject")
    },
    "certification:batch_create": (None, CITY_ONLY),  # the form again with its errors
    "certification:batch_register_due": ("review_batch", row(LOGIN, *[NOT_FOUND] * 5, BACK, BACK)),
    "certification:objection_decide": ("review_objection", row(LOGIN, *[NOT_FOUND] * 5, BACK, BACK)),
    "certification:calendar_overrides": (None, CITY_ONLY),
    # A delete without a reason: the overrides page again, the error in the override's row.
    "certification:calendar_override_delete": ("calendar_override", CITY_ONLY),
    "certification:objection_create": ("review_filing", SIGNED_IN),  # the form again with its errors
    # Revocation: empty forms are shown again (start, defence); an empty decision goes back with a message.
    "certification:revocation_start": ("revocation_filing", CITY_ONLY),
    "certification:revocation_decide": ("revocation", row(LOGIN, *[NOT_FOUND] * 5, BACK, BACK)),
    "certification:revocation_defend": ("revocation", OWN_ENTERPRISE_ONLY),
    # Spot checks: an empty draw shows the list again with the draw form's errors; an empty result form is shown again.
    "certification:spot_check_draw": (None, CITY_ONLY),
    "certification:spot_check_detail": ("spot_check", row(LOGIN, NOT_FOUND, NOT_FOUND, OK, *[NOT_FOUND] * 2, OK, OK)),
    "notifications": (None, row(LOGIN, *[BACK] * 7)),  # mark all read
    # Assistance: empty forms (an empty feedback too, under its record) are shown again; archive and commit
    # redirect with a message.
    "assistance:agreement_create": (None, DEPARTMENT_ONLY),
    "assistance:import": (None, DEPARTMENT_ONLY),
    "assistance:agreement_archive": (
        "agreement",
        row(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, REDIRECT, REDIRECT),
    ),
    "assistance:import_commit": (
        "agreement_import",
        row(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, NOT_FOUND, NOT_FOUND),
    ),
    "assistance:record_feedback": (
        "service_record",
        row(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    # Filings API on a draft with eligible figures: out of scope (officials included: never submitted) 404,
    # no filing role 403 (the actions take JSON bodies; every action and persona is in
    # tests/certification/test_filings_api.py).
    "certification-filing-submit": (
        "filing",
        row(API_DENIED, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, API_DENIED, NOT_FOUND, NOT_FOUND),
    ),
    "certification-notice-batch-register-due": (
        None,
        row(API_DENIED, API_DENIED, API_DENIED, API_DENIED, API_DENIED, API_DENIED, OK, OK),
    ),
    # Recompute now: a new run, then its progress page (the task starts on commit).
    "quotas:recompute": (None, row(LOGIN, *[NOT_FOUND] * 5, REDIRECT, REDIRECT)),
}


def walk(patterns, namespace=None, prefix=""):
    """(name, route) of every URL pattern, recursing through includes, namespaces joined with ':'."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from walk(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, route


def test_table_covers_every_url_pattern():
    walked = list(walk(get_resolver().url_patterns))
    unnamed = [route for name, route in walked if not name]
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"
    names = {name for name, _ in walked}
    assert names - EXPECTED.keys() == set(), "new URLs: add them to EXPECTED with the outcome for every persona"
    assert EXPECTED.keys() - names == set(), "URLs in EXPECTED that no longer exist"
    assert EXPECTED_POST.keys() <= names


@pytest.fixture(autouse=True)
def api_docs_as_in_production(settings):
    settings.API_DOCS_PUBLIC = False


def test_table_rows_name_every_persona():
    for name, (_, outcomes) in {**EXPECTED, **EXPECTED_POST}.items():
        assert list(outcomes) == PERSONAS, name


@pytest.fixture
def registry_import(db, settings, tmp_path):
    from enterprises.models import RegistryImport

    settings.MEDIA_ROOT = tmp_path
    record = RegistryImport(original_name="登记数据.xlsx", status=RegistryImport.Status.DONE, progress=100)
    record.file.save("upload.xlsx", ContentFile(b"not read here"), save=False)
    record.error_report.save("errors.xlsx", ContentFile(b"not read here"), save=False)
    record.save()
    return record


@pytest.fixture
def filing(enterprise):
    from tests.factories import ApplicationFactory

    return ApplicationFactory(enterprise=enterprise)


@pytest.fixture
def filing_attachment(filing, settings, tmp_path):
    from certification.models import ApplicationAttachment

    settings.MEDIA_ROOT = tmp_path
    attachment = ApplicationAttachment(application=filing, kind="other", original_name="说明.pdf", size=14)
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def notice_batch(db):
    import datetime as dt

    from certification.models import NoticeBatch

    return NoticeBatch.objects.create(title="公示", start_date=dt.date(2026, 6, 1), end_date=dt.date(2026, 6, 12))


@pytest.fixture
def registration(enterprise):
    import datetime as dt

    from certification.models import Application, Registration
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(enterprise=enterprise, evaluation_year=2025, state=Application.State.REGISTERED)
    return Registration.objects.create(
        application=application,
        enterprise=enterprise,
        evaluation_year=2025,
        number="2025510703000001",
        valid_from=dt.date(2025, 7, 1),
        valid_until=dt.date(2025, 12, 31),
    )


@pytest.fixture
def agreement(enterprise, department, settings, tmp_path):
    from tests.factories import AssistanceAgreementFactory

    settings.MEDIA_ROOT = tmp_path
    agreement = AssistanceAgreementFactory(department=department, enterprise=enterprise)
    agreement.document.save("agreement.pdf", ContentFile(b"%PDF-1.4 not read here"))
    return agreement


@pytest.fixture
def service_record(agreement):
    from tests.factories import ServiceRecordFactory

    return ServiceRecordFactory(agreement=agreement, issues_raised="融资难")


@pytest.fixture
def agreement_import(department, settings, tmp_path):
    from assistance.models import AgreementImport

    settings.MEDIA_ROOT = tmp_path
    record = AgreementImport(
        department=department,
        original_name="协议.xlsx",
        status=AgreementImport.Status.PREVIEW,
        total_rows=1,
        rejected_rows=[{"row": 2, "values": ["x"] * 8, "reasons": ["统一社会信用代码格式或校验位错误"]}],
    )
    record.file.save("upload.xlsx", ContentFile(b"not read here"), save=False)
    record.save()
    return record


@pytest.fixture
def review_filing(enterprise):
    """A submitted 涪城区 filing under notice in a batch whose window is open today."""
    import datetime as dt

    from django.utils import timezone

    from certification.models import Application, NoticeBatch
    from tests.factories import ApplicationFactory

    today = timezone.localdate()
    batch = NoticeBatch.objects.create(title="公示", start_date=today, end_date=today + dt.timedelta(days=20))
    return ApplicationFactory(
        enterprise=enterprise,
        state=Application.State.UNDER_NOTICE,
        submitted_on=dt.date(2026, 4, 20),
        first_time_applicant=False,
        evaluating_district=enterprise.managing_district,
        notice_batch=batch,
    )


@pytest.fixture
def review_batch(review_filing):
    return review_filing.notice_batch


@pytest.fixture
def review_objection(review_filing, enterprise_user):
    from certification.models import Objection

    return Objection.objects.create(
        application=review_filing,
        batch=review_filing.notice_batch,
        objector=enterprise_user,
        real_name="李四",
        contact="138",
        statement="不实",
    )


@pytest.fixture
def calendar_override(db):
    import datetime as dt

    from certification.models import CalendarOverride

    return CalendarOverride.objects.create(
        date=dt.date(2027, 2, 20), kind=CalendarOverride.Kind.WORKING_DAY, reason="春节调休"
    )


@pytest.fixture
def revocation(registration, settings, tmp_path):
    from django.utils import timezone

    from certification.models import Revocation

    settings.MEDIA_ROOT = tmp_path
    revocation = Revocation(
        registration=registration,
        grounds="conditions_not_met",
        reason="抽查发现科技人员不足",
        noticed_at=timezone.now(),
        defence_deadline=timezone.localdate(),
        state=Revocation.State.DEFENDED,
        defence="申辩",
        defence_submitted_at=timezone.now(),
        defence_attachment_name="证明.pdf",
    )
    revocation.defence_attachment.save("d.pdf", ContentFile(b"%PDF-1.4 defence"), save=False)
    revocation.save()
    return revocation


@pytest.fixture
def spot_check(registration, settings, tmp_path):
    from django.utils import timezone

    from certification.models import SpotCheck, SpotCheckDraw

    settings.MEDIA_ROOT = tmp_path
    draw = SpotCheckDraw.objects.create(
        year=2025, share="0.05", seed=1, population=1, excluded=0, drawn=1, drawn_at=timezone.now()
    )
    check = SpotCheck(
        draw=draw,
        registration=registration,
        district=registration.enterprise.managing_district,
        state=SpotCheck.State.PASSED,
        result_note="属实",
        evidence_name="核查.pdf",
        checked_at=timezone.now(),
    )
    check.evidence.save("c.pdf", ContentFile(b"%PDF-1.4 check"), save=False)
    check.save()
    return check


@pytest.fixture
def claim(enterprise, settings, tmp_path):
    from django.core.files.base import ContentFile

    from tests.factories import EnterpriseMembershipFactory

    settings.MEDIA_ROOT = tmp_path
    membership = EnterpriseMembershipFactory(
        enterprise=enterprise, user__username="stranger", status="claimed", authorisation_letter_name="letter.pdf"
    )
    membership.authorisation_letter.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"), save=True)
    return membership


def kwargs_for(kind, request) -> dict:
    if kind is None:
        return {}
    if kind in {"review_filing", "review_batch", "review_objection", "calendar_override"}:
        return {"pk": request.getfixturevalue(kind).pk}
    if kind in {"agreement", "service_record", "agreement_import", "department"}:
        return {"pk": request.getfixturevalue(kind).pk}
    if kind in {"filing", "notice_batch", "registration"}:
        return {"pk": request.getfixturevalue(kind).pk}
    if kind == "district_code":
        return {"code": request.getfixturevalue("enterprise").managing_district.code}
    if kind == "export_funnel":
        return {"table": "funnel"}
    if kind == "quota_run":
        from quotas.models import QuotaRun

        return {"pk": QuotaRun.objects.create(as_of="2026-11-20", year=2026).pk}
    if kind == "revocation":
        return {"pk": request.getfixturevalue("revocation").pk}
    if kind == "spot_check":
        return {"pk": request.getfixturevalue("spot_check").pk}
    if kind == "revocation_filing":
        return {"pk": request.getfixturevalue("registration").application_id}
    if kind == "filing_step":
        return {"pk": request.getfixturevalue("filing").pk, "step": "finance"}
    if kind == "filing_attachment":
        return {"pk": request.getfixturevalue("filing_attachment").pk}
    if kind == "enterprise":
        return {"pk": request.getfixturevalue("enterprise").pk}
    if kind == "campaign_year":
        return {"year": 2027}
    if kind == "claim":
        return {"pk": request.getfixturevalue("claim").pk}
    if kind == "member":
        return {"pk": request.getfixturevalue("enterprise_user").enterprise_membership.pk}
    if kind == "token":
        from smeportal.models import ApiToken

        return {"pk": ApiToken.issue(request.getfixturevalue("city_official"))[0].pk}
    if kind == "registry_import":
        return {"pk": request.getfixturevalue("registry_import").pk}
    if kind == "reset_token":
        return {"uidb64": "MQ", "token": "set-password-bad-token"}
    raise AssertionError(f"unknown kwargs kind {kind!r}")


def assert_outcome(response, expected, url, request):
    where = f"{url} answered {response.status_code} {response.get('Location', '')}, expected {expected}"
    if expected == OK:
        assert response.status_code == 200, where
    elif expected == LOGIN:
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse("login") + "?next="), where
    elif expected == HOME:
        assert response.status_code == 302 and response["Location"] == reverse("home"), where
    elif expected == "302 to detail":
        enterprise = request.getfixturevalue("enterprise")
        assert response.status_code == 302 and response["Location"] == enterprise.get_absolute_url(), where
    elif expected in (REDIRECT, BACK):
        assert response.status_code == 302, where
        assert not response["Location"].startswith(reverse("login")), where
    elif expected == ICON:
        assert response.status_code == 301 and response["Location"].endswith("/favicon.svg"), where
    elif expected == "302 to pool":
        assert response.status_code == 302 and response["Location"] == reverse("certification:pool"), where
    elif expected == NOT_FOUND:
        assert response.status_code == 404, where
    elif expected == NOT_ALLOWED:
        assert response.status_code == 405, where
    elif expected == API_DENIED:
        assert response.status_code in {401, 403}, where
    else:
        raise AssertionError(f"unknown outcome {expected!r}")


def assert_headers(response, persona, url):
    assert response.has_header("Content-Security-Policy"), url
    if persona != "anonymous":
        directives = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, f"{url} as {persona}: Cache-Control {directives}"


def cases(table):
    return [
        pytest.param(name, kind, persona, outcome, id=f"{name}-{persona}")
        for name, (kind, outcomes) in table.items()
        for persona, outcome in outcomes.items()
    ]


def query_names() -> list[str]:
    """Every query parameter a page or the API reads: the filter forms' and filter sets' fields and the rest."""
    from assistance.filters import AgreementFilter, ServiceRecordFilter
    from assistance.forms import WithoutAssistanceFilterForm
    from certification.api.filters import FilingFilter, RegistrationFilter
    from certification.forms.notice import BatchFilterForm
    from certification.forms.pool import PoolFilterForm
    from certification.forms.review import ReviewFilterForm
    from certification.forms.revocation import RevocationFilterForm
    from dashboards.views import PeriodForm
    from enterprises.filters import EnterpriseFilter, SecurityEventFilter

    names = {"page", "cursor", "add_q", "new", "enterprise", "start_date", "back", "next", "sort"}
    for filterset in (
        AgreementFilter,
        ServiceRecordFilter,
        FilingFilter,
        RegistrationFilter,
        EnterpriseFilter,
        SecurityEventFilter,
    ):
        names |= filterset.base_filters.keys()
    forms = (
        WithoutAssistanceFilterForm,
        PoolFilterForm,
        ReviewFilterForm,
        RevocationFilterForm,
        PeriodForm,
        BatchFilterForm,
    )
    for form in forms:
        names |= form.base_fields.keys()
    return sorted(names)


def hand_made_cursor(querystring: str) -> str:
    return base64.b64encode(querystring.encode()).decode()


GARBAGE = [
    "-1",
    "0",
    "99999999999999999999",
    "1.5",
    "1e309",
    "2026-02-30",
    "true",
    "企业😀\u202e",
    "' OR 1=1 --",
    "%_",
    "",
    hand_made_cursor("p=abc"),
    hand_made_cursor("o=-5&r=x&p=1"),
]


def hostile_queries() -> list[dict]:
    """Three queries with a garbage value in every parameter, each parameter given a different one each time."""
    names = query_names()
    return [dict(zip(names, islice(cycle(GARBAGE), shift, None), strict=False)) for shift in (0, 5, 9)]


HOSTILE_QUERIES = hostile_queries()


def assert_no_server_error_on_hostile_queries(client, url, queries):
    for query in queries:
        response = client.get(url, query)
        assert response.status_code < 500, f"{url} answered {response.status_code} to {query}"


def assert_refused_before_any_view(client, url):
    for refused in ({"q": "专精\x00特新"}, {"q": "企" * 5000}):
        assert client.get(url, refused).status_code == 400, f"{url} with {refused!r:.40}"


def personas_served(name) -> list[str]:
    return [persona for persona, outcome in EXPECTED[name][1].items() if outcome == OK]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kind", "persona", "expected"), cases(EXPECTED))
def test_get_every_url_as_every_persona(persona_client, request, enterprise, name, kind, persona, expected):
    url = reverse(name, kwargs=kwargs_for(kind, request))
    client = persona_client(persona)
    response = client.get(url)
    assert_outcome(response, expected, url, request)
    assert_headers(response, persona, url)
    if expected == OK:  # the others are refused before the view reads its query
        served = personas_served(name)
        if persona == served[0]:
            # The middleware refuses these before any view, whoever asks: once per URL is enough.
            assert_refused_before_any_view(client, url)
            assert_no_server_error_on_hostile_queries(client, url, HOSTILE_QUERIES)
        else:  # each other persona its own view's scoping with one of the queries, in turn
            query = HOSTILE_QUERIES[served.index(persona) % len(HOSTILE_QUERIES)]
            assert_no_server_error_on_hostile_queries(client, url, [query])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kind", "persona", "expected"), cases(EXPECTED_POST))
def test_post_state_changing_urls_as_every_persona(persona_client, request, enterprise, name, kind, persona, expected):
    url = reverse(name, kwargs=kwargs_for(kind, request))
    client = persona_client(persona)
    if not url.startswith("/api/"):  # the API's parsers read its bodies (tests/smeportal/test_bad_input.py)
        fields = {"comment": "撤回\x00", "q": "a", "reason": "理由", "note": "\x00"}
        assert client.post(url, fields).status_code == 400, f"{url} with a NUL character in a field"
    response = client.post(url, {})
    assert_outcome(response, expected, url, request)
    assert_headers(response, persona, url)


# Exports and reports: the URL names of benchmarks/matrix.py's files without the uploaded attachments and the
# blank import template, and a registry import's report of rejected rows.
EXPORT_NAME = ("export", "_xlsx", "_pdf", "import_errors")


def export_cases():
    """Each export as the first persona it serves."""
    cases = [
        (name, kind, personas_served(name)[0]) for name, (kind, _) in EXPECTED.items() if name.endswith(EXPORT_NAME)
    ]
    return [pytest.param(*case, id=f"{case[0]}-{case[2]}") for case in cases]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kind", "persona"), export_cases())
def test_every_export_and_report_download_is_in_the_security_log(persona_client, request, name, kind, persona):
    from smeportal.models import SecurityEvent

    url = reverse(name, kwargs=kwargs_for(kind, request))
    client = persona_client(persona)
    response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:  # read to the end, as the browser does
        b"".join(response.streaming_content)
    events = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT)
    assert events.count() == 1, f"{url} as {persona}: {list(events.values_list('target', flat=True))}"
    details = events.get().details
    assert details["path"] == url and "rows" in details, details
