"""The landing page as each role's workbench (工作台): what each persona finds, what the others do not,
empty states, and a fixed number of queries whatever the number of rows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, ApplicationEvent, Objection, Revocation
from certification.rules import review
from certification.services.notice import notice_batch_create
from tests import factories
from tests.dashboards import snapshots as snap

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 2)  # a Monday
HOME = reverse("home")
S = Application.State


@pytest.fixture(autouse=True)
def pinned(today):
    return today(TODAY)


def page(client):
    response = client.get(HOME)
    assert response.status_code == 200
    return response, response.content.decode()


def waiting(enterprise, submitted_on, state=S.SUBMITTED):
    return factories.ApplicationFactory(enterprise=enterprise, state=state, submitted_on=submitted_on)


def noticed(registration, *, state=Revocation.State.NOTICED, deadline=TODAY + dt.timedelta(days=7)):
    return Revocation.objects.create(
        registration=registration,
        grounds="conditions_not_met",
        reason="不再符合条件",
        noticed_at=timezone.now(),
        defence_deadline=deadline,
        state=state,
    )


# --- Visitors and accounts without a role keep the public home page ----------------------------------


def test_anonymous_visitors_keep_the_public_home_page(client):
    response, body = page(client)
    assert response.templates[0].name == "home.html"
    assert reverse("register") in body and "工作台" not in body


def test_a_claim_waiting_for_verification_is_no_workbench(client, enterprise):
    claimant = factories.EnterpriseMembershipFactory(enterprise=enterprise, status="claimed").user
    client.force_login(claimant)
    response, _body = page(client)
    assert response.templates[0].name == "home.html"


# --- The enterprise ----------------------------------------------------------------------------------


def test_the_enterprise_without_a_filing_is_told_to_start(persona_client, enterprise):
    response, body = page(persona_client("enterprise_user"))
    assert response.templates[0].name == "workbench/enterprise.html"
    assert f"工作台 · {enterprise.name}" in body
    assert "本年度尚未开始填报" in body
    assert reverse("certification:filing_start") in body and "开始填报" in body
    assert 'data-testid="deadline"' in body and "申报截止" in body  # the campaign's window closes 31 December
    assert 'data-testid="card-registration-empty"' in body


def test_the_enterprise_sees_its_returned_filing_with_score_comments_and_registration(persona_client, enterprise):
    registration = factories.registered_filing(enterprise, year=2025)
    application = factories.ApplicationFactory(enterprise=enterprise, state=S.RETURNED, submitted_on=TODAY)
    ApplicationEvent.objects.create(
        application=application,
        from_state=S.SUBMITTED,
        to_state=S.RETURNED,
        comment="请补充研发项目清单。",
        field_comments={"rd_expense": "与审计报告不一致", "legacy_note": "旧版意见"},  # a name no field has
    )
    response, body = page(persona_client("enterprise_user"))
    bench = response.context["bench"]
    assert bench.application == application
    assert bench.evaluation.total_score == 76  # the worked example of RULES.md §2
    assert "退回修改" in body and "按退回意见修改后在申报截止日前重新提交" in body  # the state and its meaning
    assert 'data-testid="workbench-score">76<' in body
    assert "请补充研发项目清单。" in body and "与审计报告不一致" in body
    assert bench.field_comments == [("研发费用总额（万元）", "与审计报告不一致"), ("其他", "旧版意见")]
    assert reverse("certification:filing_step", args=[application.pk, "review"]) in body
    assert registration.number in body
    assert reverse("certification:registration_proof", args=[registration.pk]) in body


def test_an_incomplete_draft_lists_what_is_missing_instead_of_a_score(persona_client, enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise, rd_expense=None)
    response, body = page(persona_client("enterprise_user"))
    assert response.context["bench"].evaluation is None
    assert 'data-testid="score-missing"' in body and "研发费用" in body
    assert reverse("certification:filing_step", args=[application.pk, "basic"]) in body and "继续填报" in body


def test_a_revocation_notice_makes_the_defence_the_next_step(persona_client, enterprise):
    registration = factories.registered_filing(enterprise, year=2026)
    revocation = noticed(registration)
    response, body = page(persona_client("enterprise_user"))
    assert response.context["bench"].next_step.url == reverse("certification:revocation_defend", args=[revocation.pk])
    assert 'data-testid="revocation-alert"' in body and "申辩截止" in body


def test_the_enterprise_workbench_shows_only_its_own_filing(persona_client, enterprise, other_enterprise):
    factories.ApplicationFactory(enterprise=other_enterprise, state=S.RETURNED, submitted_on=TODAY)
    factories.registered_filing(other_enterprise, year=2025)
    response, _body = page(persona_client("enterprise_user"))
    assert response.context["bench"].application is None
    assert response.context["bench"].registration is None


# --- The district official ---------------------------------------------------------------------------


@pytest.fixture
def queue(enterprise, other_enterprise):
    """涪城区: three filings waiting (the oldest two overdue), one draft; 游仙区: one waiting."""
    old = waiting(enterprise, dt.date(2026, 8, 3))
    on_site = waiting(factories.EnterpriseFactory(managing_district=enterprise.managing_district), dt.date(2026, 9, 1),
                      state=S.ON_SITE_CHECK)  # fmt: skip
    recent = waiting(factories.EnterpriseFactory(managing_district=enterprise.managing_district), dt.date(2026, 10, 30))
    factories.ApplicationFactory(enterprise=factories.EnterpriseFactory(managing_district=enterprise.managing_district))
    waiting(other_enterprise, dt.date(2026, 7, 1))
    return old, on_site, recent


def test_the_district_sees_its_queue_oldest_first_with_days_waiting_and_overdue(persona_client, queue, district):
    old, on_site, recent = queue
    response, body = page(persona_client("district_official"))
    assert response.templates[0].name == "workbench/district.html"
    bench = response.context["bench"]
    assert [item.application for item in bench.waiting] == [old, on_site, recent]
    assert (bench.waiting_count, bench.overdue_count) == (3, 2)
    assert [item.waiting.overdue for item in bench.waiting] == [True, True, False]
    assert bench.waiting[2].waiting.days == 1  # submitted on Friday 30 October, today is Monday
    assert f"工作台 · {district.name}" in body
    assert "2 件超期" in body and "已等待 1 个工作日" in body
    assert reverse("certification:review_detail", args=[old.pk]) in body
    assert f"{review.REVIEW_WORKING_DAYS} 个工作日" in body  # the assumed review time is stated


def test_the_district_sees_spot_checks_revocations_and_its_shares(persona_client, enterprise, district, department):
    registration = factories.registered_filing(enterprise, year=2026)
    noticed(registration)
    snap.save_all([snap.tech(district, dt.date(2026, 11, 1), new=200, registered=12)])
    factories.AssistanceAgreementFactory(department=department, enterprise=enterprise, counts_as_new=False)
    response, body = page(persona_client("district_official"))
    assert response.context["bench"].revocations_open == 1
    assert 'data-testid="tech-share">6.00%<' in body and "还差 8 家" in body
    assert 'data-testid="new-share">0.0%<' in body and "还差 1 份新企业协议" in body
    assert 'data-testid="queue-empty"' in body


def test_the_district_workbench_is_empty_where_nothing_waits(persona_client, district):
    _response, body = page(persona_client("district_official"))
    assert 'data-testid="queue-empty"' in body and 'data-testid="tech-share-empty"' in body
    assert 'data-testid="new-share-empty"' in body


def test_another_district_sees_none_of_it(persona_client, queue):
    response, body = page(persona_client("other_district_official"))
    bench = response.context["bench"]
    assert bench.waiting_count == 1 and all(item.application.enterprise.managing_district.code == "510704"
                                            for item in bench.waiting)  # fmt: skip
    assert queue[0].enterprise.name not in body


# --- The city official -------------------------------------------------------------------------------


@pytest.fixture
def city_work(enterprise, other_enterprise, city_official):
    district = enterprise.managing_district
    recommended = [factories.recommended_filing(factories.EnterpriseFactory(managing_district=district)) for _ in "abc"]
    batch = notice_batch_create(
        actor=city_official, title="2026年第三批", start_date=TODAY, today=TODAY, application_ids=[recommended[0].pk]
    )
    Objection.objects.create(
        application=recommended[0],
        batch=batch,
        objector=factories.UserFactory(),
        real_name="王五",
        contact="13800000000",
        statement="数据不实",
    )
    defended = noticed(factories.registered_filing(enterprise, year=2026), state=Revocation.State.DEFENDED)
    noticed(factories.registered_filing(other_enterprise, year=2026))  # still within its defence period
    return batch, defended


@pytest.mark.parametrize("persona", ["city_official", "admin_user_persona"])
def test_the_city_sees_what_awaits_it(persona_client, city_work, persona):
    batch, _defended = city_work
    snap.save_all([snap.tech(None, dt.date(2026, 11, 1), new=1000, registered=120)])
    response, body = page(persona_client(persona))
    assert response.templates[0].name == "workbench/city.html"
    bench = response.context["bench"]
    assert bench.recommended_unbatched == 2
    assert [item.batch_id for item in bench.batches_ending] == [batch.pk]
    assert bench.batches_ending[0].deadline.working_days_left == 10
    assert bench.objections_open == 1 and bench.revocations_awaiting == 1
    # The tests' campaigns take filings and notices until 31 December; spot checks keep the default 15 December.
    assert [d.label for d in bench.deadlines] == ["抽查完成期限", "申报截止", "公示完成期限", "年度总结报送期限"]
    assert (
        reverse("certification:batch_create") in body and reverse("certification:batch_detail", args=[batch.pk]) in body
    )
    assert "还剩 10 个工作日" in body and "王五" not in body  # the objector's name stays on the batch page
    assert 'data-testid="tech-share">12.00%<' in body and "已达标" in body


def test_the_city_workbench_says_what_is_next_when_nothing_waits(persona_client, db):
    _response, body = page(persona_client("city_official"))
    assert "没有待公示的申报" in body and "没有正在公示的批次" in body and 'data-testid="tech-share-empty"' in body


# --- The department ----------------------------------------------------------------------------------


def test_the_department_sees_its_share_gap_and_new_enterprises_to_sign_with(persona_client, department):
    for _ in range(4):
        factories.AssistanceAgreementFactory(department=department, counts_as_new=False)
    new = factories.EnterpriseFactory(established_on=dt.date(2026, 5, 1))
    assisted = factories.EnterpriseFactory(established_on=dt.date(2026, 6, 1))
    factories.AssistanceAgreementFactory(enterprise=assisted, counts_as_new=True)  # another department's
    response, body = page(persona_client("department_user"))
    assert response.templates[0].name == "workbench/department.html"
    bench = response.context["bench"]
    assert (bench.progress.agreements, bench.progress.new, bench.progress.short_by) == (4, 0, 1)
    assert [e.pk for e in bench.without_assistance] == [new.pk]
    assert f"{reverse('assistance:agreement_create')}?enterprise={new.credit_code}&amp;year=2026" in body
    assert "还差 1 份新企业协议" in body and "签订帮扶协议" in body


# --- A fixed number of queries per role -------------------------------------------------------------


def more_of_everything(enterprise, other_enterprise, city_official, n):
    district = enterprise.managing_district
    for i in range(n):
        firm = factories.EnterpriseFactory(managing_district=district, established_on=dt.date(2026, 1, 1))
        waiting(firm, dt.date(2026, 9, 1) + dt.timedelta(days=i))
        factories.recommended_filing(factories.EnterpriseFactory(managing_district=district))
        noticed(factories.registered_filing(factories.EnterpriseFactory(managing_district=district), year=2026))


@pytest.mark.parametrize(
    ("persona", "queries"),
    [
        ("enterprise_user", 13),
        ("district_official", 14),
        ("city_official", 12),
        ("admin_user_persona", 11),
        ("department_user", 8),
    ],
)
def test_each_workbench_runs_a_fixed_number_of_queries(
    persona_client, enterprise, other_enterprise, city_official, department, persona, queries,
    django_assert_max_num_queries,
):  # fmt: skip
    client = persona_client(persona)
    factories.ApplicationFactory(enterprise=enterprise, state=S.RETURNED, submitted_on=TODAY)
    factories.registered_filing(enterprise, year=2025)
    more_of_everything(enterprise, other_enterprise, city_official, 2)
    with django_assert_max_num_queries(queries):
        page(client)
    more_of_everything(enterprise, other_enterprise, city_official, 8)
    with django_assert_max_num_queries(queries):
        page(client)


@pytest.mark.parametrize(
    ("persona", "labels"),
    [
        ("enterprise_user", ["Workbench", "Live score", "Start filing"]),
        ("district_official", ["Workbench", "Notices and spot checks", "New-enterprise assistance share"]),
        ("city_official", ["Workbench", "Awaiting public notice", "Objections and revocations to decide"]),
        ("department_user", ["Workbench", "Sign an agreement", "All new enterprises without assistance"]),
    ],
)
def test_each_workbench_in_english(persona_client, enterprise, department, persona, labels):
    factories.EnterpriseFactory(established_on=dt.date(2026, 5, 1))  # a new enterprise for the department
    client = persona_client(persona)
    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    _response, body = page(client)
    for label in labels:
        assert label in body
