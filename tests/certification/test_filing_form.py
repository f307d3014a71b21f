"""The filing form never loses work: the step bar saves before it goes, steps are marked,
suggestions lead to their step, errors show as the figures are typed, and claims without their items
are flagged to the enterprise before it submits and to the reviewer on the review page."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification.forms.filing import STEPS
from certification.models import Application, ApplicationAttachment, IntellectualProperty, RDProject
from certification.services.filing import application_save_draft, application_submit
from certification.services.filing_items import attachment_add, ip_item_add, rd_project_add
from certification.services.review import application_return
from tests import factories
from tests.helpers import FIGURES, database_refuses, messages_of, reload

S = Application.State
YEAR = timezone.localdate().year
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(enterprise_user):
    return application_save_draft(actor=enterprise_user, evaluation_year=YEAR, data=FIGURES)


@pytest.fixture
def evidenced(draft, enterprise_user):
    """The draft with every claim borne out: three software copyrights, a project, statements and certificates."""
    for number in ("2024SR01", "2024SR02", "2024SR03"):
        ip_item_add(
            application_id=draft.pk,
            actor=enterprise_user,
            data={"kind": "software_copyright", "number": number, "title": "平台", "in_force": True,
                  "held_by_enterprise": True, "related_to_main_products": True, "disputed": False},
        )  # fmt: skip
    rd_project_add(application_id=draft.pk, actor=enterprise_user, data={"name": "传感器研发"})
    for kind in ("financial_statements", "ip_certificates"):
        attachment_add(
            application_id=draft.pk, actor=enterprise_user, kind=kind, upload=SimpleUploadedFile(f"{kind}.pdf", PDF)
        )
    return draft


def step_url(app, step):
    return reverse("certification:filing_step", kwargs={"pk": app.pk, "step": step})


def score_url(app, step):
    return reverse("certification:filing_score", kwargs={"pk": app.pk, "step": step})


def stepper(html: str) -> str:
    return html.split('data-testid="stepper"')[1].split("</ol>")[0]


def step_item(html: str, code: str) -> str:
    return stepper(html).split(f'data-step="{code}"')[1].split("</li>")[0]


def markers(html: str, code: str) -> set[str]:
    return set(re.findall(r'data-marker="(\w+)"', step_item(html, code)))


def list_item(html: str, code: str) -> str:
    """The <li> of a reason, suggestion or flag with ``data-code``."""
    match = re.search(rf'<li data-code="{code}">(.*?)</li>', html, re.S)
    assert match, f"{code} not in {html[:2000]}"
    return match.group(1)


def oob(html: str, element_id: str) -> str:
    match = re.search(rf'<div id="{element_id}" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert match, f"{element_id} not swapped in {html[:2000]}"
    return match.group(1).strip()


# --- The step bar saves before it goes ------------------------------------------------------------


def test_the_step_bar_saves_the_typed_figures_then_goes_to_the_step_clicked(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    page = client.get(step_url(draft, "staff"))
    bar = stepper(page.text)
    assert "href=" not in bar  # no link that would leave the step without its figures
    assert bar.count('form="step-form" name="goto"') == 9
    response = client.post(
        step_url(draft, "staff"), {"action": "save", "total_staff": "50", "tech_staff": "20", "goto": "ip"}
    )
    assert response.status_code == 302 and response["Location"] == step_url(draft, "ip")
    assert (reload(draft).total_staff, reload(draft).tech_staff) == (Decimal("50"), Decimal("20"))
    assert "50" in client.get(step_url(draft, "staff")).text  # back on the step: the figures are there


def test_previous_saves_too_and_an_unknown_target_goes_on_as_save_does(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    back = client.post(step_url(draft, "rd"), {"action": "save", "rd_expense": "50", "goto": "finance"})
    assert back["Location"] == step_url(draft, "finance") and reload(draft).rd_expense == Decimal("50")
    page = client.get(step_url(draft, "rd"))
    assert 'name="goto" value="finance" class="btn btn-outline-secondary"' in page.text  # 上一步 is a button
    junk = client.post(step_url(draft, "rd"), {"action": "save", "rd_expense": "51", "goto": "../admin"})
    assert junk["Location"] == step_url(draft, "ip") and reload(draft).rd_expense == Decimal("51")


def test_enter_in_a_field_saves_and_goes_on_rather_than_to_the_first_step(client, enterprise_user, draft):
    """A browser submits with the form's first submit button in the page: the hidden default comes
    before the step bar's buttons and carries no target."""
    client.force_login(enterprise_user)
    html = client.get(step_url(draft, "finance")).text
    first = re.search(r'<button type="submit" form="step-form"[^>]*>', html).group(0)
    assert "goto" not in first and 'tabindex="-1"' in first and 'aria-hidden="true"' in first
    assert not re.search(r'tabindex="[1-9]', html)  # the tab order is the page's order


def test_steps_without_a_form_keep_plain_links(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    bar = stepper(client.get(step_url(draft, "review")).text)
    assert bar.count("href=") == 9 and "goto" not in bar


def test_an_invalid_value_stays_on_its_step_with_the_errors_and_is_not_saved(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    page = client.post(
        step_url(draft, "staff"), {"action": "save", "total_staff": "10", "tech_staff": "11", "goto": "ip"}
    )
    assert page.status_code == 200
    summary = page.text.split('data-testid="error-summary"')[1].split("</div>")[0]
    assert "科技人员数不能超过职工总数" in summary
    assert f'href="{step_url(draft, "ip")}" data-testid="discard"' in summary  # leaving without it is a choice
    assert 'value="11"' in page.text and 'value="10"' in page.text  # what was typed is still in the form
    assert "error" in markers(page.text, "staff")
    assert (reload(draft).total_staff, reload(draft).tech_staff) == (Decimal("40"), Decimal("6"))


def test_a_save_the_database_refuses_keeps_what_was_typed_on_the_page(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    with database_refuses(Application, "UPDATE", "NEW.rd_expense = 77"):
        page = client.post(step_url(draft, "rd"), {"action": "save", "rd_expense": "77", "goto": "ip"})
    assert page.status_code == 200 and 'value="77"' in page.text
    assert messages_of(page) and reload(draft).rd_expense == Decimal("48")


# --- Step markers ---------------------------------------------------------------------------------


def test_steps_with_missing_figures_return_comments_or_unlisted_claims_are_marked(
    client, enterprise_user, draft, district_official
):
    client.force_login(enterprise_user)
    page = client.get(step_url(draft, "basic")).text
    assert markers(page, "staff") == set() and markers(page, "finance") == set()
    assert markers(page, "ip") == markers(page, "rd") == markers(page, "attachments") == {"evidence"}
    assert "缺证明" in step_item(page, "ip") and "⚠" in step_item(page, "ip")  # a word and an icon, not a colour

    application_save_draft(actor=enterprise_user, evaluation_year=YEAR, data={"rd_expense": None})
    assert markers(client.get(step_url(draft, "basic")).text, "rd") == {"error"}

    application_save_draft(actor=enterprise_user, evaluation_year=YEAR, data={"rd_expense": "48"})
    application_submit(application_id=draft.pk, actor=enterprise_user)
    application_return(
        application_id=draft.pk, actor=district_official, comment="请核实", field_comments={"tech_staff": "请附名单"}
    )
    page = client.get(step_url(draft, "rd")).text
    assert markers(page, "staff") == {"comment"} and "有退回意见" in step_item(page, "staff")


def test_a_claimed_direct_path_without_evidence_marks_the_direct_step(client, enterprise_user, draft):
    Application.objects.filter(pk=draft.pk).update(direct_paths=["high_tech_certificate"])
    client.force_login(enterprise_user)
    assert "error" in markers(client.get(step_url(draft, "basic")).text, "direct")


def test_evidenced_claims_raise_no_marker(client, enterprise_user, evidenced):
    client.force_login(enterprise_user)
    page = client.get(step_url(evidenced, "basic")).text
    assert all(markers(page, code) == set() for code in ("staff", "finance", "rd", "ip", "attachments"))


# --- Suggestions lead to their step ---------------------------------------------------------------


def test_each_suggestion_and_failed_condition_links_to_the_step_that_changes_it(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    html = client.post(score_url(draft, "rd"), {"rd_expense": "32"}).text
    assert 'name="goto" value="rd"' in list_item(html, "rd_expense")  # a button of the step form: saves first
    assert 'name="goto" value="staff"' in list_item(html, "tech_staff")
    assert 'name="goto" value="ip"' in list_item(html, "class2_ip")
    over_cap = client.post(score_url(draft, "staff"), {"total_staff": "600", "tech_staff": "6"}).text
    assert 'value="staff"' in list_item(over_cap, "staff_over_cap")
    assert 'value="staff"' in list_item(over_cap, "basic_conditions_unmet")
    application_save_draft(actor=enterprise_user, evaluation_year=YEAR, data={"rd_expense": "32"})
    review = client.get(step_url(draft, "review")).text  # no form on this step: a plain link
    assert f'href="{step_url(draft, "rd")}"' in list_item(review, "rd_expense")


def test_the_public_calculator_shows_its_suggestions_without_links(client):
    html = client.post(
        reverse("certification:calculator_result"),
        {"evaluation_year": str(YEAR), "total_staff": "40", "tech_staff": "6", "sales_revenue": "800",
         "total_costs": "700", "rd_expense": "32", "total_assets": "1000", "class1_ip": "0", "class2_ip": "3",
         "resident_enterprise": "true", "audited_tax_collection": "true"},
    ).text  # fmt: skip
    assert 'data-testid="gap"' in html and "goto" not in html


# --- Errors as you type ---------------------------------------------------------------------------


def test_an_invalid_value_keeps_the_last_good_score_and_shows_its_error(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = client.post(score_url(draft, "rd"), {"rd_expense": "-5"})
    assert response.status_code == 200 and response["HX-Reswap"] == "none"  # the panel keeps its score
    assert 'data-testid="score-missing"' not in response.text and 'data-testid="total-score"' not in response.text
    errors = oob(response.text, "score-errors")
    assert 'data-field="rd_expense"' in errors and 'href="#id_rd_expense"' in errors and "研发费用总额" in errors
    assert oob(response.text, "live-error-rd_expense")  # under the field itself
    assert "1" in oob(response.text, "score-bar-errors")
    good = client.post(score_url(draft, "rd"), {"rd_expense": "48"})
    assert "HX-Reswap" not in good
    assert oob(good.text, "score-errors") == "" and oob(good.text, "live-error-rd_expense") == ""
    assert 'data-testid="bar-score">76<' in oob(good.text, "score-bar-score")
    assert reload(draft).rd_expense == Decimal("48")


def test_the_step_page_has_a_compact_score_bar_for_phones(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    html = client.get(step_url(draft, "rd")).text
    bar = html.split('data-testid="score-bar"')[0].rsplit("<div", 1)[1]
    assert "score-bar" in bar and "d-lg-none" in bar
    assert 'data-testid="bar-score">76<' in html
    assert 'id="live-error-rd_expense"' in html and "js/filing.js" in html and "css/filing.css" in html


# --- Claims without their items -------------------------------------------------------------------


def test_the_enterprise_is_warned_before_submitting_claims_without_items_and_may_still_submit(
    client, enterprise_user, draft
):
    client.force_login(enterprise_user)
    page = client.get(step_url(draft, "review")).text
    flags = page.split('data-testid="claim-flags"')[1].split("</div>")[0]
    assert "声明II类知识产权3项，清单中计入的只有0项" in list_item(flags, "class2_ip_unlisted")
    assert f'href="{step_url(draft, "ip")}"' in list_item(flags, "class2_ip_unlisted")
    assert f'href="{step_url(draft, "rd")}"' in list_item(flags, "rd_projects_missing")
    assert f'href="{step_url(draft, "attachments")}"' in list_item(flags, "financial_statements_missing")
    response = client.post(step_url(draft, "review"), {"action": "submit"})
    assert response.status_code == 302 and reload(draft).state == S.SUBMITTED  # flagged, not refused


def test_the_ip_step_says_what_is_missing(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    page = client.get(step_url(draft, "ip")).text
    assert "class2_ip_unlisted" in page.split('data-testid="step-flags"')[1].split("</div>")[0]


def test_evidenced_filing_shows_no_warning(client, enterprise_user, evidenced):
    client.force_login(enterprise_user)
    assert 'data-testid="claim-flags"' not in client.get(step_url(evidenced, "review")).text


def review_url(app):
    return reverse("certification:review_detail", args=[app.pk])


def test_the_reviewer_sees_each_claim_without_its_items_and_every_section_marked_empty(
    client, enterprise_user, draft, district_official
):
    factories.ApplicationFactory(enterprise=draft.enterprise, evaluation_year=YEAR - 1, state=S.EXPIRED,
                                 submitted_on=timezone.localdate().replace(year=YEAR - 1))  # fmt: skip
    application_submit(application_id=draft.pk, actor=enterprise_user)
    client.force_login(district_official)
    page = client.get(review_url(draft)).text
    flags = page.split('data-testid="claim-flags"')[1].split("</div>")[0]
    assert re.findall(r'data-code="(\w+)"', flags) == [
        "class2_ip_unlisted", "rd_projects_missing", "ip_certificates_missing", "financial_statements_missing"
    ]  # fmt: skip
    for section in ("evidence", "ip", "rd", "attachments"):
        assert f'data-testid="empty-{section}"' in page and "未填写/无" in page
    assert 'data-testid="flags-ip"' in page and 'data-testid="flags-rd"' in page
    assert 'data-testid="recommend-flags"' in page


def test_an_evidenced_filing_shows_its_sections_and_no_flag(client, enterprise_user, evidenced, district_official):
    application_submit(application_id=evidenced.pk, actor=enterprise_user)
    client.force_login(district_official)
    page = client.get(review_url(evidenced)).text
    assert 'data-testid="claim-flags"' not in page and 'data-testid="recommend-flags"' not in page
    assert all(f'data-testid="empty-{section}"' not in page for section in ("ip", "rd", "attachments"))
    assert 'data-testid="empty-evidence"' in page  # no direct path claimed
    assert "2024SR02" in page and "传感器研发" in page


@pytest.mark.parametrize("n", [3, 30])
def test_every_step_reads_a_fixed_number_of_queries(client, enterprise_user, draft, django_assert_max_num_queries, n):
    """The markers and flags read the item lists once, whatever their length."""
    IntellectualProperty.objects.bulk_create(
        IntellectualProperty(application=draft, kind="software_copyright", number=f"SR{i}", title="软件")
        for i in range(n)
    )
    RDProject.objects.bulk_create(RDProject(application=draft, name=f"项目{i}") for i in range(n))
    assert not ApplicationAttachment.objects.exists()
    client.force_login(enterprise_user)
    client.get(step_url(draft, "review"))
    for step in STEPS:
        with django_assert_max_num_queries(12):
            page = client.get(step_url(draft, step))
        assert 'data-testid="stepper"' in page.text


def test_saving_a_step_and_the_live_score_take_a_fixed_few_queries(
    client, enterprise_user, draft, django_assert_max_num_queries
):
    """The filing's 17 check constraints are asked in one query (smeportal.constraints), not one each."""
    client.force_login(enterprise_user)
    client.get(step_url(draft, "staff"))
    figures = {"total_staff": "41", "tech_staff": "7"}
    with django_assert_max_num_queries(10):
        client.post(score_url(draft, "staff"), figures)
    with django_assert_max_num_queries(22):
        assert client.post(step_url(draft, "staff"), {**figures, "action": "save"}).status_code == 302
    assert reload(draft).total_staff == 41
