"""The pages to time, derived from the URL × persona table of tests/test_url_matrix.py.

Every GET the table lets a persona open (200) is timed as one demo login of that role, so a new URL
is measured as soon as its row is in the table. The URL's object (``pk``, ``code``…) is the first one
the demo login sees through the portal's own selectors; a kind without an object in the data set is
reported as not measured rather than guessed. :func:`cases` is pure (no database), for its unit test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

OK = "200"

# Files rather than pages (exports, workbooks, PDFs, uploaded attachments), by their URL names: no 50 ms
# budget applies to the city's whole enterprise list as a workbook. Each is timed once, its body read.
DOWNLOAD_NAME = re.compile(r"(export|_xlsx|_pdf|attachment|download|template)$")

# One demo login (demo/users.py) per role of the table. The "other_…" personas and the administrator
# open the same pages as the roles below with another scope, so they add no measurement.
PERSONA_LOGINS = {
    "anonymous": None,
    "enterprise_user": "enterprise",
    "district_official": "fucheng",
    "department_user": "kjj",
    "city_official": "city",
}

# Searches, timed beside the table's pages: (URL name, persona, query). 绵阳 is in most names (the
# worst case for the order of a list), 长虹 in few (the worst case without an index), 电子 in one name of
# twenty (the case where a join's planner must expect many matches).
SEARCHES = [
    ("certification:lookup", "anonymous", {"q": "绵阳"}),
    ("certification:lookup", "anonymous", {"q": "长虹"}),
    ("certification:lookup", "anonymous", {"q": "电子"}),
    ("certification:lookup", "anonymous", {"q": "91510703MA6"}),
    ("certification:revocations_public", "anonymous", {"q": "绵阳"}),
    ("enterprises:list", "city_official", {"q": "绵阳"}),
    ("enterprises:list", "city_official", {"q": "长虹"}),
    ("enterprises:list", "district_official", {"q": "长虹"}),
    ("enterprise-list", "city_official", {"q": "长虹"}),
    ("certification:pool", "district_official", {"q": "长虹"}),
    ("certification:pool", "city_official", {"add_q": "长虹"}),
    ("certification:pool", "district_official", {"add_q": "绵阳"}),
    ("certification:revocation_list", "city_official", {"q": "绵阳"}),
    ("assistance:agreement_list", "city_official", {"q": "绵阳"}),
    ("assistance:enterprise_search", "department_user", {"enterprise": "长虹"}),
    ("assistance:enterprise_search", "department_user", {"enterprise": "绵阳"}),
]


@dataclass(frozen=True)
class Case:
    name: str  # the URL's name
    kind: str | None  # the kind of its kwargs, as in the table
    persona: str
    query: Mapping[str, str] | None = None

    @property
    def download(self) -> bool:
        return bool(DOWNLOAD_NAME.search(self.name))

    @property
    def label(self) -> str:
        query = "&".join(f"{key}={value}" for key, value in (self.query or {}).items())
        return f"{self.name}{'?' + query if query else ''} as {self.persona}"


def cases(expected: Mapping[str, tuple], personas: Mapping[str, str | None] = PERSONA_LOGINS) -> list[Case]:
    """Every (URL, persona) whose outcome in ``expected`` (the table: name -> (kind, {persona: outcome}))
    is 200, for the personas with a login, then the searches; in the table's order."""
    found = [
        Case(name, kind, persona)
        for name, (kind, outcomes) in expected.items()
        for persona in personas
        if outcomes.get(persona) == OK
    ]
    kinds = {name: kind for name, (kind, _outcomes) in expected.items()}
    found += [Case(name, kinds[name], persona, query) for name, persona, query in SEARCHES if name in kinds]
    return found


def _first(queryset):
    return queryset.order_by("-pk").first()


def kwarg_resolvers() -> dict[str, Callable]:
    """kind -> ``f(user) -> kwargs or None``: the newest object of that kind the user sees (Django needed)."""
    from django.utils import timezone

    from assistance.models import AgreementImport, Department
    from assistance.selectors import agreements_visible_to, service_records_visible_to
    from certification.models import Application, NoticeBatch
    from certification.selectors.filing import applications_visible_to, attachments_visible_to
    from certification.selectors.registration import registrations_visible_to
    from certification.selectors.revocation import revocations_visible_to
    from certification.selectors.spot_check import spot_checks_visible_to
    from enterprises.models import RegistryImport
    from enterprises.selectors import claims_to_decide, enterprises_visible_to
    from quotas.models import QuotaRun

    def pk(found):
        return None if found is None else {"pk": found.pk}

    def enterprise(user):
        visible = enterprises_visible_to(user)
        # The enterprise user's own; an official's first enterprise in its scope (the pk index, not a sort).
        return pk(visible.order_by("pk").first())

    def district_code(user):
        found = enterprises_visible_to(user).order_by("pk").first()
        return None if found is None else {"code": found.managing_district.code}

    def review_filing(user):
        return pk(applications_visible_to(user).order_by("-submitted_on", "-pk").first())

    def draft(user):
        return pk(_first(applications_visible_to(user).filter(state=Application.State.DRAFT)))

    def filing_step(user):
        found = draft(user)
        return None if found is None else {**found, "step": "finance"}

    def revocation_filing(user):
        found = _first(registrations_visible_to(user))
        return None if found is None else {"pk": found.application_id}

    return {
        "enterprise": enterprise,
        "district_code": district_code,
        "export_funnel": lambda user: {"table": "funnel"},
        "campaign_year": lambda user: {"year": timezone.localdate().year + 1},
        "reset_token": lambda user: {"uidb64": "MQ", "token": "set-password-bad-token"},
        "filing": draft,
        "filing_step": filing_step,
        "filing_attachment": lambda user: pk(_first(attachments_visible_to(user))),
        "review_filing": review_filing,
        "review_batch": lambda user: pk(_first(NoticeBatch.objects.all())),
        "notice_batch": lambda user: pk(_first(NoticeBatch.objects.filter(published=True))),
        "registration": lambda user: pk(_first(registrations_visible_to(user))),
        "revocation_filing": revocation_filing,
        "revocation": lambda user: pk(_first(revocations_visible_to(user))),
        "spot_check": lambda user: pk(_first(spot_checks_visible_to(user))),
        "agreement": lambda user: pk(_first(agreements_visible_to(user))),
        "service_record": lambda user: pk(_first(service_records_visible_to(user))),
        "department": lambda user: pk(_first(Department.objects.all())),
        "agreement_import": lambda user: pk(_first(AgreementImport.objects.filter(department__memberships__user=user))),
        "claim": lambda user: pk(_first(claims_to_decide(user).exclude(authorisation_letter=""))),
        "registry_import": lambda user: pk(_first(RegistryImport.objects.exclude(error_report=""))),
        "quota_run": lambda user: pk(_first(QuotaRun.objects.all())),
    }
