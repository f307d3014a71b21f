"""COPY loading and updating: defaults, NULLs, number formats and database errors as Django's."""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from enterprises.models import Enterprise
from smeportal.bulk import copy_insert, copy_update
from tests import factories
from tests.factories import credit_code_for


def test_copy_refuses_other_databases(db, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(NotImplementedError):
        copy_insert(Enterprise, pd.DataFrame({"credit_code": [credit_code_for(1)]}))
    with pytest.raises(NotImplementedError):
        copy_update(Enterprise, pd.DataFrame({"pk": [1], "name": ["x"]}), ["name"])


def test_copy_insert_writes_values_defaults_and_nulls(require_postgres):
    district, other = factories.DistrictFactory(), factories.DistrictFactory()
    actor = factories.UserFactory()
    before = timezone.now()
    frame = pd.DataFrame(
        {
            "credit_code": [credit_code_for(1), credit_code_for(2)],
            "name": ['引号"逗号,换行\n企业', "普通企业"],
            "legal_representative": [None, "张三"],
            "established_on": pd.to_datetime(["2024-02-29", "2025-12-31"]),
            "registered_capital": [1234.567, float("nan")],
            "managing_district_id": [district.pk, other.pk],
            "registered_district_id": [float("nan"), float(other.pk)],
            "created_by_id": [actor.pk, None],
        }
    )

    assert copy_insert(Enterprise, frame) == 2
    assert copy_insert(Enterprise, frame.iloc[0:0]) == 0

    first, second = Enterprise.objects.order_by("credit_code")
    assert first.name == '引号"逗号,换行\n企业' and first.legal_representative == ""
    assert first.established_on == dt.date(2024, 2, 29) and first.registered_capital == Decimal("1234.57")
    assert first.registered_district_id is None and first.managing_district_id == district.pk
    assert first.created_by_id == actor.pk and second.created_by_id is None
    assert second.registered_capital is None and second.registered_district_id == other.pk
    for enterprise in (first, second):
        assert enterprise.origin == Enterprise.Origin.NEW and enterprise.founder_category == ""
        assert enterprise.status == Enterprise.Status.OPERATING and enterprise.confirmed is True
        assert not (enterprise.in_cultivation_pool or enterprise.military_civilian or enterprise.on_abnormal_list)
        assert enterprise.created_at >= before and enterprise.updated_at == enterprise.created_at


def test_copy_insert_raises_djangos_integrity_error(require_postgres):
    existing = factories.EnterpriseFactory()
    frame = pd.DataFrame(
        {
            "credit_code": [existing.credit_code],
            "name": ["重复"],
            "established_on": [dt.date(2024, 1, 1)],
            "managing_district_id": [existing.managing_district_id],
        }
    )
    with pytest.raises(IntegrityError):
        copy_insert(Enterprise, frame)


def test_copy_insert_needs_a_value_for_required_fields(require_postgres):
    with pytest.raises(ValueError, match="managing_district"):
        copy_insert(
            Enterprise,
            pd.DataFrame({"credit_code": [credit_code_for(3)], "name": ["缺区县"], "established_on": ["2024-01-01"]}),
        )
    assert not Enterprise.objects.exists()


def test_copy_update_sets_the_named_fields_of_the_given_rows(require_postgres):
    first, second, other = factories.EnterpriseFactory.create_batch(3, registered_capital=Decimal("5"))
    district = factories.DistrictFactory()
    frame = pd.DataFrame(
        {
            "pk": [first.pk, second.pk],
            "name": ["新名称", "另一个"],
            "registered_capital": [12.345678, float("nan")],
            "registered_district_id": [float(district.pk), float("nan")],
            "legal_representative": [None, "李四"],
        }
    )
    fields = ["name", "registered_capital", "registered_district"]

    with transaction.atomic():  # twice in one transaction: the staging table is dropped after each
        assert copy_update(Enterprise, frame, fields) == 2
        assert copy_update(Enterprise, frame.iloc[1:], fields) == 1
    assert copy_update(Enterprise, frame.iloc[0:0], fields) == 0

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, first.registered_capital, first.registered_district_id) == (
        "新名称",
        Decimal("12.35"),
        district.pk,
    )
    assert (second.name, second.registered_capital, second.registered_district_id) == ("另一个", None, None)
    assert first.legal_representative != "" and second.legal_representative != "李四"  # not a named field
    other_before = other.name
    other.refresh_from_db()
    assert (other.name, other.registered_capital) == (other_before, Decimal("5"))


def test_copy_update_raises_djangos_integrity_error(require_postgres):
    enterprise = factories.EnterpriseFactory(registered_capital=Decimal("5"))
    frame = pd.DataFrame({"pk": [enterprise.pk], "registered_capital": [-1.0]})
    with pytest.raises(IntegrityError):
        copy_update(Enterprise, frame, ["registered_capital"])
    enterprise.refresh_from_db()
    assert enterprise.registered_capital == Decimal("5")
