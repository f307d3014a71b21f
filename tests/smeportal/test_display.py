"""How values are written for people (smeportal.display and its template filters): numbers, money and
headcounts, names, one date format in both languages, stored messages read in the reader's language, and
the language switcher naming each language in its own name."""

import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import xlsxwriter
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from assistance import excel
from assistance.models import AgreementImport
from certification.models import Application, ApplicationEvent
from certification.services.review import application_reject
from smeportal.display import Message, display_name, number, shown_message, source_text, with_unit
from smeportal.models import Notification
from smeportal.notifications import notify_users
from tests import factories


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (28, None, "28"),
        (Decimal("28.00"), None, "28"),
        (Decimal("28.50"), None, "28.5"),
        ("1500", None, "1,500"),
        (Decimal("1234567.8"), None, "1,234,567.8"),
        (Decimal("1500"), 2, "1,500.00"),
        (Decimal("0.005"), 2, "0.01"),
        (0, None, "0"),
        (None, None, ""),
        ("—", None, "—"),
        (True, None, "True"),
        ("NaN", None, "NaN"),
    ],
)
def test_number(value, places, expected):
    assert number(value, places) == expected


@pytest.mark.parametrize(
    ("value", "unit", "language", "expected"),
    [
        (Decimal("28.00"), "people", "zh-hans", "28 人"),
        (Decimal("28.00"), "people", "en", "28 people"),
        (Decimal("1500"), "money", "zh-hans", "1,500.00 万元"),
        (Decimal("1500"), "money", "en", "1,500.00 × 10,000 yuan"),
        (3, "items", "zh-hans", "3 项"),
        (None, "money", "zh-hans", "—"),
    ],
)
def test_with_unit(value, unit, language, expected):
    with translation.override(language):
        assert with_unit(value, unit) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "last", "expected"), [("", "", "wang5"), ("五", "王", "五 王"), ("  ", "", "wang5")])
def test_display_name_is_the_full_name_else_the_login_name(first, last, expected):
    user = get_user_model()(username="wang5", first_name=first, last_name=last)
    assert display_name(user) == expected
    assert display_name(None) == ""


TEMPLATE_CASES = [
    ("{{ v|number }}", {"v": Decimal("28.00")}, "28", "28"),
    ("{{ v|number:2 }}", {"v": Decimal("1500")}, "1,500.00", "1,500.00"),
    ('{{ v|unit:"people" }}', {"v": Decimal("28.00")}, "28 人", "28 people"),
    ("{{ d }}", {"d": dt.date(2026, 12, 2)}, "2026-12-02", "2026-12-02"),
    ("{{ d|date }}", {"d": dt.date(2026, 12, 2)}, "2026-12-02", "2026-12-02"),
    (
        "{{ t }}",
        {"t": dt.datetime(2026, 12, 2, 14, 30, tzinfo=ZoneInfo("Asia/Shanghai"))},
        "2026-12-02 14:30",
        "2026-12-02 14:30",
    ),
    ("{{ m|message }}", {"m": "帮扶措施为空"}, "帮扶措施为空", "No assistance measures"),
    ("{{ m|message }}", {"m": "某企业自己写的理由"}, "某企业自己写的理由", "某企业自己写的理由"),
]


@pytest.mark.parametrize(("source", "context", "chinese", "english"), TEMPLATE_CASES)
def test_one_filter_per_kind_of_value_in_both_languages(source, context, chinese, english):
    template = Template("{% load display %}" + source)
    for language, expected in (("zh-hans", chinese), ("en", english)):
        with translation.override(language):
            assert template.render(Context(context)) == expected, language


@pytest.mark.django_db
def test_the_who_filter_writes_the_full_name():
    template = Template('{% load display %}{{ u|who|default:"—" }}')
    user = get_user_model()(username="li4", first_name="四", last_name="李")
    assert template.render(Context({"u": user})) == "四 李"
    assert template.render(Context({"u": None})) == "—"


def test_a_message_is_rendered_in_the_active_language_with_its_parameters():
    message = Message(gettext_noop("您的申报未通过评价。理由：{reason}"), reason="材料不全")
    assert str(message) == "您的申报未通过评价。理由：材料不全"
    with translation.override("en"):
        assert str(message) == "Your application did not pass the evaluation. Reason: 材料不全"
        assert source_text(message) == "您的申报未通过评价。理由：材料不全"


def test_a_message_round_trips_through_its_data_with_nested_labels():
    grounds = Message(gettext_lazy("帮扶措施为空"))  # a lazy label gives its msgid
    message = Message(
        "{subject} {message}", subject="【主题】", message=Message(gettext_noop("{x}：{y}"), x=grounds, y=1)
    )
    again = Message.from_data(message.as_data())
    assert again.as_data() == message.as_data()
    with translation.override("en"):
        assert str(again) == "【主题】 No assistance measures：1"
    assert Message.from_data({"nothing": 1}) is None and Message.from_data("text") is None


def test_a_percent_style_message_and_a_broken_one():
    message = Message(gettext_noop("%(value)s 人"), value="3")
    with translation.override("en"):
        assert str(message) == "3 people"
    assert str(Message("{missing}")) == "{missing}"  # a parameter missing shows the text, not a 500
    assert shown_message("") == ""


@pytest.mark.django_db
def test_a_notification_is_read_in_the_readers_language(client, enterprise_user):
    notify_users([enterprise_user.pk], Message(gettext_noop("评价机构将对您的企业进行现场核查。")))
    stored = Notification.objects.get()
    assert stored.message == "评价机构将对您的企业进行现场核查。"  # the source text, searchable as before
    client.force_login(enterprise_user)
    english = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The evaluating authority will carry out an on-site verification of your enterprise." in english
    assert "评价机构将对您的企业进行现场核查" not in english
    chinese = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "评价机构将对您的企业进行现场核查。" in chinese


@pytest.mark.django_db
def test_a_decision_taken_in_english_reaches_the_enterprise_in_chinese_and_reads_in_english(
    client, enterprise, enterprise_user, district_official, django_capture_on_commit_callbacks
):
    filing = factories.ApplicationFactory(
        enterprise=enterprise, state=Application.State.SUBMITTED, evaluating_district=enterprise.managing_district
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        application_reject(application_id=filing.pk, actor=district_official, reason="研发费用不实")
    stored = Notification.objects.get(user=enterprise_user)
    assert "您的申报未通过评价。理由：研发费用不实" in stored.message
    client.force_login(enterprise_user)
    page = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your application did not pass the evaluation. Reason: 研发费用不实" in page


@pytest.mark.django_db
def test_timelines_name_people_by_their_full_name(client, enterprise, enterprise_user, district_official):
    district_official.first_name, district_official.last_name = "审核", "张"
    district_official.save()
    filing = factories.ApplicationFactory(enterprise=enterprise, state=Application.State.RETURNED)
    ApplicationEvent.objects.create(
        application=filing, actor=district_official, from_state="submitted", to_state="returned"
    )
    client.force_login(enterprise_user)
    page = client.get(reverse("certification:filing_detail", args=[filing.pk])).content.decode()
    assert "审核 张" in page and district_official.username not in page


@pytest.mark.django_db
def test_declared_figures_are_written_as_people_write_them(client, enterprise, district_official):
    filing = factories.ApplicationFactory(
        enterprise=enterprise,
        state=Application.State.SUBMITTED,
        total_staff=Decimal("28.00"),
        sales_revenue=Decimal("1500"),
        evaluating_district=enterprise.managing_district,
    )
    client.force_login(district_official)
    page = client.get(reverse("certification:review_detail", args=[filing.pk])).content.decode()
    assert "<td>28" in page and "28.00" not in page
    assert "1,500.00" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "own", "other"), [("zh-hans", "简体中文", "English"), ("en", "English", "简体中文")]
)
def test_the_language_switcher_names_each_language_in_its_own_name(client, language, own, other):
    page = client.get(reverse("certification:calculator"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert re.search(r'<option value="en" lang="en"( selected)?>English</option>', page)
    assert re.search(r'<option value="zh-hans" lang="zh-hans"( selected)?>简体中文</option>', page)
    assert "英语" not in page and "Simplified Chinese" not in page
    assert own in page and other in page


@pytest.mark.django_db
def test_excel_rejection_reasons_are_read_in_english(
    client, department_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, excel.HEADERS)
    sheet.write_row(1, 0, [factories.EnterpriseFactory().credit_code, "", 2026, "2026-05-01", "", "目标", "王五", ""])
    book.close()
    client.force_login(department_user)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("assistance:import"),
            {"file": SimpleUploadedFile("协议.xlsx", buffer.getvalue())},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    record = AgreementImport.objects.get()
    assert record.rejected_rows[0]["reasons"] == ["帮扶措施为空"]  # stored in the source language
    url = reverse("assistance:import_detail", args=[record.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No assistance measures" in english and "帮扶措施为空" not in english
    assert "帮扶措施为空" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
