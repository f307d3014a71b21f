import datetime as dt
from decimal import Decimal

import pytest

from assistance.models import DepartmentTarget, QuotaPolicy
from assistance.selectors import (
    NewShare,
    Progress,
    agreements_visible_to,
    department_progress,
    departments_progress,
    enterprise_by_name_or_code,
    new_enterprises_without_assistance,
    open_issues,
    service_records_visible_to,
)
from enterprises.models import Enterprise
from tests.factories import (
    AssistanceAgreementFactory,
    EnterpriseFactory,
    IndustryClusterFactory,
    ServiceRecordFactory,
)

pytestmark = pytest.mark.django_db


def agreements(department, n_new, n_old, year=2026):
    for _ in range(n_new):
        AssistanceAgreementFactory(department=department, year=year, counts_as_new=True)
    for _ in range(n_old):
        AssistanceAgreementFactory(department=department, year=year, counts_as_new=False)


@pytest.mark.parametrize(
    ("n_new", "n_old", "met", "short"),
    [(2, 8, True, 0), (1, 9, False, 1), (0, 10, False, 2), (2, 9, False, 1), (3, 8, True, 0), (0, 1, False, 1)],
)
def test_department_progress_share(department, django_assert_num_queries, n_new, n_old, met, short):
    agreements(department, n_new, n_old)
    AssistanceAgreementFactory(department=department, year=2025, counts_as_new=True)  # other year
    AssistanceAgreementFactory(department=department, counts_as_new=True, archived=True)  # archived
    DepartmentTarget.objects.create(department=department, year=2026, enterprises_to_assist=12)
    with django_assert_num_queries(1):
        progress = department_progress(department, 2026)
    assert (progress.agreements, progress.new) == (n_new + n_old, n_new)
    assert progress.share_met is met and progress.short_by == short
    assert progress.target == Decimal("0.2")
    assert progress.task == 12 and progress.task_remaining == 12 - (n_new + n_old)


def test_progress_uses_the_policy_target(department):
    QuotaPolicy.objects.create(year=2026, new_enterprise_target=Decimal("0.300"))
    agreements(department, 2, 8)
    progress = department_progress(department, 2026)
    assert progress.share_met is False and progress.short_by == 1 and progress.target_percent == "30%"


def test_progress_without_agreements_or_task(department):
    progress = department_progress(department, 2026)
    assert progress.agreements == 0 and progress.share is None and not progress.share_met and progress.short_by == 0
    assert progress.task is None and progress.task_remaining is None


@pytest.mark.parametrize(
    ("agreements", "new", "shown", "short"),
    [
        (5, 1, "20.0%", 0),  # exactly 20%
        (401, 80, "19.9%", 1),  # 19.95%: not "20.0%" next to "还差 1"
        (4001, 800, "19.9%", 1),  # 19.995%
        (10_000, 1999, "19.9%", 1),  # 19.99%
        (3, 2, "66.6%", 0),
        (0, 0, "—", 0),
    ],
)
def test_the_department_share_is_shown_rounded_toward_zero(agreements, new, shown, short):
    share = NewShare(agreements=agreements, new=new, target=Decimal("0.200"))
    assert (share.share_percent, share.short_by, share.target_percent) == (shown, short, "20%")


@pytest.mark.parametrize(("target", "shown"), [("0.200", "20%"), ("0.125", "12.5%"), ("0.1000", "10%"), ("1", "100%")])
def test_the_target_is_shown_as_set(target, shown):
    assert NewShare(agreements=8, new=1, target=Decimal(target)).target_percent == shown


@pytest.mark.parametrize(
    ("agreements", "task", "shown"), [(199, 200, 99), (200, 200, 100), (250, 200, 100), (1, 3, 33)]
)
def test_the_task_progress_is_rounded_toward_zero(department, agreements, task, shown):
    """A task one agreement short is not shown as 100% done."""
    progress = Progress(
        agreements=agreements, new=0, target=Decimal("0.2"), department=department, year=2026, task=task
    )
    assert progress.task_percent == shown


def test_departments_progress_one_query(department, other_department, django_assert_num_queries):
    agreements(department, 1, 1)
    agreements(other_department, 0, 3)
    with django_assert_num_queries(1):
        rows = departments_progress(2026)
    by_code = {p.department.code: (p.agreements, p.new) for p in rows}
    assert by_code == {"kjj": (2, 1), "jxj": (3, 0)}


def test_new_enterprises_without_assistance(district, other_district, department):
    cluster = IndustryClusterFactory()
    new_free = EnterpriseFactory(managing_district=district, established_on=dt.date(2025, 1, 1), cluster=cluster)
    introduced_free = EnterpriseFactory(
        managing_district=other_district, established_on=dt.date(2001, 1, 1), origin="introduced",
        introduced_on=dt.date(2026, 2, 1), industry_section="C",
    )  # fmt: skip
    assisted = EnterpriseFactory(managing_district=district, established_on=dt.date(2026, 1, 1))
    AssistanceAgreementFactory(department=department, enterprise=assisted)
    assisted_last_year = EnterpriseFactory(managing_district=district, established_on=dt.date(2025, 6, 1))
    AssistanceAgreementFactory(department=department, enterprise=assisted_last_year, year=2025)
    archived_only = EnterpriseFactory(managing_district=district, established_on=dt.date(2025, 6, 1))
    AssistanceAgreementFactory(department=department, enterprise=archived_only, archived=True)
    EnterpriseFactory(managing_district=district, established_on=dt.date(2024, 12, 31))  # too old
    EnterpriseFactory(managing_district=district, established_on=dt.date(2026, 1, 1), status="cancelled")

    found = set(new_enterprises_without_assistance(2026))
    assert found == {new_free, introduced_free, assisted_last_year, archived_only}
    assert set(new_enterprises_without_assistance(2026, district_id=other_district.pk)) == {introduced_free}
    assert set(new_enterprises_without_assistance(2026, cluster_id=cluster.pk)) == {new_free}
    assert set(new_enterprises_without_assistance(2026, industry_section="c")) == {introduced_free}


def test_open_issues(department, other_department):
    mine = AssistanceAgreementFactory(department=department)
    open_record = ServiceRecordFactory(agreement=mine, issues_raised="融资难")
    ServiceRecordFactory(agreement=mine, issues_raised="场地", resolved_on=dt.date(2026, 4, 2))
    ServiceRecordFactory(agreement=mine, issues_raised="")
    ServiceRecordFactory(agreement=AssistanceAgreementFactory(department=other_department), issues_raised="x")
    assert list(open_issues(department, 2026)) == [open_record]


def test_scoping(
    department_user, other_department_user, city_official, enterprise_user, other_enterprise_user,
    district_official, other_district_official, department, other_department, enterprise, other_enterprise,
):  # fmt: skip
    a = AssistanceAgreementFactory(department=department, enterprise=enterprise)
    b = AssistanceAgreementFactory(department=other_department, enterprise=other_enterprise)
    AssistanceAgreementFactory(department=department, enterprise=other_enterprise, archived=True)
    expected = {
        department_user: {a},
        other_department_user: {b},
        city_official: {a, b},
        enterprise_user: {a},
        other_enterprise_user: {b},
        district_official: {a},
        other_district_official: {b},
    }
    for user, agreements_seen in expected.items():
        assert set(agreements_visible_to(user)) == agreements_seen, user.username
    record = ServiceRecordFactory(agreement=a)
    assert list(service_records_visible_to(enterprise_user)) == [record]
    assert list(service_records_visible_to(other_department_user)) == []


def test_enterprise_by_name_or_code(enterprise):
    assert enterprise_by_name_or_code(enterprise.credit_code.lower()) == enterprise
    assert enterprise_by_name_or_code(f" {enterprise.credit_code} ") == enterprise
    assert enterprise_by_name_or_code(enterprise.name) == enterprise
    assert enterprise_by_name_or_code(enterprise.name[:-1]) is None
    assert enterprise_by_name_or_code("") is None
    EnterpriseFactory(name=enterprise.name)
    assert enterprise_by_name_or_code(enterprise.name) is None  # ambiguous name
    assert Enterprise.objects.filter(name=enterprise.name).count() == 2
