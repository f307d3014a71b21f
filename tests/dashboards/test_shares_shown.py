"""A share is shown as the target only when the target is met (RULES.md §5, §2): the dashboards, the workbench
and the year-end report show shares rounded toward zero, and the report counts the agreements signed by its day."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboards.view_models import funnel_from, percent
from dashboards.year_report import year_report
from tests import factories
from tests.dashboards import snapshots as snap

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (Decimal("0.1000"), Decimal("10.00")),  # exactly the target
        (Decimal("0.0999"), Decimal("9.99")),  # 9.995% or 9.9999%, stored to four places toward zero
        (Decimal("0.09999"), Decimal("9.99")),
        (Decimal("0.1999"), Decimal("19.99")),
        (Decimal("0.2000"), Decimal("20.00")),
        (Decimal(0), Decimal("0.00")),
        (Decimal("-0.00015"), Decimal("-0.01")),  # a change between two days, toward zero too
        (None, None),
    ],
)
def test_percent_rounds_toward_zero(share, shown):
    assert percent(share) == shown


def test_the_funnel_rounds_toward_zero():
    funnel = funnel_from({"newly_registered": 2001, "filed": 2001, "recommended": 1000, "registered": 200})
    assert [step.percent_of_new for step in funnel.steps] == [
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("49.97"),  # 49.975%
        Decimal("9.99"),  # 9.995%
    ]


def test_a_district_just_short_of_10_percent_is_not_shown_at_10_percent(client, city_official, district):
    """200 of 2,001 (9.995%): the dashboard's headline and league, and the workbench card, read 9.99%."""
    snap.save_all([snap.tech(district, DAY, new=2001, registered=200), snap.tech(None, DAY, new=2001, registered=200)])
    client.force_login(city_official)
    page = client.get(reverse("dashboards:district_code", args=[district.code])).content.decode()
    assert 'data-testid="headline-share">9.99%<' in page and "差 1 家" in page
    workbench = client.get("/").content.decode()
    assert 'data-testid="tech-share">9.99%<' in workbench


def test_a_department_just_short_of_20_percent_is_not_shown_at_20_percent(client, city_official, department):
    snap.save_all([snap.tech(None, DAY)])  # the page's date comes from the tech-share snapshots
    snap.department(department, DAY, agreements=10000, new=1999)  # 19.99%
    client.force_login(city_official)
    row = client.get(reverse("dashboards:city")).content.decode().split('data-testid="department-row"')[1]
    assert "19.99%" in row and "差 1 家" in row


def test_the_year_report_counts_the_agreements_signed_by_its_day(district, department):
    """The report "as of" a day counts, per department and per district alike, only what was signed by then; its
    shares are rounded toward zero (2 of 3 is 66.66%)."""
    firms = [factories.EnterpriseFactory(managing_district=district) for _ in range(4)]
    for firm, signed_on, new in zip(
        firms,
        (dt.date(2026, 3, 1), dt.date(2026, 6, 1), dt.date(2026, 6, 2), dt.date(2026, 9, 1)),
        (True, True, False, True),
        strict=True,
    ):
        factories.AssistanceAgreementFactory(
            department=department, enterprise=firm, signed_on=signed_on, counts_as_new=new
        )

    report = year_report(2026, dt.date(2026, 6, 2))
    row = next(row for row in report.departments if row.name == department.name)
    here = next(row for row in report.districts if row.code == district.code)
    assert (row.agreements, row.new_agreements, row.share_percent) == (3, 2, Decimal("66.66"))
    assert (here.agreements, here.new_agreements) == (3, 2)
    assert (report.agreements, report.new_share_percent) == (3, Decimal("66.66"))

    row = next(row for row in year_report(2026, dt.date(2026, 6, 1)).departments if row.name == department.name)
    assert (row.agreements, row.new_agreements, row.share_percent) == (2, 2, Decimal("100.00"))
