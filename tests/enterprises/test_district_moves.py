"""A change of managing district is recorded as a dated move, whichever way it is written."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from enterprises.models import District, DistrictMove, Enterprise
from enterprises.services.moves import district_moves_record
from tests.enterprises.test_registry_import import registry_row, run_json, write_xlsx
from tests.factories import EnterpriseFactory, credit_code_for


def test_the_registry_import_records_a_move_when_the_district_changes(reference, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [registry_row(n) for n in range(1, 4)])
    run_json(path)
    assert not DistrictMove.objects.exists()

    moved = [registry_row(1, 所属区县="游仙区"), registry_row(2, 法定代表人="王五"), registry_row(3)]
    counts = run_json(write_xlsx(tmp_path / "moved.xlsx", moved))
    assert counts["updated"] == 2
    (move,) = DistrictMove.objects.select_related("enterprise", "from_district", "to_district")
    assert move.enterprise.credit_code == credit_code_for(1, area="510703")
    assert (move.from_district.name, move.to_district.name, move.moved_on) == ("涪城区", "游仙区", timezone.localdate())

    run_json(write_xlsx(tmp_path / "again.xlsx", moved))  # unchanged: no second move
    assert DistrictMove.objects.count() == 1


def test_the_admin_records_a_move(client, admin_user_persona, district, other_district):
    firm = EnterpriseFactory(managing_district=district)
    client.force_login(admin_user_persona)
    data = {key: "" if value is None else value for key, value in model_to_dict(firm).items()}
    data.update(managing_district=other_district.pk, name="改名后的企业")
    response = client.post(reverse("admin:enterprises_enterprise_change", args=[firm.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert Enterprise.objects.get(pk=firm.pk).managing_district == other_district
    assert list(DistrictMove.objects.values_list("from_district", "to_district")) == [(district.pk, other_district.pk)]

    data.update(name="再次改名")
    client.post(reverse("admin:enterprises_enterprise_change", args=[firm.pk]), data)
    assert DistrictMove.objects.count() == 1  # the district did not change again


def test_moves_are_read_only_in_the_admin(client, admin_user_persona, district, other_district):
    firm = EnterpriseFactory(managing_district=district)
    district_moves_record([(firm.pk, district.pk, other_district.pk)], moved_on=dt.date(2026, 9, 1))
    client.force_login(admin_user_persona)
    move = DistrictMove.objects.get()
    assert client.get(reverse("admin:enterprises_districtmove_changelist")).status_code == 200
    assert client.get(reverse("admin:enterprises_districtmove_add")).status_code == 403
    assert (
        client.post(reverse("admin:enterprises_districtmove_delete", args=[move.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert DistrictMove.objects.filter(pk=move.pk).exists()


def test_a_move_to_the_same_district_is_skipped_and_refused(district):
    firm = EnterpriseFactory(managing_district=district)
    assert district_moves_record([(firm.pk, district.pk, district.pk)], moved_on=dt.date(2026, 9, 1)) == 0
    with pytest.raises(IntegrityError):
        DistrictMove.objects.create(
            enterprise=firm, from_district=district, to_district=district, moved_on=dt.date(2026, 9, 1)
        )


def test_a_zone_is_not_offered_as_a_legal_district(client, admin_user_persona, district):
    zone = District.objects.create(code="ZGX", name="高新区", kind=District.Kind.ZONE)
    firm = EnterpriseFactory(managing_district=district)
    client.force_login(admin_user_persona)
    data = {key: "" if value is None else value for key, value in model_to_dict(firm).items()}
    data.update(registered_district=zone.pk)
    response = client.post(reverse("admin:enterprises_enterprise_change", args=[firm.pk]), data)
    assert response.status_code == 200 and "registered_district" in response.context["adminform"].form.errors
