"""Filings and agreements keep a copy of their enterprise's managing district (district lists scope and
count on it) and follow the enterprise wherever it moves: the admin, the registry import."""

import datetime as dt
import re

from django.forms.models import model_to_dict
from django.urls import reverse

from assistance.models import AssistanceAgreement
from assistance.selectors import agreements_visible_to
from certification.models import Application
from certification.selectors.filing import applications_visible_to
from enterprises.models import District, Enterprise
from tests.enterprises.test_registry_import import registry_row, run_json, write_xlsx
from tests.factories import ApplicationFactory, AssistanceAgreementFactory, EnterpriseFactory

SUBMITTED = {"state": "submitted", "submitted_on": dt.date(2026, 5, 6)}


def test_a_new_filing_or_agreement_takes_its_enterprise_s_district(district, department):
    firm = EnterpriseFactory(managing_district=district)
    # Made as the services make them, without naming the district (the factories name it for bulk creation).
    filing = Application.objects.create(enterprise=firm, evaluation_year=2026)
    agreement = AssistanceAgreement.objects.create(
        department=department, enterprise=firm, year=2026, signed_on=dt.date(2026, 3, 1), responsible_officer="李四"
    )
    assert Application.objects.get(pk=filing.pk).managing_district_id == district.pk
    assert AssistanceAgreement.objects.get(pk=agreement.pk).managing_district_id == district.pk


def test_a_move_in_the_admin_takes_the_filings_along(
    client, admin_user_persona, district, other_district, district_official, other_district_official
):
    firm = EnterpriseFactory(managing_district=district)
    moving = ApplicationFactory(enterprise=firm, **SUBMITTED)
    staying = ApplicationFactory(enterprise=EnterpriseFactory(managing_district=district), **SUBMITTED)
    agreement = AssistanceAgreementFactory(enterprise=firm)
    client.force_login(admin_user_persona)
    data = {key: "" if value is None else value for key, value in model_to_dict(firm).items()}
    data.update(managing_district=other_district.pk)
    assert client.post(reverse("admin:enterprises_enterprise_change", args=[firm.pk]), data).status_code == 302

    assert Application.objects.get(pk=moving.pk).managing_district_id == other_district.pk
    assert list(applications_visible_to(other_district_official)) == [moving]
    assert list(applications_visible_to(district_official)) == [staying]
    assert list(agreements_visible_to(other_district_official)) == [agreement]
    assert not agreements_visible_to(district_official).exists()
    client.force_login(district_official)
    assert client.get(reverse("certification:review_detail", args=[moving.pk])).status_code == 404
    client.force_login(other_district_official)
    assert client.get(reverse("certification:review_detail", args=[moving.pk])).status_code == 200
    queue = client.get(reverse("certification:review_list")).content.decode()
    assert f'href="/certification/review/{moving.pk}/"' in queue


def test_a_move_by_the_registry_import_takes_the_filings_along(reference, tmp_path):
    run_json(write_xlsx(tmp_path / "r.xlsx", [registry_row(1), registry_row(2)]))
    first, second = Enterprise.objects.order_by("credit_code")
    filings = [ApplicationFactory(enterprise=first, **SUBMITTED), ApplicationFactory(enterprise=second, **SUBMITTED)]
    agreement = AssistanceAgreementFactory(enterprise=first)

    counts = run_json(write_xlsx(tmp_path / "moved.xlsx", [registry_row(1, 所属区县="游仙区"), registry_row(2)]))

    assert counts["updated"] == 1
    youxian = District.objects.get(name="游仙区")
    assert [Application.objects.get(pk=f.pk).managing_district_id for f in filings] == [
        youxian.pk,
        second.managing_district_id,
    ]
    assert AssistanceAgreement.objects.get(pk=agreement.pk).managing_district_id == youxian.pk


def test_the_admin_shows_the_copy_read_only_and_filters_by_it(client, admin_user_persona, district, other_district):
    firm = EnterpriseFactory(managing_district=district)
    filing, agreement = ApplicationFactory(enterprise=firm), AssistanceAgreementFactory(enterprise=firm)
    client.force_login(admin_user_persona)
    for name, pk in (("certification_application", filing.pk), ("assistance_assistanceagreement", agreement.pk)):
        page = client.get(reverse(f"admin:{name}_change", args=[pk])).content.decode()
        assert re.search(r'<div class="readonly">(<a [^>]*>)?涪城区(</a>)?</div>', page), name
        changelist = reverse(f"admin:{name}_changelist")
        for shown, count in ((district, 1), (other_district, 0)):
            listed = client.get(changelist, {"managing_district__id__exact": shown.pk}).context["cl"]
            assert listed.result_count == count, name
