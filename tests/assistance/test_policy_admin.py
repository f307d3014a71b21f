"""The yearly policy and the departments' tasks in the admin, where city officials keep them: through the
services, so who set them is recorded and a closed year stays closed."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from assistance import services
from assistance.models import DepartmentTarget, QuotaPolicy
from tests.factories import AssistanceAgreementFactory, EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

TARGETS = "/admin/assistance/departmenttarget/"


@pytest.mark.parametrize("closed", [True, False])
def test_no_years_policy_is_deleted_in_the_admin(
    client, admin_user_persona, city_official, department, department_user, closed
):
    """A deleted policy leaves its year on the defaults: a closed year open again, an open one's agreements flagged
    by a window no longer on record."""
    agreement = AssistanceAgreementFactory(
        department=department, year=2025, signed_on=dt.date(2025, 3, 1), enterprise=EnterpriseFactory()
    )
    policy = QuotaPolicy.objects.create(year=2025, new_window_years=2)
    if closed:
        services.policy_close_year(actor=city_official, year=2025)
    client.force_login(admin_user_persona)

    response = client.post(f"/admin/assistance/quotapolicy/{policy.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert QuotaPolicy.objects.filter(pk=policy.pk, closed=closed).exists()
    if closed:
        with pytest.raises(ValidationError, match="已关闭"):
            services.agreement_update(actor=department_user, agreement_id=agreement.pk, goals="改写已关闭年度的协议")


def test_a_task_set_in_the_admin_records_who_set_it_and_who_changed_it(client, admin_user_persona, department):
    client.force_login(admin_user_persona)
    added = client.post(f"{TARGETS}add/", {"department": department.pk, "year": 2026, "enterprises_to_assist": 40})
    assert added.status_code == 302
    target = DepartmentTarget.objects.get(department=department, year=2026)
    assert (target.enterprises_to_assist, target.created_by, target.updated_by) == (
        40,
        admin_user_persona,
        admin_user_persona,
    )

    city = UserFactory(is_staff=True, is_superuser=True, username="city-admin")
    client.force_login(city)
    # The department and year of a task are fixed: a change of either would be another task.
    changed = client.post(
        f"{TARGETS}{target.pk}/change/", {"department": department.pk + 1, "year": 2030, "enterprises_to_assist": 45}
    )
    assert changed.status_code == 302
    target.refresh_from_db()
    assert (target.department, target.year, target.enterprises_to_assist) == (department, 2026, 45)
    assert (target.created_by, target.updated_by) == (admin_user_persona, city)
    assert DepartmentTarget.objects.count() == 1


def test_only_city_officials_set_a_departments_task(client, department):
    """Staff with the model's permission but no city role cannot hand a department its task."""
    staff = UserFactory(is_staff=True, username="clerk")
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_departmenttarget", "change_departmenttarget"])
    )
    client.force_login(staff)
    response = client.post(f"{TARGETS}add/", {"department": department.pk, "year": 2026, "enterprises_to_assist": 40})
    assert response.status_code == 403
    assert not DepartmentTarget.objects.exists()
