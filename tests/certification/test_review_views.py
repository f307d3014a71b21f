"""The officials' review pages: scope per persona, filters, the actions and their refusals."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from certification.guards import on_site_grounds
from certification.models import Application, ApplicationEvent
from certification.services.filing import application_save_draft, application_submit
from certification.services.review import application_return
from certification.workflow import COMMENT_MAX
from tests import factories
from tests.helpers import messages_of, reload

S = Application.State
DAY = dt.date(2026, 4, 20)


def submit(enterprise, *, first_time=False, total_staff="40", tech_staff="6"):
    """A submitted filing through the services (snapshot frozen); not first-time unless asked."""
    user = factories.EnterpriseMembershipFactory(enterprise=enterprise).user
    if not first_time:
        factories.ApplicationFactory(
            enterprise=enterprise, evaluation_year=2025, state=S.EXPIRED, submitted_on=dt.date(2025, 4, 1)
        )
    draft = application_save_draft(
        actor=user,
        evaluation_year=2026,
        data={
            "total_staff": total_staff,
            "tech_staff": tech_staff,
            "sales_revenue": "800",
            "total_costs": "700",
            "rd_expense": "48",
            "total_assets": "1000",
            "class2_ip": 3,
        },
    )
    return application_submit(application_id=draft.pk, actor=user, today=DAY)


@pytest.fixture
def filing(enterprise):
    return submit(enterprise)


@pytest.fixture
def other_filing(other_enterprise):
    return submit(other_enterprise)


# --- List ----------------------------------------------------------------------------------------


def test_district_official_lists_own_district_only(client, district_official, filing, other_filing):
    client.force_login(district_official)
    body = client.get(reverse("certification:review_list")).content.decode()
    assert filing.enterprise.name in body
    assert other_filing.enterprise.name not in body
    assert ">76<" in body  # the score from the frozen snapshot


def test_city_official_lists_all_and_filters_by_district_year_state(
    client, city_official, filing, other_filing, other_district
):
    client.force_login(city_official)
    url = reverse("certification:review_list")

    def listed(**params):
        return {a.pk for a in client.get(url, params).context["page"].object_list}

    both = {filing.pk, other_filing.pk}
    assert both <= listed()
    assert listed(district=other_district.pk, year=2026) == {other_filing.pk}
    assert listed(year=2025).isdisjoint(both)
    assert listed(state=S.RECOMMENDED) == set()
    assert listed(state=S.SUBMITTED, year=2026) == both


def test_district_filter_is_not_offered_to_district_officials(client, district_official, filing, other_district):
    client.force_login(district_official)
    response = client.get(reverse("certification:review_list"), {"district": other_district.pk})
    assert "district" not in response.context["form"].fields
    assert filing.enterprise.name in response.content.decode()


def test_drafts_never_submitted_are_not_listed(client, district_official, enterprise):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    client.force_login(district_official)
    assert draft.enterprise.name not in client.get(reverse("certification:review_list")).content.decode()
    assert client.get(reverse("certification:review_detail", args=[draft.pk])).status_code == 404


def test_on_site_badge_matches_the_rule(client, district_official, district):
    first = submit(factories.EnterpriseFactory(managing_district=district, name="首次申报企业"), first_time=True)
    veteran = submit(factories.EnterpriseFactory(managing_district=district, name="老企业"))
    client.force_login(district_official)
    page = client.get(reverse("certification:review_list"), {"year": 2026}).context["page"]
    badges = {a.pk: a.on_site_required for a in page.object_list}
    assert badges == {first.pk: True, veteran.pk: False}
    assert on_site_grounds(first, timezone.localdate()) and not on_site_grounds(veteran, timezone.localdate())


@pytest.mark.parametrize("count", [3, 30])
def test_review_list_query_count_is_flat(client, city_official, district, django_assert_max_num_queries, count):
    for _ in range(count):
        factories.ApplicationFactory(
            enterprise=factories.EnterpriseFactory(managing_district=district),
            state=S.SUBMITTED,
            submitted_on=DAY,
            first_time_applicant=False,
            snapshot={"evaluation": {"total_score": 76}},
        )
    client.force_login(city_official)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("certification:review_list"))
    assert len(response.context["page"].object_list) == count


# --- Detail --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_official", 200),
        ("city_official", 200),
        ("other_district_official", 404),
        ("enterprise_user", 404),
        ("department_user", 404),
    ],
)
def test_detail_scope(persona_client, filing, persona, status):
    response = persona_client(persona).get(reverse("certification:review_detail", args=[filing.pk]))
    assert response.status_code == status


def test_detail_anonymous_goes_to_login(client, filing):
    response = client.get(reverse("certification:review_detail", args=[filing.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_detail_shows_snapshot_timeline_and_actions(client, district_official, filing):
    client.force_login(district_official)
    response = client.get(reverse("certification:review_detail", args=[filing.pk]))
    body = response.content.decode()
    assert "<strong>76</strong>" in body
    for action in ("review_return", "review_require_on_site", "review_recommend", "review_reject"):
        assert reverse(f"certification:{action}", args=[filing.pk]) in body
    assert reverse("certification:review_record_on_site", args=[filing.pk]) not in body
    assert len(response.context["events"]) == 2  # draft, submitted


def test_first_time_applicant_shows_on_site_reasons(client, district_official, enterprise):
    app = submit(enterprise, first_time=True)
    client.force_login(district_official)
    response = client.get(reverse("certification:review_detail", args=[app.pk]))
    assert response.context["on_site_reasons"] == ["首次申报"]


def test_recommended_filing_offers_reject_to_city_only(client, district_official, city_official, filing):
    Application.objects.filter(pk=filing.pk).update(state=S.RECOMMENDED)
    url = reverse("certification:review_detail", args=[filing.pk])
    reject = reverse("certification:review_reject", args=[filing.pk])
    client.force_login(district_official)
    assert reject not in client.get(url).content.decode()
    client.force_login(city_official)
    assert reject in client.get(url).content.decode()


# --- Actions -------------------------------------------------------------------------------------


def test_return_with_field_comments_is_stored_in_the_event(client, district_official, filing):
    client.force_login(district_official)
    response = client.post(
        reverse("certification:review_return", args=[filing.pk]),
        {"comment": "请补充材料", "field_rd_expense": "研发费用与审计报告不符", "field_tech_staff": " "},
        follow=True,
    )
    assert reload(filing).state == S.RETURNED
    event = ApplicationEvent.objects.filter(application=filing).latest("id")
    assert (event.to_state, event.comment, event.field_comments) == (
        S.RETURNED,
        "请补充材料",
        {"rd_expense": "研发费用与审计报告不符"},
    )
    assert "已退回企业修改。" in messages_of(response)
    assert "研发费用与审计报告不符" in response.content.decode()  # the timeline shows the field comment


def test_return_without_any_comment_changes_nothing(client, district_official, filing):
    client.force_login(district_official)
    response = client.post(reverse("certification:review_return", args=[filing.pk]), {"comment": ""}, follow=True)
    assert reload(filing).state == S.SUBMITTED
    assert response.status_code == 200
    assert response.context["return_form"].errors["comment"] == ["退回修改须填写意见。"]  # under the field
    assert any("退回修改须填写意见。" in m for m in messages_of(response))  # and summed up at the top


def test_return_with_a_field_comment_over_its_length_shows_the_form_again_as_typed(client, district_official, filing):
    typed, too_long = "请补充2025年度研发费用辅助账。", "研" * 501
    client.force_login(district_official)
    response = client.post(
        reverse("certification:review_return", args=[filing.pk]),
        {"comment": typed, "field_rd_expense": too_long, "field_tech_staff": "科技人员名单"},
    )
    assert response.status_code == 200
    assert reload(filing).state == S.SUBMITTED
    form = response.context["return_form"]
    assert form.is_bound and "field_rd_expense" in form.errors
    body = response.content.decode()
    assert typed in body and too_long in body and "科技人员名单" in body  # nothing typed is lost
    assert '<details class="mb-2" open>' in body  # the field comments are shown, with the error


# Each review action's typed text goes on the append-only timeline (and the on-site note and the rejection
# reason onto the filing): capped like the enterprise's comments, the form saying so under its own field.
REVIEW_TEXTS = [
    ("review_return", "return_form", {}, "comment"),
    ("review_recommend", "recommend_form", {}, "comment"),
    ("review_require_on_site", "require_on_site_form", {}, "comment"),
    ("review_record_on_site", "on_site_form", {"passed": "1"}, "note"),
    ("review_reject", "reject_form", {}, "reason"),
]


@pytest.mark.parametrize(("action", "form_name", "others", "field"), REVIEW_TEXTS)
@pytest.mark.parametrize("length", [COMMENT_MAX, COMMENT_MAX + 1])
def test_a_reviewers_text_over_the_limit_is_shown_again_under_its_field(
    client, district_official, city_official, filing, action, form_name, others, field, length
):
    if action == "review_reject":
        filing.state = S.RECOMMENDED
        filing.save(update_fields=["state"])
    elif action == "review_record_on_site":
        filing.state = S.ON_SITE_CHECK
        filing.save(update_fields=["state"])
    client.force_login(city_official if action == "review_reject" else district_official)
    events = ApplicationEvent.objects.filter(application=filing).count()
    typed = "审" * length
    if action == "review_record_on_site":
        others = {**others, "checked_on": timezone.localdate().isoformat()}
    response = client.post(reverse(f"certification:{action}", args=[filing.pk]), {**others, field: typed})
    if length <= COMMENT_MAX:
        assert response.status_code == 302
        assert ApplicationEvent.objects.filter(application=filing).count() == events + 1
        return
    assert response.status_code == 200
    assert ApplicationEvent.objects.filter(application=filing).count() == events
    form = response.context[form_name]
    assert list(form.errors) == [field]
    assert form[field].value() == typed  # nothing typed is lost


def test_every_typed_comment_of_a_transition_is_capped_where_it_is_recorded(district_official, filing):
    """The forms and the API say the limit first; a caller that skips them (a command, the shell) meets it
    where the timeline is written."""
    with pytest.raises(ValidationError) as caught:
        application_return(application_id=filing.pk, actor=district_official, comment="改" * (COMMENT_MAX + 1))
    assert list(caught.value.message_dict) == ["comment"]
    assert reload(filing).state == S.SUBMITTED


def test_transition_error_shows_message_keeps_the_comment_and_changes_nothing(client, district_official, enterprise):
    app = submit(enterprise, first_time=True)  # needs an on-site check before recommendation
    events = ApplicationEvent.objects.filter(application=app).count()
    client.force_login(district_official)
    response = client.post(reverse("certification:review_recommend", args=[app.pk]), {"comment": "同意推荐，材料齐全"})
    assert response.status_code == 200
    assert reload(app).state == S.SUBMITTED
    assert ApplicationEvent.objects.filter(application=app).count() == events
    assert any("须先完成现场核查" in m for m in messages_of(response))
    assert response.context["recommend_form"]["comment"].value() == "同意推荐，材料齐全"
    assert not response.context["require_on_site_form"].is_bound  # the other comment form stays blank


def test_on_site_check_dated_in_the_future_is_refused_on_the_form(client, district_official, enterprise):
    app = submit(enterprise, first_time=True)
    client.force_login(district_official)
    client.post(reverse("certification:review_require_on_site", args=[app.pk]), {})
    future = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("certification:review_record_on_site", args=[app.pk]),
        {"checked_on": future.isoformat(), "passed": "1", "note": "场地、人员与申报一致"},
    )
    assert response.status_code == 200
    assert reload(app).on_site_checked_on is None
    assert response.context["on_site_form"].errors["checked_on"] == [
        f"核查日期不能晚于今天（{timezone.localdate()}）。"
    ]
    assert "场地、人员与申报一致" in response.content.decode()


def test_on_site_check_then_recommend(client, district_official, enterprise):
    app = submit(enterprise, first_time=True)
    client.force_login(district_official)
    client.post(reverse("certification:review_require_on_site", args=[app.pk]), {"comment": "首次申报"})
    assert reload(app).state == S.ON_SITE_CHECK
    checked_on = timezone.localdate()  # not after today, not before the submission
    client.post(
        reverse("certification:review_record_on_site", args=[app.pk]),
        {"checked_on": checked_on.isoformat(), "passed": "1", "note": "场地、人员与申报一致"},
    )
    checked = reload(app)
    assert (checked.on_site_checked_on, checked.on_site_check_passed) == (checked_on, True)
    client.post(reverse("certification:review_recommend", args=[app.pk]), {"comment": ""})
    assert reload(app).state == S.RECOMMENDED


def test_failed_on_site_check_cannot_be_recommended(client, district_official, enterprise):
    app = submit(enterprise, first_time=True)
    client.force_login(district_official)
    client.post(reverse("certification:review_require_on_site", args=[app.pk]), {})
    client.post(
        reverse("certification:review_record_on_site", args=[app.pk]),
        {"checked_on": timezone.localdate().isoformat(), "passed": "0", "note": "无实际经营场所"},
    )
    assert reload(app).on_site_check_passed is False
    client.post(reverse("certification:review_recommend", args=[app.pk]), {})
    assert reload(app).state == S.ON_SITE_CHECK


def test_reject_needs_a_reason(client, district_official, filing):
    client.force_login(district_official)
    client.post(reverse("certification:review_reject", args=[filing.pk]), {"reason": ""})
    assert reload(filing).state == S.SUBMITTED
    client.post(reverse("certification:review_reject", args=[filing.pk]), {"reason": "研发费用归集不实"})
    app = reload(filing)
    assert (app.state, app.decision_reason) == (S.REJECTED, "研发费用归集不实")


def test_district_official_rejecting_a_recommended_filing_gets_403(client, district_official, filing):
    Application.objects.filter(pk=filing.pk).update(state=S.RECOMMENDED)
    client.force_login(district_official)
    response = client.post(reverse("certification:review_reject", args=[filing.pk]), {"reason": "不符合"})
    assert response.status_code == 403
    assert reload(filing).state == S.RECOMMENDED


def test_city_official_rejects_a_recommended_filing(client, city_official, filing):
    Application.objects.filter(pk=filing.pk).update(state=S.RECOMMENDED)
    client.force_login(city_official)
    client.post(reverse("certification:review_reject", args=[filing.pk]), {"reason": "市级复核不通过"})
    assert reload(filing).state == S.REJECTED


@pytest.mark.parametrize("persona", ["other_district_official", "enterprise_user", "department_user"])
@pytest.mark.parametrize("action", ["review_return", "review_recommend", "review_reject", "review_require_on_site"])
def test_actions_refuse_out_of_scope_with_404(persona_client, filing, persona, action):
    response = persona_client(persona).post(
        reverse(f"certification:{action}", args=[filing.pk]), {"comment": "x", "reason": "x"}
    )
    assert response.status_code == 404
    assert reload(filing).state == S.SUBMITTED


def test_actions_send_anonymous_to_login_and_refuse_get(client, district_official, filing):
    url = reverse("certification:review_recommend", args=[filing.pk])
    response = client.post(url, {})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(district_official)
    assert client.get(url).status_code == 405


def test_detail_lists_ip_items_and_links_attachments(client, district_official, filing, settings, tmp_path):
    from django.core.files.base import ContentFile

    from certification.models import ApplicationAttachment, IntellectualProperty

    settings.MEDIA_ROOT = tmp_path
    IntellectualProperty.objects.create(
        application=filing, kind="software_copyright", number="2025SR000123", title="软件"
    )
    attachment = ApplicationAttachment(application=filing, kind="other", original_name="审计报告.pdf", size=8)
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    client.force_login(district_official)
    body = client.get(reverse("certification:review_detail", args=[filing.pk])).content.decode()
    assert "2025SR000123" in body and "II类" in body
    assert reverse("certification:attachment_download", args=[attachment.pk]) in body


def test_detail_query_count_is_flat(client, district_official, filing, django_assert_max_num_queries):
    from certification.models import IntellectualProperty

    for n in range(10):
        IntellectualProperty.objects.create(application=filing, kind="utility_model", number=f"ZL{n}", title="x")
    client.force_login(district_official)
    with django_assert_max_num_queries(14):
        client.get(reverse("certification:review_detail", args=[filing.pk]))


def test_review_page_shows_the_register_next_to_the_declaration_and_marks_a_mismatch(
    client, district_official, filing, enterprise
):
    client.force_login(district_official)
    url = reverse("certification:review_detail", args=[filing.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="registry-restricted_industry"' in body and "与登记信息不一致" not in body
    enterprise.industry_section, enterprise.industry_code = "F", "5191"  # the register learns it during review
    enterprise.save()
    body = client.get(url).content.decode()
    assert "登记行业F5191属于限制、淘汰类" in body and "与登记信息不一致" in body


def test_review_page_shows_the_direct_path_evidence(client, district_official, enterprise):
    user = factories.EnterpriseMembershipFactory(enterprise=enterprise).user
    draft = application_save_draft(
        actor=user,
        evaluation_year=2026,
        data={
            "total_staff": "40",
            "tech_staff": "3",
            "sales_revenue": "800",
            "total_costs": "700",
            "rd_expense": "48",
            "total_assets": "1000",
            "direct_paths": ["provincial_rd_institution"],
            "institution_name": "四川省智能传感工程技术研究中心",
            "institution_level": "provincial",
            "institution_authority": "四川省科学技术厅",
            "institution_year": 2022,
        },
    )
    application_submit(application_id=draft.pk, actor=user, today=DAY)
    client.force_login(district_official)
    body = client.get(reverse("certification:review_detail", args=[draft.pk])).content.decode()
    assert 'data-testid="evidence-provincial_rd_institution"' in body
    assert "四川省科学技术厅" in body and "省级" in body and "2022" in body
