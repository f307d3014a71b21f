"""The enterprise's filing pages: steps, live score, submission, detail, downloads and refusals."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification.forms.filing import STEPS
from certification.models import Application, ApplicationAttachment, ApplicationEvent, IntellectualProperty
from certification.services.filing import application_save_draft, application_submit, application_withdraw
from certification.services.filing_items import attachment_add
from certification.services.review import application_return
from certification.workflow import COMMENT_MAX
from tests import factories
from tests.helpers import FIGURES, reload

S = Application.State
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"
YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft(enterprise_user):
    return application_save_draft(actor=enterprise_user, evaluation_year=YEAR, data=FIGURES)


@pytest.fixture
def veteran(enterprise):
    return factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=YEAR - 1, state=S.EXPIRED, submitted_on=dt.date(YEAR - 1, 4, 1)
    )


@pytest.fixture
def attachment(draft, enterprise_user):
    return attachment_add(
        application_id=draft.pk, actor=enterprise_user, kind="other", upload=SimpleUploadedFile("说明.pdf", PDF)
    )


def step_url(app, step):
    return reverse("certification:filing_step", kwargs={"pk": app.pk, "step": step})


def score_url(app, step):
    return reverse("certification:filing_score", kwargs={"pk": app.pk, "step": step})


def total_score(html: str) -> int:
    match = re.search(r'data-testid="total-score">(\d+)<', html)
    assert match, html
    return int(match.group(1))


# --- List and start -------------------------------------------------------------------------------


def test_list_starts_a_filing_for_the_current_year(client, enterprise_user):
    client.force_login(enterprise_user)
    page = client.get(reverse("certification:filing_list"))
    assert page.status_code == 200 and 'data-testid="start-filing"' in page.text
    response = client.post(reverse("certification:filing_start"))
    app = Application.objects.get()
    assert (app.evaluation_year, app.state) == (YEAR, S.DRAFT)
    assert response["Location"] == step_url(app, "basic")
    page = client.get(reverse("certification:filing_list"))
    assert 'data-testid="start-filing"' not in page.text and str(YEAR) in page.text


def test_nav_shows_the_filing_item_to_enterprise_users_only(client, enterprise_user, district_official):
    client.force_login(enterprise_user)
    assert reverse("certification:filing_list") in client.get(reverse("home")).text
    client.force_login(district_official)
    assert reverse("certification:filing_list") not in client.get(reverse("home")).text


# --- Steps ------------------------------------------------------------------------------------------


def test_every_step_renders_with_the_stepper_and_score(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    for step in STEPS:
        page = client.get(step_url(draft, step))
        assert page.status_code == 200, step
        stepper = page.text.split('data-testid="stepper"')[1].split("</ol>")[0]
        assert stepper.count('class="nav-link') == len(STEPS)
        assert 'aria-current="step"' in page.text
        assert total_score(page.text) == 76


STEP_POSTS = {
    "staff": (
        {
            **{f"q{q}_{k}": v for q in range(1, 5) for k, v in (("total_start", 38), ("total_end", 42))},
            **{f"q{q}_{k}": v for q in range(1, 5) for k, v in (("tech_start", 8), ("tech_end", 10))},
            "total_staff": "",
            "tech_staff": "",
        },
        {"total_staff": Decimal("40.00"), "tech_staff": Decimal("9.00")},
    ),
    "finance": (
        {
            "main_business_revenue": "780",
            "other_business_revenue": "20",
            "main_business_cost": "600",
            "other_business_cost": "0",
            "taxes_and_surcharges": "10",
            "selling_expenses": "40",
            "administrative_expenses": "45",
            "financial_expenses": "5",
            "sales_revenue": "",
            "total_costs": "",
            "total_assets": "1200",
        },
        {"sales_revenue": Decimal("800.00"), "total_costs": Decimal("700.00"), "total_assets": Decimal("1200")},
    ),
    "rd": ({"rd_expense": "50.5"}, {"rd_expense": Decimal("50.50")}),
    "ip": ({"class1_ip": "1", "class2_ip": "0"}, {"class1_ip": 1, "class2_ip": 0}),
    "direct": (
        {
            "direct_paths": ["led_standard"],
            "standard_name": "传感器通用规范",
            "standard_number": "GB/T 12345-2024",
            "standard_year": "2024",
            "standard_drafter_rank": "1",
        },
        {"direct_paths": ["led_standard"], "standard_number": "GB/T 12345-2024", "standard_year": 2024},
    ),
    "declarations": (
        {"resident_enterprise": "on", "audited_tax_collection": "on"},
        {"resident_enterprise": True, "restricted_industry": False, "compliance_violation": False},
    ),
}


@pytest.mark.parametrize("step", list(STEP_POSTS))
def test_each_step_saves_the_draft_goes_next_and_survives_reload(client, enterprise_user, draft, step):
    client.force_login(enterprise_user)
    posted, expected = STEP_POSTS[step]
    response = client.post(step_url(draft, step), {"action": "save", **posted})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == step_url(draft, STEPS[STEPS.index(step) + 1])
    app = reload(draft)
    assert {name: getattr(app, name) for name in expected} == expected
    page = client.get(step_url(draft, step))
    for value in posted.values():
        if isinstance(value, str) and value not in ("", "on"):
            assert value in page.text, (step, value)


def test_invalid_step_values_show_errors_and_save_nothing(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    page = client.post(step_url(draft, "staff"), {"action": "save", "total_staff": "10", "tech_staff": "11"})
    assert page.status_code == 200 and "科技人员数不能超过职工总数" in page.text
    partial = client.post(step_url(draft, "staff"), {"action": "save", "q1_total_start": "3"})
    assert partial.status_code == 200 and "四个季度" in partial.text
    unevidenced = client.post(step_url(draft, "direct"), {"action": "save", "direct_paths": ["high_tech_certificate"]})
    assert unevidenced.status_code == 200 and "高新技术企业证书" in unevidenced.text
    app = reload(draft)
    assert (app.total_staff, app.tech_staff, app.direct_paths) == (Decimal("40"), Decimal("6"), [])


def test_ip_rd_and_attachment_actions_on_their_steps(client, enterprise_user, draft, media):
    client.force_login(enterprise_user)
    response = client.post(
        step_url(draft, "ip"),
        {"action": "add_ip", "ip-kind": "invention_patent", "ip-number": "ZL2024100000001", "ip-title": "一种传感器",
         "ip-in_force": "on", "ip-held_by_enterprise": "on", "ip-related_to_main_products": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert (reload(draft).class1_ip, reload(draft).class2_ip) == (1, 0)
    page = client.get(step_url(draft, "ip"))
    assert "ZL2024100000001" in page.text and "disabled" in page.text  # counts now come from the items
    item = IntellectualProperty.objects.get()
    client.post(step_url(draft, "ip"), {"action": "remove_ip", "item_id": item.pk})
    assert not IntellectualProperty.objects.exists()
    client.post(step_url(draft, "rd"), {"action": "add_rd", "rd-name": "新型传感器研发", "rd-budget": "30"})
    assert draft.rd_projects.get().name == "新型传感器研发"
    response = client.post(
        step_url(draft, "attachments"),
        {"action": "upload", "att-kind": "financial_statements", "att-file": SimpleUploadedFile("报表.pdf", PDF)},
    )
    assert response.status_code == 302
    assert ApplicationAttachment.objects.get().original_name == "报表.pdf"


def test_upload_of_html_named_pdf_is_refused_on_the_page(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    fake = SimpleUploadedFile("报表.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    page = client.post(step_url(draft, "attachments"), {"action": "upload", "att-kind": "other", "att-file": fake})
    assert page.status_code == 200 and "文件内容不是允许的类型" in page.text
    assert not ApplicationAttachment.objects.exists()


# --- Live score -------------------------------------------------------------------------------------


def test_live_score_merges_posted_values_over_the_draft_without_saving(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(score_url(draft, "rd"), {"rd_expense": "32"})
    assert response.status_code == 200
    assert total_score(response.text) == 56 and "暂不符合条件" in response.text
    assert 'data-testid="gap"' in response.text
    assert total_score(client.post(score_url(draft, "rd"), {"rd_expense": "48"}).text) == 76
    # Components of the finance step are totalled before scoring: costs 700 → 1400 halves the costs ratio.
    finance = client.post(
        score_url(draft, "finance"), {"sales_revenue": "800", "main_business_cost": "1400", "total_assets": "1000"}
    )
    assert total_score(finance.text) == 76  # R&D by costs 3.4% → 0, by sales still 6% → 50 (the higher)
    assert re.search(r'data-testid="score-rd_by_costs">0<', finance.text)
    # A blank field of the step is blank in the preview (the step's values replace the draft's).
    assert 'data-testid="score-missing"' in client.post(score_url(draft, "finance"), {"total_assets": "1"}).text
    staff = client.post(
        score_url(draft, "staff"), {f"q{q}_{k}": ("40" if k.startswith("total") else "2") for q in range(1, 5)
                                    for k in ("total_start", "total_end", "tech_start", "tech_end")}
    )  # fmt: skip
    assert total_score(staff.text) == 68 and 'data-code="tech_staff_score_zero"' in staff.text
    assert reload(draft).rd_expense == Decimal("48") and reload(draft).tech_staff == Decimal("6")


def test_live_score_lists_missing_figures(client, enterprise_user):
    app = application_save_draft(actor=enterprise_user, evaluation_year=YEAR, data={"total_staff": "5"})
    client.force_login(enterprise_user)
    response = client.post(score_url(app, "basic"), {})
    assert 'data-testid="score-missing"' in response.text and "研发费用总额" in response.text


# --- Submission ---------------------------------------------------------------------------------------


def test_submission_refused_while_failing_shows_reasons_and_gap(client, enterprise_user, draft, veteran):
    application_save_draft(actor=enterprise_user, evaluation_year=YEAR, data={"rd_expense": "32"})
    client.force_login(enterprise_user)
    page = client.post(step_url(draft, "review"), {"action": "submit"})
    assert page.status_code == 200
    assert 'data-testid="refusal"' in page.text and 'data-testid="refusal-gap"' in page.text
    assert "40.00" in page.text.split('data-testid="refusal-gap"')[1]  # "研发费用至少40.00万元"
    assert reload(draft).state == S.DRAFT


def test_successful_submit_freezes_and_then_the_steps_are_closed(client, enterprise_user, draft, veteran, attachment):
    client.force_login(enterprise_user)
    response = client.post(step_url(draft, "review"), {"action": "submit"})
    assert response["Location"] == reverse("certification:filing_detail", kwargs={"pk": draft.pk})
    app = reload(draft)
    assert app.state == S.SUBMITTED
    assert app.snapshot["details"]["attachments"][0]["original_name"] == "说明.pdf"
    assert client.get(step_url(draft, "finance"))["Location"] == response["Location"]
    client.post(step_url(draft, "rd"), {"action": "save", "rd_expense": "1"})
    assert reload(draft).rd_expense == Decimal("48")


def test_returned_filing_shows_field_comments_and_resubmits(client, enterprise_user, draft, veteran, district_official):
    application_submit(application_id=draft.pk, actor=enterprise_user)
    application_return(
        application_id=draft.pk, actor=district_official, comment="请补充", field_comments={"rd_expense": "请附辅助账"}
    )
    client.force_login(enterprise_user)
    detail = client.get(reverse("certification:filing_detail", kwargs={"pk": draft.pk}))
    assert 'data-testid="comment-rd_expense"' in detail.text and "请附辅助账" in detail.text
    assert 'data-testid="resubmit"' in detail.text and 'data-testid="withdraw-form"' in detail.text
    step = client.get(step_url(draft, "rd"))
    assert 'data-testid="comment-rd_expense"' in step.text and 'data-testid="step-comments"' in step.text
    assert client.post(step_url(draft, "rd"), {"action": "save", "rd_expense": "60"}).status_code == 302
    response = client.post(step_url(draft, "review"), {"action": "submit", "comment": "已补充"})
    assert response.status_code == 302
    app = reload(draft)
    assert app.state == S.SUBMITTED and app.snapshot["declaration"]["rd_expense"] == "60.00"
    assert ApplicationEvent.objects.filter(application=app).last().comment == "已补充"


def test_withdraw_from_the_detail_page(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    client.post(reverse("certification:filing_withdraw", kwargs={"pk": draft.pk}))
    assert reload(draft).state == S.WITHDRAWN
    response = client.post(reverse("certification:filing_withdraw", kwargs={"pk": draft.pk}), follow=True)
    assert "不能撤回" in response.text


@pytest.mark.parametrize("length", [COMMENT_MAX, COMMENT_MAX + 1])
def test_a_withdrawal_comment_over_the_limit_is_shown_again_with_its_error(client, enterprise_user, draft, length):
    """The page and the API share the service's limit; a refused comment is not lost: the filing's page
    again, the comment as typed in its box, with the error."""
    client.force_login(enterprise_user)
    comment = "撤" * length
    response = client.post(reverse("certification:filing_withdraw", kwargs={"pk": draft.pk}), {"comment": comment})
    events = ApplicationEvent.objects.filter(application=draft)
    if length <= COMMENT_MAX:
        assert response.status_code == 302 and reload(draft).state == S.WITHDRAWN
        assert events.latest("id").comment == comment
    else:
        assert response.status_code == 200 and reload(draft).state == S.DRAFT
        assert f">\n{comment}</textarea>" in response.text and "意见不能超过2000个字符。" in response.text
        assert not events.filter(to_state=S.WITHDRAWN).exists()


def test_a_resubmission_comment_over_the_limit_is_shown_again_with_its_error(
    client, enterprise_user, draft, veteran, district_official
):
    application_submit(application_id=draft.pk, actor=enterprise_user)
    application_return(application_id=draft.pk, actor=district_official, comment="请补充")
    client.force_login(enterprise_user)
    comment = "改" * (COMMENT_MAX + 1)
    response = client.post(step_url(draft, "review"), {"action": "submit", "comment": comment})
    assert response.status_code == 200 and reload(draft).state == S.RETURNED
    assert f">\n{comment}</textarea>" in response.text and "意见不能超过2000个字符。" in response.text
    done = client.post(step_url(draft, "review"), {"action": "submit", "comment": comment[:COMMENT_MAX]})
    assert done.status_code == 302 and reload(draft).state == S.SUBMITTED


def test_detail_shows_the_timeline_with_actor_states_and_comments(client, enterprise_user, draft, veteran):
    application_submit(application_id=draft.pk, actor=enterprise_user)
    application_withdraw(application_id=draft.pk, actor=enterprise_user, comment="数据有误")
    client.force_login(enterprise_user)
    page = client.get(reverse("certification:filing_detail", kwargs={"pk": draft.pk}))
    timeline = page.text.split('data-testid="timeline"')[1]
    assert timeline.count("<li") == 3 and "数据有误" in timeline and "已撤回" in timeline
    assert enterprise_user.username in timeline


def test_detail_shows_events_written_by_scheduled_jobs_as_system(client, enterprise_user, draft):
    # The nightly registration and expiry jobs write events without an actor.
    ApplicationEvent.objects.create(application=draft, actor=None, from_state=S.DRAFT, to_state=S.DRAFT)
    client.force_login(enterprise_user)
    page = client.get(reverse("certification:filing_detail", kwargs={"pk": draft.pk}))
    assert page.status_code == 200
    assert "系统" in page.text.split('data-testid="timeline"')[1]


# --- Downloads and refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "submitted", "status"),
    [
        ("enterprise_user", False, 200),
        ("other_enterprise_user", False, 404),
        # A draft never submitted is the enterprise's own business: officials see its files once it is filed.
        ("district_official", False, 404),
        ("city_official", False, 404),
        ("district_official", True, 200),
        ("other_district_official", True, 404),
        ("city_official", True, 200),
        ("department_user", True, 404),
    ],
)
def test_attachment_download_is_scoped(persona_client, attachment, persona, submitted, status):
    if submitted:
        Application.objects.filter(pk=attachment.application_id).update(
            state=S.SUBMITTED, submitted_on=timezone.localdate()
        )
    response = persona_client(persona).get(reverse("certification:attachment_download", kwargs={"pk": attachment.pk}))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")


def test_attachment_download_sends_anonymous_users_to_login(client, attachment):
    response = client.get(reverse("certification:attachment_download", kwargs={"pk": attachment.pk}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


REFUSED = ["other_enterprise_user", "district_official", "other_district_official", "department_user", "city_official"]


@pytest.mark.parametrize("persona", REFUSED)
def test_other_personas_cannot_open_or_change_the_filing(persona_client, draft, persona):
    client = persona_client(persona)
    pk = draft.pk
    urls = [
        ("get", reverse("certification:filing_detail", kwargs={"pk": pk})),
        ("get", step_url(draft, "finance")),
        ("post", step_url(draft, "rd")),
        ("post", score_url(draft, "rd")),
        ("post", reverse("certification:filing_withdraw", kwargs={"pk": pk})),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"action": "save", "rd_expense": "1"})
        assert response.status_code == 404, (method, url)
    if persona != "other_enterprise_user":  # that one may start its own enterprise's filing
        assert client.post(reverse("certification:filing_start")).status_code == 404
    app = reload(draft)
    assert (app.rd_expense, app.state) == (Decimal("48"), S.DRAFT)
    assert Application.objects.count() == 1


def test_anonymous_users_go_to_login_on_every_filing_url(client, draft):
    for url in [
        reverse("certification:filing_list"),
        reverse("certification:filing_detail", kwargs={"pk": draft.pk}),
        step_url(draft, "basic"),
    ]:
        assert client.get(url)["Location"].startswith(reverse("login"))
    for url in [
        reverse("certification:filing_start"),
        score_url(draft, "rd"),
        reverse("certification:filing_withdraw", kwargs={"pk": draft.pk}),
    ]:
        assert client.post(url)["Location"].startswith(reverse("login"))
    assert reload(draft).state == S.DRAFT


def test_unknown_step_and_action_are_404(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    assert client.get(step_url(draft, "nope")).status_code == 404
    assert client.post(step_url(draft, "rd"), {"action": "drop_table"}).status_code == 404


# --- Query counts -------------------------------------------------------------------------------------


def _fill(app, actor, n):
    IntellectualProperty.objects.bulk_create(
        IntellectualProperty(application=app, kind="software_copyright", number=f"SR{i}", title=f"软件{i}")
        for i in range(n)
    )
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(application=app, actor=actor, from_state=S.DRAFT, to_state=S.DRAFT, comment=f"#{i}")
        for i in range(n)
    )


@pytest.mark.parametrize("n", [3, 30])
def test_detail_query_count_is_flat(client, enterprise_user, draft, django_assert_max_num_queries, n):
    _fill(draft, enterprise_user, n)
    client.force_login(enterprise_user)
    client.get(reverse("certification:filing_detail", kwargs={"pk": draft.pk}))  # warm the session
    with django_assert_max_num_queries(12):
        page = client.get(reverse("certification:filing_detail", kwargs={"pk": draft.pk}))
    assert page.text.count("软件") >= n


@pytest.mark.parametrize("n", [3, 30])
def test_ip_step_query_count_is_flat(client, enterprise_user, draft, django_assert_max_num_queries, n):
    _fill(draft, enterprise_user, n)
    client.force_login(enterprise_user)
    client.get(step_url(draft, "ip"))
    with django_assert_max_num_queries(14):
        client.get(step_url(draft, "ip"))


def test_list_query_count_is_flat(client, enterprise, enterprise_user, django_assert_max_num_queries):
    for year in range(YEAR - 6, YEAR):
        factories.ApplicationFactory(enterprise=enterprise, evaluation_year=year, state=S.EXPIRED)
    client.force_login(enterprise_user)
    client.get(reverse("certification:filing_list"))
    with django_assert_max_num_queries(10):  # the campaign and the calendar of its deadline: two more, flat
        page = client.get(reverse("certification:filing_list"))
    assert page.text.count("已过期") == 6


def test_admin_change_page_shows_the_detail_inlines(client, admin_user_persona, draft, attachment):
    IntellectualProperty.objects.create(application=draft, kind="trademark", number="TM1", title="商标")
    client.force_login(admin_user_persona)
    page = client.get(reverse("admin:certification_application_change", args=[draft.pk]))
    assert page.status_code == 200
    assert "TM1" in page.text and "说明.pdf" in page.text


def test_the_declarations_step_shows_the_register_and_locks_what_it_establishes(
    client, enterprise, enterprise_user, draft
):
    enterprise.on_abnormal_list = True
    enterprise.save()
    client.force_login(enterprise_user)
    body = client.get(step_url(draft, "declarations")).content.decode()
    assert "已被列入经营异常名录" in body and "登记行业" in body
    assert re.search(r'name="compliance_violation"[^>]*disabled', body)
    assert not re.search(r'name="restricted_industry"[^>]*disabled', body)
    # An unticked box is not sent: the register's flag stays declared.
    response = client.post(step_url(draft, "declarations"), {"action": "save", "resident_enterprise": "on"})
    assert response.status_code == 302
    assert reload(draft).compliance_violation is True
