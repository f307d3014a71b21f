"""Filing details: constraints, derived figures, direct-path evidence, item services and the snapshot."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404

from certification.evaluation import DIRECT_PATH_EVIDENCE, evaluate_application
from certification.models import Application, ApplicationAttachment, IntellectualProperty, RDProject
from certification.services.filing import (
    application_resubmit,
    application_save_draft,
    application_submit,
    application_withdraw,
)
from certification.services.filing_items import (
    attachment_add,
    attachment_remove,
    filing_start,
    ip_item_add,
    ip_item_remove,
    rd_project_add,
    rd_project_remove,
)
from certification.services.review import application_return
from certification.workflow import TransitionError
from tests import factories
from tests.helpers import FIGURES, reload

S = Application.State
K = IntellectualProperty.Kind
DAY = dt.date(2026, 4, 20)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def save(actor, **data):
    return application_save_draft(actor=actor, evaluation_year=2026, data=data)


@pytest.fixture
def draft(enterprise_user):
    return save(enterprise_user, **FIGURES)


@pytest.fixture
def veteran(enterprise):
    return factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=2025, state=S.EXPIRED, submitted_on=dt.date(2025, 4, 1)
    )


def ip(kind=K.SOFTWARE_COPYRIGHT, n=1, **flags):
    return {"kind": kind, "number": f"2025SR{n:06d}", "title": f"软件{n}", **flags}


# --- Constraints --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["main_business_revenue", "selling_expenses", "financial_expenses"])
def test_negative_finance_component_is_refused_by_the_database(enterprise, name):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ApplicationFactory(enterprise=enterprise, **{name: Decimal("-0.01")})


def test_zero_component_and_rd_project_dates_constraints(enterprise):
    app = factories.ApplicationFactory(enterprise=enterprise, main_business_cost=Decimal("0"))
    assert app.main_business_cost == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        RDProject.objects.create(application=app, name="x", started_on=DAY, ended_on=DAY - dt.timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        RDProject.objects.create(application=app, name="x", budget=Decimal("-1"))
    RDProject.objects.create(application=app, name="x", started_on=DAY, ended_on=DAY, budget=0)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (K.INVENTION_PATENT, 1),
        (K.DEFENCE_PATENT, 1),
        (K.PLANT_VARIETY, 1),
        (K.CROP_VARIETY, 1),
        (K.NEW_DRUG, 1),
        (K.TCM_VARIETY, 1),
        (K.IC_LAYOUT, 1),
        (K.UTILITY_MODEL, 2),
        (K.DESIGN_PATENT, 2),
        (K.SOFTWARE_COPYRIGHT, 2),
        (K.TRADEMARK, None),
    ],
)
def test_ip_class_by_kind(kind, expected):
    assert IntellectualProperty(kind=kind).ip_class == expected


# --- Derived figures ----------------------------------------------------------------------------


def test_quarters_give_the_annual_quarterly_average(enterprise_user):
    quarters = [
        {"total_start": 38, "total_end": 40, "tech_start": 5, "tech_end": 6},
        {"total_start": 40, "total_end": 42, "tech_start": 6, "tech_end": 6},
        {"total_start": 42, "total_end": 40, "tech_start": 6, "tech_end": 7},
        {"total_start": 40, "total_end": 38, "tech_start": 7, "tech_end": 5},
    ]
    app = save(enterprise_user, staff_quarters=quarters, total_staff="1", tech_staff="1")
    # total: (39 + 41 + 41 + 39) / 4 = 40; tech: (5.5 + 6 + 6.5 + 6) / 4 = 6
    assert (app.total_staff, app.tech_staff) == (Decimal("40.00"), Decimal("6.00"))
    assert reload(app).staff_quarters[0]["total_start"] == "38"


def test_incomplete_quarters_leave_the_directly_entered_averages(enterprise_user):
    quarters = [{"total_start": 38, "total_end": None, "tech_start": 5, "tech_end": 6}] + [
        {"total_start": 40, "total_end": 40, "tech_start": 6, "tech_end": 6}
    ] * 3
    app = save(enterprise_user, staff_quarters=quarters, total_staff="30", tech_staff="3")
    assert (app.total_staff, app.tech_staff) == (Decimal("30"), Decimal("3"))


@pytest.mark.parametrize(
    "bad", [[{"total_start": -1}] * 4, [{"total_start": "x"}] * 4, [{}] * 3, [{"nope": 1}] * 4, "junk"]
)
def test_malformed_quarters_are_refused(enterprise_user, bad):
    with pytest.raises(ValidationError) as exc:
        save(enterprise_user, staff_quarters=bad)
    assert "staff_quarters" in exc.value.message_dict


def test_components_give_sales_revenue_and_total_costs(enterprise_user):
    app = save(
        enterprise_user,
        sales_revenue="1",
        total_costs="1",
        main_business_revenue="700.50",
        other_business_revenue="99.50",
        main_business_cost="500",
        other_business_cost="20",
        taxes_and_surcharges="10",
        selling_expenses="60",
        administrative_expenses="100",
        financial_expenses="10",
    )
    assert app.sales_revenue == Decimal("800.00")
    assert app.total_costs == Decimal("700.00")
    # One component given: the others count as 0.
    app = save(enterprise_user, main_business_revenue="300", other_business_revenue=None)
    assert app.sales_revenue == Decimal("300.00")


def test_ip_items_give_the_counts_and_only_counting_items_count(draft, enterprise_user):
    add = ip_item_add
    add(application_id=draft.pk, actor=enterprise_user, data=ip(K.SOFTWARE_COPYRIGHT, 1))
    add(application_id=draft.pk, actor=enterprise_user, data=ip(K.UTILITY_MODEL, 2))
    add(application_id=draft.pk, actor=enterprise_user, data=ip(K.TRADEMARK, 3))
    add(application_id=draft.pk, actor=enterprise_user, data=ip(K.INVENTION_PATENT, 4, in_force=False))
    add(application_id=draft.pk, actor=enterprise_user, data=ip(K.INVENTION_PATENT, 5, disputed=True))
    add(application_id=draft.pk, actor=enterprise_user, data=ip(K.INVENTION_PATENT, 6, held_by_enterprise=False))
    add(application_id=draft.pk, actor=enterprise_user, data=ip(K.DESIGN_PATENT, 7, related_to_main_products=False))
    app = reload(draft)
    assert (app.class1_ip, app.class2_ip) == (0, 2)
    item = add(application_id=draft.pk, actor=enterprise_user, data=ip(K.IC_LAYOUT, 8))
    assert (reload(draft).class1_ip, reload(draft).class2_ip) == (1, 2)
    # A later draft save recounts from the items, whatever counts are posted.
    assert (save(enterprise_user, class1_ip=5, class2_ip=9).class1_ip, reload(draft).class2_ip) == (1, 2)
    ip_item_remove(application_id=draft.pk, item_id=item.pk, actor=enterprise_user)
    assert reload(draft).class1_ip == 0
    for pk in IntellectualProperty.objects.filter(application=draft).values_list("pk", flat=True):
        ip_item_remove(application_id=draft.pk, item_id=pk, actor=enterprise_user)
    assert (reload(draft).class1_ip, reload(draft).class2_ip) == (0, 0)


def test_ip_item_is_validated(draft, enterprise_user):
    with pytest.raises(ValidationError):
        ip_item_add(application_id=draft.pk, actor=enterprise_user, data={"kind": "bogus"})
    with pytest.raises(ValidationError):
        ip_item_add(application_id=draft.pk, actor=enterprise_user, data={**ip(), "color": "red"})


# --- Direct confirmation evidence ----------------------------------------------------------------


def test_direct_path_without_evidence_is_refused(enterprise_user):
    with pytest.raises(ValidationError) as exc:
        save(enterprise_user, **FIGURES, direct_paths=["high_tech_certificate"])
    assert "direct_paths" in exc.value.message_dict
    for path in ("national_award_top3", "provincial_rd_institution", "led_standard"):
        with pytest.raises(ValidationError):
            save(enterprise_user, **FIGURES, direct_paths=[path])
    with pytest.raises(ValidationError):  # ranked 4th
        save(
            enterprise_user,
            direct_paths=["national_award_top3"],
            award_name="国家科技进步奖",
            award_year=2024,
            award_rank=4,
        )
    with pytest.raises(ValidationError):  # older than 5 years
        save(
            enterprise_user,
            direct_paths=["national_award_top3"],
            award_name="国家科技进步奖",
            award_year=2020,
            award_rank=1,
        )
    app = save(
        enterprise_user,
        direct_paths=["national_award_top3"],
        award_name="国家科技进步奖",
        award_year=2021,
        award_rank=3,
    )
    assert app.direct_paths == ["national_award_top3"]


def failing_with_certificate(enterprise_user, valid_until):
    # Tech staff 3 of 40: tech-staff score 0 → fails on score; eligible only by the direct path.
    return save(
        enterprise_user,
        **{**FIGURES, "tech_staff": "3"},
        direct_paths=["high_tech_certificate"],
        high_tech_certificate_number="GR202551000123",
        high_tech_certificate_valid_until=valid_until,
    )


def test_certificate_valid_on_the_evaluation_date_confirms_directly(enterprise_user, veteran):
    app = failing_with_certificate(enterprise_user, DAY)  # the last valid day is the evaluation date
    app = application_submit(application_id=app.pk, actor=enterprise_user, today=DAY)
    assert app.snapshot["evaluation"]["path"] == "direct"


def test_expired_certificate_is_not_counted_with_a_message(enterprise_user, veteran):
    app = failing_with_certificate(enterprise_user, DAY - dt.timedelta(days=1))
    evaluation = evaluate_application(app, on=DAY)
    assert not evaluation.eligible
    assert evaluation.reason_codes[0] == DIRECT_PATH_EVIDENCE
    assert "到期" in evaluation.reasons[0].message
    assert "tech_staff_score_zero" in evaluation.reason_codes
    with pytest.raises(TransitionError) as exc:
        application_submit(application_id=app.pk, actor=enterprise_user, today=DAY)
    assert DIRECT_PATH_EVIDENCE in [r.code for r in exc.value.reasons]
    assert reload(app).state == S.DRAFT


# --- Items and attachments: permissions and states ------------------------------------------------


def test_item_services_only_for_the_enterprise_users_and_editable_states(
    draft, enterprise_user, other_enterprise_user, district_official, city_official
):
    with pytest.raises(Http404):
        ip_item_add(application_id=draft.pk, actor=other_enterprise_user, data=ip())
    # A draft never submitted is out of the officials' sight (404); a filed one is theirs to review, not edit.
    with pytest.raises(Http404):
        rd_project_add(application_id=draft.pk, actor=district_official, data={"name": "x"})
    with pytest.raises(Http404):
        attachment_add(
            application_id=draft.pk, actor=city_official, kind="other", upload=SimpleUploadedFile("a.pdf", PDF)
        )
    Application.objects.filter(pk=draft.pk).update(state=Application.State.RETURNED, submitted_on=dt.date(2026, 4, 1))
    with pytest.raises(PermissionDenied):
        rd_project_add(application_id=draft.pk, actor=district_official, data={"name": "x"})
    with pytest.raises(PermissionDenied):
        attachment_add(
            application_id=draft.pk, actor=city_official, kind="other", upload=SimpleUploadedFile("a.pdf", PDF)
        )
    project = rd_project_add(
        application_id=draft.pk, actor=enterprise_user, data={"name": "新型传感器研发", "budget": Decimal("50")}
    )
    application_withdraw(application_id=draft.pk, actor=enterprise_user)
    with pytest.raises(TransitionError):
        rd_project_remove(application_id=draft.pk, project_id=project.pk, actor=enterprise_user)
    with pytest.raises(TransitionError):
        ip_item_add(application_id=draft.pk, actor=enterprise_user, data=ip())


def test_removing_another_filings_item_is_404(draft, enterprise_user, other_enterprise_user):
    other = application_save_draft(actor=other_enterprise_user, evaluation_year=2026, data=FIGURES)
    item = ip_item_add(application_id=other.pk, actor=other_enterprise_user, data=ip())
    with pytest.raises(Http404):
        ip_item_remove(application_id=draft.pk, item_id=item.pk, actor=enterprise_user)
    assert IntellectualProperty.objects.filter(pk=item.pk).exists()


def test_attachment_accepts_pdf_and_png_by_content_stored_under_the_filing(
    draft, enterprise_user, media, django_capture_on_commit_callbacks
):
    pdf = attachment_add(
        application_id=draft.pk,
        actor=enterprise_user,
        kind="financial_statements",
        upload=SimpleUploadedFile("2025年财务报表.pdf", PDF),
    )
    png = attachment_add(
        application_id=draft.pk,
        actor=enterprise_user,
        kind="ip_certificates",
        upload=SimpleUploadedFile("证书.png", PNG),
    )
    assert pdf.file.name.startswith(f"applications/{draft.pk}/") and pdf.file.name.endswith(".pdf")
    assert "财务" not in pdf.file.name and pdf.original_name == "2025年财务报表.pdf"
    assert (pdf.size, pdf.uploaded_by) == (len(PDF), enterprise_user)
    assert (media / pdf.file.name).read_bytes() == PDF
    assert png.file.name != pdf.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(application_id=draft.pk, attachment_id=pdf.pk, actor=enterprise_user)
    assert not ApplicationAttachment.objects.filter(pk=pdf.pk).exists()
    assert not (media / pdf.file.name).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.pdf", b"<!DOCTYPE html><html><body>not a pdf</body></html>"),
        ("empty.pdf", b""),
        ("a.exe.png", b"MZ\x90\x00" + b"\x00" * 60),
    ],
)
def test_attachment_judged_by_content_not_name(draft, enterprise_user, media, name, content):
    with pytest.raises(ValidationError) as exc:
        attachment_add(
            application_id=draft.pk, actor=enterprise_user, kind="other", upload=SimpleUploadedFile(name, content)
        )
    assert "file" in exc.value.message_dict
    assert not ApplicationAttachment.objects.exists()
    assert not (media / "applications").exists() or not any((media / "applications").rglob("*.*"))


def test_attachment_size_limit(draft, enterprise_user, settings):
    limit = settings.MAX_UPLOAD_BYTES
    assert limit == 10 * 1024 * 1024
    at_limit = SimpleUploadedFile("at.pdf", PDF + b"0" * (limit - len(PDF)))
    attachment_add(application_id=draft.pk, actor=enterprise_user, kind="other", upload=at_limit)
    over = SimpleUploadedFile("over.pdf", PDF + b"0" * (limit - len(PDF) + 1))
    with pytest.raises(ValidationError):
        attachment_add(application_id=draft.pk, actor=enterprise_user, kind="other", upload=over)
    assert ApplicationAttachment.objects.count() == 1
    with pytest.raises(ValidationError):
        attachment_add(
            application_id=draft.pk, actor=enterprise_user, kind="bogus", upload=SimpleUploadedFile("a.pdf", PDF)
        )


# --- Submission freezes the details; returned filings are editable again --------------------------


def test_submit_freezes_items_projects_attachments_and_components(draft, enterprise_user, veteran):
    ip_item_add(application_id=draft.pk, actor=enterprise_user, data=ip(K.SOFTWARE_COPYRIGHT, 1))
    ip_item_add(application_id=draft.pk, actor=enterprise_user, data=ip(K.TRADEMARK, 2))
    rd_project_add(application_id=draft.pk, actor=enterprise_user, data={"name": "项目甲"})
    attachment_add(
        application_id=draft.pk, actor=enterprise_user, kind="tax_returns", upload=SimpleUploadedFile("t.pdf", PDF)
    )
    # Items counted: 1 software copyright → 6 points; put back three countable ones for 76.
    for n in (3, 4):
        ip_item_add(application_id=draft.pk, actor=enterprise_user, data=ip(K.DESIGN_PATENT, n))
    app = application_submit(application_id=draft.pk, actor=enterprise_user, today=DAY)
    details = app.snapshot["details"]
    assert [i["number"] for i in details["ip_items"]] == [
        "2025SR000001",
        "2025SR000002",
        "2025SR000003",
        "2025SR000004",
    ]
    assert [p["name"] for p in details["rd_projects"]] == ["项目甲"]
    assert [(a["kind"], a["original_name"]) for a in details["attachments"]] == [("tax_returns", "t.pdf")]
    assert app.snapshot["declaration"]["class2_ip"] == 3
    assert app.snapshot["evaluation"]["total_score"] == 76
    # Frozen: later changes to the rows do not alter the snapshot.
    IntellectualProperty.objects.filter(application=app).update(title="改了")
    assert reload(app).snapshot["details"]["ip_items"][0]["title"] == "软件1"
    with pytest.raises(TransitionError):
        ip_item_add(application_id=app.pk, actor=enterprise_user, data=ip())


def test_returned_filing_is_editable_and_resubmittable(draft, enterprise_user, district_official, veteran):
    application_submit(application_id=draft.pk, actor=enterprise_user, today=DAY)
    application_return(
        application_id=draft.pk, actor=district_official, field_comments={"rd_expense": "请附研发费用辅助账"}
    )
    rd_project_add(application_id=draft.pk, actor=enterprise_user, data={"name": "补充项目"})
    app = save(enterprise_user, rd_expense="50")
    assert app.state == S.RETURNED and app.rd_expense == Decimal("50")
    app = application_resubmit(application_id=draft.pk, actor=enterprise_user, today=DAY)
    assert app.state == S.SUBMITTED
    assert app.snapshot["declaration"]["rd_expense"] == "50.00"
    assert [p["name"] for p in app.snapshot["details"]["rd_projects"]] == ["补充项目"]


# --- Starting a filing ----------------------------------------------------------------------------


def test_filing_start_prefills_from_the_enterprise_and_copies_last_year(enterprise, enterprise_user):
    enterprise.on_abnormal_list = True
    enterprise.industry_section, enterprise.industry_code = "F", "5191"
    enterprise.save()
    last = factories.ApplicationFactory(
        enterprise=enterprise,
        evaluation_year=2025,
        state=S.EXPIRED,
        main_business_revenue=Decimal("790"),
        staff_quarters=[{"total_start": 1, "total_end": 1, "tech_start": 1, "tech_end": 1}] * 4,
    )
    IntellectualProperty.objects.create(application=last, **ip(K.UTILITY_MODEL, 9))
    RDProject.objects.create(application=last, name="去年项目")
    app = filing_start(actor=enterprise_user, evaluation_year=2026)
    assert (app.evaluation_year, app.state) == (2026, S.DRAFT)
    assert app.restricted_industry is True and app.compliance_violation is True
    assert app.main_business_revenue == Decimal("790") and app.sales_revenue == Decimal("790.00")
    assert (app.total_staff, app.tech_staff) == (Decimal("1.00"), Decimal("1.00"))
    assert list(app.ip_items.values_list("number", flat=True)) == ["2025SR000009"]
    assert list(app.rd_projects.values_list("name", flat=True)) == ["去年项目"]
    # Calling again returns the same filing without copying twice.
    again = filing_start(actor=enterprise_user, evaluation_year=2026)
    assert again.pk == app.pk and again.ip_items.count() == 1


def test_filing_start_without_history_and_refused_for_officials(enterprise_user, district_official):
    app = filing_start(actor=enterprise_user, evaluation_year=2026)
    assert app.restricted_industry is False and app.total_staff is None
    with pytest.raises(PermissionDenied):
        filing_start(actor=district_official, evaluation_year=2026)
