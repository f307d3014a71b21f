"""`make bench` times the pages the URL × persona table opens, each as its role (benchmarks/matrix.py)."""

import pytest

from benchmarks.matrix import PERSONA_LOGINS, SEARCHES, Case, cases, kwarg_resolvers
from tests.test_url_matrix import EXPECTED, OK, row


def test_a_new_url_is_timed_for_every_persona_it_serves_and_only_those():
    table = {
        "home": (None, row("200", "200", "200", "200", "200", "200", "200", "200")),
        "new:page": ("enterprise", row("302 to login", "404", "404", "200", "200", "404", "200", "200")),
    }
    derived = [(case.name, case.kind, case.persona) for case in cases(table)]
    assert ("new:page", "enterprise", "district_official") in derived
    assert ("new:page", "enterprise", "city_official") in derived
    assert [persona for name, _, persona in derived if name == "new:page"] == ["district_official", "city_official"]
    # other_district_official and the administrator open the same page with another scope: timed once per role.
    assert {persona for _, _, persona in derived} <= PERSONA_LOGINS.keys()


def test_every_page_of_the_real_table_is_timed_as_some_role():
    derived = cases(EXPECTED)
    timed = {case.name for case in derived if case.query is None}
    served = {name for name, (_, outcomes) in EXPECTED.items() if OK in outcomes.values()}
    assert timed == served
    assert {("enterprises:list", "city_official"), ("certification:lookup", "anonymous")} <= {
        (case.name, case.persona) for case in derived
    }
    searches = [case for case in derived if case.query]
    assert len(searches) == len(SEARCHES)
    assert all(EXPECTED[case.name][1][case.persona] == OK for case in searches)


@pytest.mark.django_db
def test_every_kind_of_object_a_served_page_needs_has_a_resolver():
    kinds = {case.kind for case in cases(EXPECTED)} - {None}
    assert kinds <= kwarg_resolvers().keys()


@pytest.mark.parametrize(
    ("name", "download"),
    [
        ("enterprises:export", True),
        ("security_log_export", True),
        ("dashboards:year_report_xlsx", True),
        ("certification:registration_proof_pdf", True),
        ("certification:attachment_download", True),
        ("certification:revocation_attachment", True),
        ("assistance:import_template", True),
        ("certification:registration_proof", False),  # the printable page is a page
        ("dashboards:year_report", False),
        ("enterprises:list", False),
        ("certification:export_help", False),  # "export" inside a name does not make a file
    ],
)
def test_files_are_told_from_pages_by_their_url_names(name, download):
    assert Case(name, None, "city_official").download is download


def test_the_real_table_has_downloads_and_the_pages_stay_pages():
    derived = cases(EXPECTED)
    downloads = {case.name for case in derived if case.download}
    assert {"enterprises:export", "dashboards:year_report_xlsx"} <= downloads
    assert not any(case.download for case in derived if case.query)  # searches are pages
