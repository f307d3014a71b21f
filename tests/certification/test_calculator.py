"""The public calculator page and its htmx partial."""

import re

import pytest
from django.urls import reverse

from certification.evaluation_input import self_evaluate

WORKED = {
    "evaluation_year": "2025",
    "total_staff": "40",
    "tech_staff": "6",
    "sales_revenue": "800.00",
    "total_costs": "700.00",
    "rd_expense": "48.00",
    "total_assets": "1500.00",
    "class1_ip": "0",
    "class2_ip": "3",
    # Form checkboxes: ticked boxes are posted, unticked ones are absent.
    "resident_enterprise": "true",
    "audited_tax_collection": "true",
}


def text_of(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', html)
    assert match, f"{name} not in the page"
    return match.group(1).strip()


@pytest.mark.django_db
def test_page_renders_for_anonymous_with_the_form_and_nav_item(client):
    response = client.get(reverse("certification:calculator"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport"' in html
    assert f'hx-post="{reverse("certification:calculator_result")}"' in html
    assert f'action="{reverse("certification:calculator")}"' in html
    for name in WORKED:
        assert f'name="{name}"' in html
    assert html.count('name="direct_paths"') == 4
    # (一) answers are ticked by default; the (三)/(四) boxes are not.
    assert re.search(r'id="id_resident_enterprise"[^>]* checked', html)
    assert not re.search(r'id="id_compliance_violation"[^>]* checked', html)
    calculator = reverse("certification:calculator")
    assert re.search(rf'class="nav-link[^"]* active"[^>]*aria-current="page"[^>]*href="{calculator}"', html)
    assert "自评计算器" in html


@pytest.mark.django_db
def test_partial_shows_the_scores_for_posted_values(client):
    response = client.post(reverse("certification:calculator_result"), {**WORKED, "rd_expense": "32.00"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert text_of(html, "total-score") == "56"
    assert text_of(html, "score-tech_staff") == "8"
    assert text_of(html, "score-rd") == "30"
    assert text_of(html, "score-rd_by_sales") == "30"
    assert text_of(html, "score-rd_by_costs") == "0"
    assert text_of(html, "score-ip") == "18"
    assert text_of(html, "eligibility") == "暂不符合条件"
    assert 'data-code="score_below_60"' in html
    assert "再增加2名科技人员" in html
    assert "研发费用至少40.00万元" in html


@pytest.mark.django_db
def test_partial_shows_eligible_and_direct_path(client):
    eligible = client.post(reverse("certification:calculator_result"), WORKED).content.decode()
    assert text_of(eligible, "total-score") == "76"
    assert text_of(eligible, "eligibility") == "符合条件"
    direct = client.post(
        reverse("certification:calculator_result"),
        {**WORKED, "rd_expense": "0", "direct_paths": ["high_tech_certificate", "led_standard"]},
    ).content.decode()
    assert text_of(direct, "eligibility") == "符合条件（直接确认）"
    assert 'data-testid="reasons"' not in direct


@pytest.mark.django_db
def test_unticked_checkbox_means_no(client):
    data = {key: value for key, value in WORKED.items() if key != "resident_enterprise"}
    html = client.post(reverse("certification:calculator_result"), data).content.decode()
    assert 'data-code="not_resident"' in html
    assert 'data-code="basic_conditions_unmet"' in html


@pytest.mark.django_db
def test_partial_lists_errors_with_field_labels(client):
    response = client.post(
        reverse("certification:calculator_result"),
        {**WORKED, "tech_staff": "41", "class2_ip": "abc", "direct_paths": ["bogus"], "total_assets": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="total-score"' not in html
    assert 'data-testid="errors"' in html
    assert "II类知识产权（项）：" in html
    assert "资产总额（万元）：" in html
    assert "直接确认条件：" in html
    assert "{" not in html.split('data-testid="errors"')[1]  # list-field errors are flattened


@pytest.mark.django_db
def test_partial_refuses_get(client):
    assert client.get(reverse("certification:calculator_result")).status_code == 405


@pytest.mark.django_db
def test_page_works_without_javascript(client):
    response = client.post(reverse("certification:calculator"), {**WORKED, "rd_expense": "32.00"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert text_of(html, "total-score") == "56"
    assert 'value="32.00"' in html  # the form keeps what was typed
    assert re.search(r'id="id_resident_enterprise"[^>]* checked', html)


@pytest.mark.django_db
def test_page_without_javascript_marks_invalid_fields(client):
    response = client.post(reverse("certification:calculator"), {**WORKED, "tech_staff": "50"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'class="form-control is-invalid"[^>]*name="tech_staff"', html)
    assert "科技人员数不能超过职工总数。" in html
    assert 'data-testid="total-score"' not in html


@pytest.mark.django_db
def test_page_api_and_partial_share_one_evaluation_function(client, monkeypatch):
    calls = []
    original = self_evaluate

    def spy(data):
        calls.append(dict(data))
        return original(data)

    monkeypatch.setattr("certification.views.calculator.self_evaluate", spy)
    monkeypatch.setattr("certification.api.evaluate.self_evaluate", spy)
    client.post(reverse("certification:calculator_result"), WORKED)
    client.post(reverse("certification:calculator"), WORKED)
    client.post("/api/v1/certification/evaluate/", WORKED, content_type="application/json")
    assert len(calls) == 3


@pytest.mark.django_db
def test_logged_in_users_see_the_calculator_too(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("certification:calculator"))
    assert response.status_code == 200
    assert "自评计算器" in response.content.decode()
