import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from assistance import services
from assistance.models import AssistanceAgreement, DepartmentTarget, QuotaPolicy, ServiceRecord
from enterprises.models import Enterprise
from smeportal.models import ChangeRecord
from tests.factories import AssistanceAgreementFactory, EnterpriseFactory, ServiceRecordFactory

pytestmark = pytest.mark.django_db
AFTER_THE_DATES_HERE = dt.date(2027, 12, 31)


@pytest.fixture(autouse=True)
def after_the_dates_used_here(today):
    """The agreements and visits here are dated in 2026 and 2027, and nothing signed or visited after today is
    accepted: the portal's today is after all of them, whatever the machine's clock says."""
    today(AFTER_THE_DATES_HERE)


def create(actor, department, enterprise, **overrides):
    values = {
        "actor": actor,
        "department_id": department.pk,
        "enterprise_id": enterprise.pk,
        "year": 2026,
        "signed_on": dt.date(2026, 5, 1),
        "measures": ["policy", "talent"],
        "responsible_officer": "王五",
    }
    values.update(overrides)
    return services.agreement_create(**values)


def messages(error: ValidationError) -> str:
    return (
        " ".join(m for ms in error.message_dict.values() for m in ms)
        if hasattr(error, "error_dict")
        else " ".join(error.messages)
    )


def test_create_computes_counts_as_new(department_user, department):
    new = create(department_user, department, EnterpriseFactory(established_on=dt.date(2025, 1, 1)))
    old = create(department_user, department, EnterpriseFactory(established_on=dt.date(2024, 12, 31)))
    assert new.counts_as_new is True and old.counts_as_new is False
    assert new.created_by == department_user


def test_policy_window_changes_the_rule(department_user, department):
    QuotaPolicy.objects.create(year=2026, new_window_years=2)
    agreement = create(department_user, department, EnterpriseFactory(established_on=dt.date(2024, 12, 31)))
    assert agreement.counts_as_new is True


def test_duplicate_agreement_refused(department_user, department, enterprise):
    create(department_user, department, enterprise)
    with pytest.raises(ValidationError) as caught:
        create(department_user, department, enterprise, signed_on=dt.date(2026, 7, 1))
    assert "已签订帮扶协议" in messages(caught.value)
    # another year or another department is fine
    create(department_user, department, enterprise, year=2027, signed_on=dt.date(2027, 1, 1))


def test_archived_agreement_does_not_block_a_new_one(department_user, department, enterprise):
    first = create(department_user, department, enterprise)
    services.agreement_archive(actor=department_user, agreement_id=first.pk)
    second = create(department_user, department, enterprise)
    assert AssistanceAgreement.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_database_refuses_duplicates_too(department, enterprise):
    AssistanceAgreementFactory(department=department, enterprise=enterprise)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssistanceAgreementFactory(department=department, enterprise=enterprise)


@pytest.mark.parametrize("signed_on", [dt.date(2025, 12, 31), dt.date(2027, 1, 1)])
def test_signed_date_outside_the_year_refused(department_user, department, enterprise, signed_on):
    with pytest.raises(ValidationError) as caught:
        create(department_user, department, enterprise, signed_on=signed_on)
    assert "签订日期必须在协议年度" in messages(caught.value)


def test_signed_date_year_edges_accepted(department_user, department):
    create(department_user, department, EnterpriseFactory(), signed_on=dt.date(2026, 1, 1))
    create(department_user, department, EnterpriseFactory(), signed_on=dt.date(2026, 12, 31))


def test_signed_date_after_today_refused_on_create_and_update(department_user, department, enterprise, today):
    today(dt.date(2026, 6, 10))
    with pytest.raises(ValidationError) as caught:
        create(department_user, department, enterprise, signed_on=dt.date(2026, 6, 11))
    assert caught.value.message_dict == {"signed_on": ["签订日期不能晚于今天。"]}
    agreement = create(department_user, department, enterprise, signed_on=dt.date(2026, 6, 10))  # today is fine
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(actor=department_user, agreement_id=agreement.pk, signed_on=dt.date(2026, 7, 1))
    assert caught.value.message_dict == {"signed_on": ["签订日期不能晚于今天。"]}
    agreement.refresh_from_db()
    assert agreement.signed_on == dt.date(2026, 6, 10)


def test_a_year_still_to_come_is_refused_by_its_signing_date(department_user, department, enterprise, today):
    """An agreement of next year cannot be signed yet: its date is either outside the year or after today."""
    today(dt.date(2026, 6, 10))
    with pytest.raises(ValidationError) as caught:
        create(department_user, department, enterprise, year=2027, signed_on=dt.date(2027, 1, 4))
    assert caught.value.message_dict == {"signed_on": ["签订日期不能晚于今天。"]}


def test_database_refuses_signed_date_outside_the_year(department, enterprise):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssistanceAgreementFactory(department=department, enterprise=enterprise, signed_on=dt.date(2025, 12, 31))


@pytest.mark.parametrize("measures", [["loans"], [], ["policy", "policy"], "policy"])
def test_bad_measures_refused(department_user, department, enterprise, measures):
    with pytest.raises(ValidationError) as caught:
        create(department_user, department, enterprise, measures=measures)
    assert "measures" in caught.value.message_dict


def test_unknown_measure_named_in_message(department_user, department, enterprise):
    with pytest.raises(ValidationError) as caught:
        create(department_user, department, enterprise, measures=["policy", "loans"])
    assert "loans" in messages(caught.value)


def test_enterprise_not_operating_or_missing(department_user, department):
    cancelled = EnterpriseFactory(status=Enterprise.Status.CANCELLED)
    with pytest.raises(ValidationError) as caught:
        create(department_user, department, cancelled)
    assert "注销" in messages(caught.value)
    with pytest.raises(ValidationError):
        services.agreement_create(
            actor=department_user, department_id=department.pk, enterprise_id=999999, year=2026,
            signed_on=dt.date(2026, 5, 1), measures=["policy"], responsible_officer="x",
        )  # fmt: skip


def test_permissions(department_user, other_department_user, city_official, enterprise_user, department, enterprise):
    with pytest.raises(PermissionDenied):
        create(other_department_user, department, enterprise)
    with pytest.raises(PermissionDenied):
        create(enterprise_user, department, enterprise)
    agreement = create(city_official, department, enterprise)
    with pytest.raises(AssistanceAgreement.DoesNotExist):
        services.agreement_update(actor=other_department_user, agreement_id=agreement.pk, goals="x")
    with pytest.raises(AssistanceAgreement.DoesNotExist):
        services.service_record_create(actor=other_department_user, agreement_id=agreement.pk, date=dt.date(2026, 6, 1))
    with pytest.raises(PermissionDenied):
        services.department_target_set(actor=department_user, department_id=department.pk, year=2026,
                                       enterprises_to_assist=5)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.policy_close_year(actor=department_user, year=2026)


def test_update_recomputes_and_checks(department_user, department, enterprise):
    agreement = create(department_user, department, enterprise)
    with pytest.raises(ValidationError):
        services.agreement_update(actor=department_user, agreement_id=agreement.pk, signed_on=dt.date(2027, 1, 1))
    with pytest.raises(ValidationError):
        services.agreement_update(actor=department_user, agreement_id=agreement.pk, measures=["nope"])
    Enterprise.objects.filter(pk=enterprise.pk).update(established_on=dt.date(2010, 1, 1))
    updated = services.agreement_update(actor=department_user, agreement_id=agreement.pk, status="completed")
    assert updated.status == "completed" and updated.counts_as_new is False


def test_closing_the_year_freezes_counts_as_new(city_official, department_user, department):
    enterprise = EnterpriseFactory(established_on=dt.date(2025, 3, 1))
    agreement = create(department_user, department, enterprise)
    assert agreement.counts_as_new is True
    # registry correction before closing: the close settles the flag from current data
    Enterprise.objects.filter(pk=enterprise.pk).update(established_on=dt.date(2012, 3, 1))
    policy = services.policy_close_year(actor=city_official, year=2026)
    assert policy.closed and policy.closed_at
    agreement.refresh_from_db()
    assert agreement.counts_as_new is False
    # after closing, nothing changes the flag, and the year's agreements are read-only
    Enterprise.objects.filter(pk=enterprise.pk).update(established_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.agreement_update(actor=department_user, agreement_id=agreement.pk, goals="x")
    with pytest.raises(ValidationError):
        create(department_user, department, EnterpriseFactory())
    services.policy_close_year(actor=city_official, year=2026)  # twice is harmless
    agreement.refresh_from_db()
    assert agreement.counts_as_new is False


def test_service_records_and_feedback(department_user, enterprise_user, other_enterprise_user, department, enterprise):
    agreement = create(department_user, department, enterprise)
    with pytest.raises(ValidationError):
        services.service_record_create(
            actor=department_user, agreement_id=agreement.pk, date=dt.date(2026, 6, 2), resolved_on=dt.date(2026, 6, 1)
        )
    record = services.service_record_create(
        actor=department_user, agreement_id=agreement.pk, date=dt.date(2026, 6, 1), issues_raised="缺少场地"
    )
    record = services.service_record_update(
        actor=department_user, record_id=record.pk, resolution="已协调", resolved_on=dt.date(2026, 6, 1)
    )
    assert record.resolved_on == dt.date(2026, 6, 1)
    with pytest.raises(ServiceRecord.DoesNotExist):
        services.service_record_feedback(actor=other_enterprise_user, record_id=record.pk, feedback="好")
    with pytest.raises(PermissionDenied):
        services.service_record_feedback(actor=department_user, record_id=record.pk, feedback="好")
    with pytest.raises(ValidationError):
        services.service_record_feedback(actor=enterprise_user, record_id=record.pk, feedback="  ")
    record = services.service_record_feedback(actor=enterprise_user, record_id=record.pk, feedback="满意")
    assert record.enterprise_feedback == "满意" and record.feedback_at is not None


@pytest.mark.parametrize(
    ("date", "resolved_on", "errors"),
    [
        (dt.date(2026, 6, 11), None, {"date": ["服务日期不能晚于今天。"]}),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 11), {"resolved_on": ["解决日期不能晚于今天。"]}),
        (dt.date(2026, 6, 11), dt.date(2026, 6, 12), {"date": ["服务日期不能晚于今天。"],
                                                      "resolved_on": ["解决日期不能晚于今天。"]}),
    ],
)  # fmt: skip
def test_service_record_dated_after_today_refused_on_create_and_update(
    department_user, department, enterprise, today, date, resolved_on, errors
):
    agreement = create(department_user, department, enterprise)
    today(dt.date(2026, 6, 10))
    with pytest.raises(ValidationError) as caught:
        services.service_record_create(
            actor=department_user, agreement_id=agreement.pk, date=date, resolved_on=resolved_on
        )
    assert caught.value.message_dict == errors
    record = services.service_record_create(
        actor=department_user, agreement_id=agreement.pk, date=dt.date(2026, 6, 10), resolved_on=dt.date(2026, 6, 10)
    )  # today itself is fine
    with pytest.raises(ValidationError) as caught:
        services.service_record_update(actor=department_user, record_id=record.pk, date=date, resolved_on=resolved_on)
    assert caught.value.message_dict == errors
    record.refresh_from_db()
    assert (record.date, record.resolved_on) == (dt.date(2026, 6, 10), dt.date(2026, 6, 10))


def test_database_refuses_resolution_before_the_visit(department):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecordFactory(date=dt.date(2026, 5, 2), resolved_on=dt.date(2026, 5, 1))


def test_department_target_set_upserts(city_official, department):
    services.department_target_set(actor=city_official, department_id=department.pk, year=2026, enterprises_to_assist=5)
    services.department_target_set(actor=city_official, department_id=department.pk, year=2026, enterprises_to_assist=8)
    assert DepartmentTarget.objects.get(department=department, year=2026).enterprises_to_assist == 8
    with pytest.raises(ValidationError):
        services.department_target_set(
            actor=city_official, department_id=department.pk, year=2026, enterprises_to_assist=-1
        )


def test_policy_defaults():
    policy = QuotaPolicy.for_year(2030)
    assert policy.pk is None
    assert policy.new_enterprise_target == Decimal("0.200") and policy.tech_share_target == Decimal("0.100")
    assert policy.new_window_years == 1


def test_admin_action_closes_the_year(client, admin_user_persona):
    policy = QuotaPolicy.objects.create(year=2026)
    client.force_login(admin_user_persona)
    response = client.post("/admin/assistance/quotapolicy/", {"action": "close_years", "_selected_action": [policy.pk]})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.closed is True


# --- A change of an open year's "new" window is applied to the year's agreements ----------------------------


def admin_post_policy(client, policy, **values):
    form = {
        "year": policy.year,
        "new_enterprise_target": "0.200",
        "new_window_years": policy.new_window_years,
        "baseline_date": "2025-01-01",
        "tech_share_target": "0.100",
    }
    return client.post(f"/admin/assistance/quotapolicy/{policy.pk}/change/", {**form, **values})


def test_a_changed_window_in_the_admin_is_applied_to_the_years_agreements(
    client, admin_user_persona, department_user, department
):
    """Widening 2026's window to two years makes the agreement with a firm founded in 2024 new (it was saved
    under the one-year window); narrowing it back makes it not new again. Each flip is in its history."""
    policy = QuotaPolicy.objects.create(year=2026)
    founded_2024 = create(department_user, department, EnterpriseFactory(established_on=dt.date(2024, 1, 1)))
    founded_2023 = create(department_user, department, EnterpriseFactory(established_on=dt.date(2023, 12, 31)))
    assert (founded_2024.counts_as_new, founded_2023.counts_as_new) == (False, False)
    client.force_login(admin_user_persona)

    assert admin_post_policy(client, policy, new_window_years=2).status_code == 302
    founded_2024.refresh_from_db()
    founded_2023.refresh_from_db()
    assert (founded_2024.counts_as_new, founded_2023.counts_as_new) == (True, False)  # 2024 is the window's edge

    assert admin_post_policy(client, policy, new_window_years=1).status_code == 302
    founded_2024.refresh_from_db()
    assert founded_2024.counts_as_new is False
    changes = ChangeRecord.objects.filter(model="assistance.assistanceagreement", object_id=founded_2024.pk)
    flips = [(r.changes["counts_as_new"], r.actor_id, r.reason) for r in changes.exclude(kind="created").order_by("pk")]
    refresh = "重算新设立企业标记"
    assert flips == [([False, True], admin_user_persona.pk, refresh), ([True, False], admin_user_persona.pk, refresh)]


def test_a_new_policy_row_with_its_own_window_is_applied_to_the_agreements_already_signed(
    city_official, department_user, department
):
    """Agreements signed before the year had a policy row count by the default one-year window."""
    agreement = create(department_user, department, EnterpriseFactory(established_on=dt.date(2024, 6, 1)))
    assert agreement.counts_as_new is False
    services.policy_save(actor=city_official, policy=QuotaPolicy(year=2026, new_window_years=2))
    agreement.refresh_from_db()
    assert agreement.counts_as_new is True


def test_a_policy_moved_to_another_year_leaves_its_former_year_on_the_default_window(
    city_official, department_user, department
):
    policy = QuotaPolicy.objects.create(year=2026, new_window_years=2)
    agreement = create(department_user, department, EnterpriseFactory(established_on=dt.date(2024, 6, 1)))
    assert agreement.counts_as_new is True
    policy.year = 2027
    services.policy_save(actor=city_official, policy=policy)
    agreement.refresh_from_db()
    assert agreement.counts_as_new is False


def test_a_save_that_keeps_the_window_leaves_the_flags_alone(city_official, department_user, department):
    """As before: a registry correction reaches an open year's flags when the agreement is saved or the year is
    closed, not when an unrelated target of the policy changes."""
    policy = QuotaPolicy.objects.create(year=2026)
    enterprise = EnterpriseFactory(established_on=dt.date(2025, 3, 1))
    agreement = create(department_user, department, enterprise)
    Enterprise.objects.filter(pk=enterprise.pk).update(established_on=dt.date(2012, 3, 1))
    policy.tech_share_target = Decimal("0.120")
    services.policy_save(actor=city_official, policy=policy)
    agreement.refresh_from_db()
    assert agreement.counts_as_new is True


def test_a_closed_years_window_does_not_change(client, admin_user_persona, city_official, department_user, department):
    """The admin shows the window of a closed year read-only, and the service refuses a change from any path."""
    policy = QuotaPolicy.objects.create(year=2026)
    agreement = create(department_user, department, EnterpriseFactory(established_on=dt.date(2024, 6, 1)))
    services.policy_close_year(actor=city_official, year=2026)
    client.force_login(admin_user_persona)

    response = admin_post_policy(client, policy, new_window_years=2, tech_share_target="0.120")
    assert response.status_code == 302
    policy.refresh_from_db()
    agreement.refresh_from_db()
    assert (policy.new_window_years, policy.tech_share_target, agreement.counts_as_new) == (1, Decimal("0.120"), False)

    policy.new_window_years = 2
    with pytest.raises(ValidationError, match="2026年度已关闭"):
        services.policy_save(actor=city_official, policy=policy)
    agreement.refresh_from_db()
    assert QuotaPolicy.objects.get(year=2026).new_window_years == 1 and agreement.counts_as_new is False


def test_only_city_officials_change_the_policy(department_user, district_official):
    for actor in (department_user, district_official):
        with pytest.raises(PermissionDenied):
            services.policy_save(actor=actor, policy=QuotaPolicy(year=2026, new_window_years=2))
    assert not QuotaPolicy.objects.exists()
