"""The change history: the model mixin (create, change, no change, delete), who and why from the context
(request, transition, admin, import with its id), a filing's items under the filing, bulk writes."""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assistance.models import QuotaPolicy
from certification.models import Application, IntellectualProperty
from certification.services.filing import application_submit
from certification.services.filing_items import ip_item_add, ip_item_remove
from certification.services.registration import registration_expire_due
from certification.services.review import application_return
from enterprises.models import Enterprise, RegistryImport
from enterprises.services.registry import registry_import_process
from smeportal.history import history_context, record_saved
from smeportal.history_read import entry_changes, object_history
from smeportal.models import ChangeRecord
from tests import factories
from tests.enterprises.test_registry_import import registry_row

pytestmark = pytest.mark.django_db


def records_of(obj) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(model=obj._meta.label_lower, object_id=obj.pk).order_by("at", "id"))


def test_creation_records_every_field_given(enterprise):
    (created,) = records_of(enterprise)
    assert created.pairs()["name"] == [None, enterprise.name]
    assert created.pairs()["managing_district"] == [None, enterprise.managing_district_id]
    assert created.pairs()["established_on"] == [None, enterprise.established_on.isoformat()]
    assert "created_at" not in created.pairs() and "updated_by" not in created.pairs()
    assert "introduced_on" not in created.pairs()  # empty: nothing to record


def test_a_change_records_only_the_changed_fields_as_json(enterprise, other_district):
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    old_capital, old_district = enterprise.registered_capital, enterprise.managing_district_id
    enterprise.registered_capital = Decimal("123.40")
    enterprise.managing_district = other_district
    enterprise.save()
    last = records_of(enterprise)[-1]
    assert last.pairs() == {
        "registered_capital": [None if old_capital is None else str(old_capital), "123.40"],
        "managing_district": [old_district, other_district.pk],
    }
    assert last.actor is None and last.reason == ""


def test_saving_without_a_change_records_nothing(enterprise):
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    before = ChangeRecord.objects.count()
    enterprise.save()
    enterprise.name = enterprise.name  # same value
    enterprise.save(update_fields=["name"])
    assert ChangeRecord.objects.count() == before


def test_update_fields_limit_the_diff_to_what_is_written(enterprise):
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    old_name = enterprise.name
    enterprise.name, enterprise.address = "新名称有限公司", "不写入的地址"
    enterprise.save(update_fields=["name"])
    assert records_of(enterprise)[-1].pairs() == {"name": [old_name, "新名称有限公司"]}


def test_an_instance_built_by_hand_is_compared_with_the_stored_row(enterprise):
    fields = [f for f in Enterprise._meta.concrete_fields if not f.primary_key and not f.generated]
    stale = Enterprise(pk=enterprise.pk, **{f.attname: getattr(enterprise, f.attname) for f in fields})
    stale.name = "手工构造有限公司"
    stale.save()
    assert records_of(enterprise)[-1].pairs() == {"name": [enterprise.name, "手工构造有限公司"]}


def test_deletion_records_the_old_values(db):
    policy = QuotaPolicy.objects.create(year=2030)
    pk = policy.pk
    QuotaPolicy.objects.filter(pk=pk).delete()  # a queryset deletion is recorded too
    deleted = ChangeRecord.objects.filter(model="assistance.quotapolicy", object_id=pk).order_by("-id").first()
    assert deleted.pairs()["year"] == [2030, None]


def test_the_context_names_actor_and_reason_and_nests(enterprise, city_official):
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    with history_context(actor=city_official, reason="外层"):
        with history_context(reason="内层"):
            enterprise.name = "甲"
            enterprise.save()
        enterprise.name = "乙"
        enterprise.save()
    inner, outer = records_of(enterprise)[-2:]
    assert (inner.actor, inner.reason) == (city_official, "内层")
    assert (outer.actor, outer.reason) == (city_official, "外层")


def test_a_transition_records_its_label_and_actor(enterprise, enterprise_user, district_official):
    application = factories.ApplicationFactory(enterprise=enterprise)
    application_submit(application_id=application.pk, actor=enterprise_user, today=dt.date(2026, 8, 1))
    application_return(application_id=application.pk, actor=district_official, comment="请补充")
    submitted, returned = [r for r in records_of(application) if r.pairs().get("state", [None])[0]]
    assert submitted.pairs()["state"] == ["draft", "submitted"]
    assert (submitted.actor, submitted.reason) == (enterprise_user, "提交申报")
    assert returned.pairs()["state"] == ["submitted", "returned"]
    assert (returned.actor, returned.reason) == (district_official, "退回修改")


def test_a_bulk_transition_of_the_system_records_each_filing_in_one_insert(enterprise, other_enterprise):
    registrations = [factories.registered_filing(e, year=2025) for e in (enterprise, other_enterprise)]
    with CaptureQueriesContext(connection) as queries:
        assert registration_expire_due(today=dt.date(2026, 1, 2)) == 2
    inserts = [q for q in queries.captured_queries if 'INTO "smeportal_changerecord"' in q["sql"]]
    assert len(inserts) == 1
    for registration in registrations:
        expired = records_of(registration.application)[-1]
        assert expired.pairs()["state"] == ["registered", "expired"]
        assert (expired.actor, expired.reason) == (None, "入库登记到期")


def test_filing_items_are_recorded_under_their_filing(enterprise, enterprise_user):
    application = factories.ApplicationFactory(enterprise=enterprise)
    item = ip_item_add(
        application_id=application.pk,
        actor=enterprise_user,
        data={"kind": "invention_patent", "number": "ZL1", "title": "一种装置"},
    )
    ip_item_remove(application_id=application.pk, item_id=item.pk, actor=enterprise_user)
    entries = [entry_changes(r) for r in object_history(Application, application.pk)]
    removed, added = [e for e in entries if f"ip_items[{item.pk}].title" in e]
    assert added[f"ip_items[{item.pk}].title"] == [None, "一种装置"]
    assert removed[f"ip_items[{item.pk}].title"] == ["一种装置", None]
    assert not any(key.endswith(".application") for entry in entries for key in entry)
    reasons = {r.reason for r in object_history(Application, application.pk)}
    assert {"添加知识产权", "删除知识产权"} <= reasons
    assert IntellectualProperty.objects.count() == 0


def test_record_saved_writes_bulk_created_rows_in_one_query(enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise)
    items = IntellectualProperty.objects.bulk_create(
        IntellectualProperty(application=application, kind="trademark", number=str(n), title="t") for n in range(3)
    )
    with CaptureQueriesContext(connection) as queries:
        assert record_saved(items) == 3
    assert len(queries.captured_queries) == 1


def test_admin_edit_records_the_admin_reason(client, admin_user_persona, enterprise, other_district):
    client.force_login(admin_user_persona)
    policy = QuotaPolicy.objects.create(year=2031)
    url = f"/admin/assistance/quotapolicy/{policy.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["tech_share_target"] = "0.150"
    response = client.post(url, {k: v for k, v in data.items() if v is not False})
    assert response.status_code == 302, getattr(response, "context", None) and response.context["adminform"].form.errors
    changed = records_of(policy)[-1]
    assert changed.reason == "管理后台" and changed.actor == admin_user_persona
    assert changed.pairs()["tech_share_target"][1] == "0.150"


def test_registry_import_records_its_id_and_requester(reference, city_official, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path

    row = registry_row(9001, 企业名称="历史测试有限公司", 成立日期="2026-03-01")
    code = row["统一社会信用代码"]
    csv = pd.DataFrame([row]).to_csv(index=False)
    record = RegistryImport.objects.create(requested_by=city_official, original_name="新设.csv")
    record.file.save("registry.csv", ContentFile(csv.encode()), save=True)
    counts = registry_import_process(import_id=record.pk)
    assert counts["created"] == 1, counts
    enterprise = Enterprise.objects.get(credit_code=code)
    (created,) = records_of(enterprise)
    assert created.actor == city_official
    assert created.reason == f"登记库导入 #{record.pk}（新设.csv）"
    assert created.pairs()["name"] == [None, "历史测试有限公司"]
    assert created.pairs()["established_on"] == [None, "2026-03-01"]
    assert created.pairs()["confirmed"] == [None, True]


def test_registry_reimport_records_changed_fields_only(reference, city_official, tmp_path):
    """Both write paths (COPY + UPDATE … FROM on PostgreSQL, bulk_update on SQLite) record the same
    changes: a renamed enterprise moved to another district, an unchanged one nothing."""
    from enterprises.models import District
    from enterprises.services.registry import registry_import_apply, registry_import_parse
    from tests.enterprises.test_registry_import import write_xlsx

    rows = [registry_row(1), registry_row(2)]
    registry_import_apply(rows=registry_import_parse(source=write_xlsx(tmp_path / "a.xlsx", rows)))
    moved, same = (Enterprise.objects.get(credit_code=row["统一社会信用代码"]) for row in rows)
    rows[0] = registry_row(1, 企业名称="改名后的科技有限公司", 所属区县="游仙区", **{"注册资本(万元)": 250.5})
    parsed = registry_import_parse(source=write_xlsx(tmp_path / "b.xlsx", rows))
    with history_context(reason="不应覆盖"):
        counts = registry_import_apply(rows=parsed, actor=city_official, reason="登记库导入 #7（b.xlsx）")
    assert (counts["updated"], counts["unchanged"]) == (1, 1)
    changed = records_of(moved)[-1]
    assert changed.pairs() == {
        "name": [moved.name, "改名后的科技有限公司"],
        "managing_district": [moved.managing_district_id, District.objects.get(name="游仙区").pk],
        "registered_capital": [str(moved.registered_capital), "250.50"],
    }
    assert (changed.actor, changed.reason) == (city_official, "登记库导入 #7（b.xlsx）")
    assert len(records_of(same)) == 1  # its creation only


def test_deleting_many_rows_records_them_in_one_insert(enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise)
    IntellectualProperty.objects.bulk_create(
        IntellectualProperty(application=application, kind="trademark", number=str(n), title="t") for n in range(5)
    )
    with CaptureQueriesContext(connection) as queries:
        IntellectualProperty.objects.filter(application=application).delete()
    inserts = [q for q in queries.captured_queries if 'INTO "smeportal_changerecord"' in q["sql"]]
    assert len(inserts) == 1
    deleted = ChangeRecord.objects.filter(parent_model="certification.application", parent_id=application.pk)
    assert sorted(r.pairs()["number"][0] for r in deleted) == ["0", "1", "2", "3", "4"]
