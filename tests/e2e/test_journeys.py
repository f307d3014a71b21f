"""The portal's main journeys in a real Chromium, against the live server (Chinese, as users see it).

Each journey builds the state it starts from with the factories and services, then does its part
through the real pages, asserting what users see (texts, numbers, states). The last page of each
journey is saved as desktop and phone screenshots in test-artifacts/screenshots/.
"""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from assistance.models import AssistanceAgreement
from certification.models import Application, Registration
from certification.services.filing import application_submit
from certification.services.notice import notice_batch_create
from certification.services.registration import notice_batch_register_due
from certification.services.review import (
    application_recommend,
    application_record_on_site_check,
    application_require_on_site_check,
)
from certification.states import FilingState
from enterprises.models import District
from tests import factories

from .helpers import OVERFLOW_TOLERANCE, PHONE, horizontal_overflow, login, message, screenshots

# The longest journey takes about 30 s here, the browser's start included: 120 s is too little on a busy machine.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

CREDIT_CODE = factories.credit_code_for(424242)
COMPANY = "绵阳星河软件科技有限公司"


@pytest.fixture
def reference_data(transactional_db):
    """Mianyang's districts, zones, clusters and city departments (the dashboards list them all)."""
    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def fucheng(transactional_db):
    return factories.DistrictFactory(code="510703", name="涪城区")


@pytest.fixture
def company(fucheng):
    """An enterprise of the registry (a valid credit code), managed by 涪城区."""
    return factories.EnterpriseFactory(credit_code=CREDIT_CODE, name=COMPANY, managing_district=fucheng)


@pytest.fixture
def company_user(company):
    return factories.EnterpriseMembershipFactory(enterprise=company, user__username="xinghe").user


@pytest.fixture
def fucheng_official(fucheng):
    return factories.OfficialMembershipFactory(district=fucheng, user__username="fucheng_official").user


@pytest.fixture
def city_official(transactional_db):
    return factories.OfficialMembershipFactory(district=None, user__username="city_official").user


def this_year() -> int:
    return timezone.localdate().year


def submitted_filing(company, company_user) -> Application:
    """This year's filing with RULES.md §2's worked example (76 points), submitted; first time, so on-site check."""
    application = factories.ApplicationFactory(enterprise=company, evaluation_year=this_year())
    return application_submit(application_id=application.pk, actor=company_user)


def recommended_filing(company, company_user, official) -> Application:
    application = submitted_filing(company, company_user)
    application_require_on_site_check(application_id=application.pk, actor=official)
    application_record_on_site_check(
        application_id=application.pk, actor=official, passed=True, note="场地、人员与申报一致。"
    )
    return application_recommend(application_id=application.pk, actor=official)


def score(page: Page):
    return page.get_by_test_id("score-panel").get_by_test_id("total-score")


def eligibility(page: Page):
    return page.get_by_test_id("score-panel").get_by_test_id("eligibility")


def step_link(page: Page, label: str):
    """A step of the step bar: a button of the step's form (it saves first), a link on steps without one."""
    return page.get_by_test_id("stepper").locator("a, button", has_text=label)


def save_and_continue(page: Page, next_step_label: str) -> None:
    page.get_by_role("button", name="保存并继续").click()
    expect(step_link(page, next_step_label)).to_have_attribute("aria-current", "step")


# --- 1. Registration and filing -------------------------------------------------------------------


def test_enterprise_registers_fills_the_filing_with_live_score_is_refused_then_submits(
    new_page, company, fucheng_official, tmp_path
):
    page = new_page()
    page.goto("/accounts/register/")
    page.fill("#id_username", "xinghe_admin")
    page.fill("#id_password1", "Xh-mianyang-2026!")
    page.fill("#id_password2", "Xh-mianyang-2026!")
    page.fill("#id_email", "admin@xinghe.example.cn")
    # Typed the way people copy it from the licence: lower case with spaces; the portal normalises it.
    page.fill("#id_credit_code", f"{CREDIT_CODE[:6].lower()} {CREDIT_CODE[6:]}")
    page.fill("#id_company_name", COMPANY)
    page.fill("#id_contact_name", "王芳")
    page.fill("#id_contact_phone", "0816-2345678")
    page.get_by_role("button", name="注册", exact=True).click()
    message(page, "注册成功。验证通过前不显示企业信息")
    expect(page.locator("nav").get_by_text("xinghe_admin")).to_be_visible()
    # The firm's first account: the district verifies it after checking the stamped letter.
    expect(page.get_by_test_id("claim-status")).to_have_attribute("data-status", "claimed")
    letter = tmp_path / "授权委托书.pdf"
    letter.write_bytes(b"%PDF-1.4 letter of authorisation")
    page.set_input_files("#id_letter", str(letter))
    page.get_by_role("button", name="上传").click()
    message(page, "已上传授权委托书，请等待验证。")
    official = new_page()
    login(official, "fucheng_official")
    official.goto("/enterprises/claims/")
    official.get_by_role("row", name=re.compile("xinghe_admin")).get_by_role("button", name="通过验证").click()
    message(official, "已通过验证。")
    page.reload()
    expect(page.get_by_test_id("claim-status")).to_have_attribute("data-status", "verified")

    page.goto("/certification/filings/")
    page.get_by_test_id("start-filing").click()
    expect(step_link(page, "1. 基本信息")).to_have_attribute("aria-current", "step")
    expect(page.get_by_test_id("enterprise-basic")).to_contain_text(CREDIT_CODE)
    expect(page.get_by_test_id("state")).to_have_text("草稿")
    expect(page.get_by_test_id("score-missing")).to_be_visible()
    save_and_continue(page, "2. 人员情况")

    page.fill("#id_total_staff", "40")
    page.fill("#id_tech_staff", "6")
    save_and_continue(page, "3. 财务数据")
    page.fill("#id_sales_revenue", "800")
    page.fill("#id_total_costs", "700")
    page.fill("#id_total_assets", "1000")
    save_and_continue(page, "4. 研发投入")
    page.fill("#id_rd_expense", "32")
    # The live score appears as soon as every figure is there (no IP counted yet: 8 + 30 + 0).
    expect(score(page)).to_have_text("38")
    save_and_continue(page, "5. 知识产权")

    for number in ("2024SR0100001", "2024SR0100002", "2025SR0100003"):
        page.select_option("#id_ip-kind", "software_copyright")
        page.fill("#id_ip-number", number)
        page.fill("#id_ip-title", f"星河数据平台 {number[-1]}")
        page.get_by_role("button", name="添加", exact=True).click()
        message(page, "已添加。")
    expect(page.get_by_test_id("ip-items").locator("tbody tr")).to_have_count(3)
    expect(page.locator("#id_class2_ip")).to_have_value("3")
    expect(score(page)).to_have_text("56")
    expect(eligibility(page)).to_have_text("暂不符合条件")
    save_and_continue(page, "6. 直接确认条件")
    save_and_continue(page, "7. 承诺事项")
    save_and_continue(page, "8. 附件材料")
    save_and_continue(page, "9. 核对提交")

    # Failing (56 < 60): the submission is refused with the reasons and the gap analysis.
    page.get_by_test_id("submit").click()
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_contain_text("自评未达到科技型中小企业评价条件，不能提交")
    expect(page.get_by_test_id("refusal-gap").locator("li").first).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("草稿")

    # The score follows the typing (not saved yet), then the fix is saved.
    step_link(page, "4. 研发投入").click()
    expect(score(page)).to_have_text("56")
    page.fill("#id_rd_expense", "48")
    expect(score(page)).to_have_text("76")
    expect(eligibility(page)).to_have_text("符合条件")
    assert Application.objects.get(enterprise__credit_code=CREDIT_CODE).rd_expense == 32  # typing saves nothing
    save_and_continue(page, "5. 知识产权")
    step_link(page, "9. 核对提交").click()
    expect(page.get_by_test_id("review")).to_contain_text("48.00")
    page.get_by_test_id("submit").click()

    message(page, "申报已提交，请等待评价机构审核。")
    expect(page.get_by_test_id("state")).to_have_text("已提交")
    expect(page.locator("main")).to_contain_text("综合得分 76 分")
    application = Application.objects.get(enterprise__credit_code=CREDIT_CODE)
    assert application.state == Application.State.SUBMITTED
    assert application.snapshot["evaluation"]["total_score"] == 76
    screenshots(page, "1-enterprise-filing-submitted")


# --- 2. District review: return, resubmit, on-site check, recommend --------------------------------


def test_district_official_returns_enterprise_resubmits_official_recommends(
    new_page, company, company_user, fucheng_official
):
    application = submitted_filing(company, company_user)
    official = new_page()
    login(official, "fucheng_official")
    official.get_by_role("link", name="申报审核").first.click()
    row = official.locator("tbody tr", has_text=COMPANY)
    expect(row).to_contain_text("已提交")
    expect(row).to_contain_text("76")
    expect(row).to_contain_text("须现场核查")
    row.get_by_role("link", name=COMPANY).click()

    returning = official.locator(f"form[action$='/review/{application.pk}/return/']")
    returning.locator("textarea[name=comment]").fill("研发费用与财务报表不一致，请核对后重新提交。")
    returning.locator("summary").click()
    returning.locator("input[name=field_rd_expense]").fill("应与审计报告研发费用明细一致（50万元）。")
    returning.get_by_role("button", name="退回").click()
    message(official, "已退回企业修改。")
    expect(official.locator("main .badge").first).to_have_text("退回修改")

    enterprise = new_page()
    login(enterprise, "xinghe")
    enterprise.goto(f"/certification/filings/{application.pk}/")
    expect(enterprise.get_by_test_id("state")).to_have_text("退回修改")
    expect(enterprise.get_by_test_id("comment-rd_expense")).to_contain_text("应与审计报告研发费用明细一致（50万元）。")
    enterprise.get_by_test_id("edit").click()
    step_link(enterprise, "4. 研发投入").click()
    expect(enterprise.get_by_test_id("step-comments")).to_contain_text("应与审计报告研发费用明细一致")
    enterprise.fill("#id_rd_expense", "50")
    save_and_continue(enterprise, "5. 知识产权")
    step_link(enterprise, "9. 核对提交").click()
    enterprise.fill("#id_comment", "已按审计报告更正研发费用。")
    enterprise.get_by_test_id("submit").click()
    expect(enterprise.get_by_test_id("state")).to_have_text("已提交")

    official.reload()
    expect(official.locator("main .badge").first).to_have_text("已提交")
    expect(official.locator("main")).to_contain_text("已按审计报告更正研发费用。")
    # First-time applicant: recommending before the on-site check is refused.
    official.locator("form[action$='/recommend/']").get_by_role("button", name="推荐").click()
    message(official, "该申报须先完成现场核查方可推荐")
    official.locator("form[action$='/on-site/require/']").get_by_role("button", name="安排现场核查").click()
    message(official, "已安排现场核查。")
    expect(official.locator("main .badge").first).to_have_text("现场核查")
    recording = official.locator("form[action$='/on-site/record/']")
    recording.get_by_label("通过", exact=True).check()
    recording.locator("textarea[name=note]").fill("研发场地、人员与申报一致。")
    recording.get_by_role("button", name="登记").click()
    message(official, "已登记现场核查结果。")
    official.locator("form[action$='/recommend/']").get_by_role("button", name="推荐").click()
    message(official, "已推荐")
    expect(official.locator("main .badge").first).to_have_text("已推荐")
    application.refresh_from_db()
    assert application.state == Application.State.RECOMMENDED
    assert application.rd_expense == 50
    assert application.on_site_check_passed is True
    screenshots(official, "2-district-review-recommended")


# --- 3. Notice batch, registration, public lookup -------------------------------------------------


def test_city_official_notices_and_registers_the_firm_prints_its_proof_and_the_lookup_finds_the_number(
    new_page, company, company_user, fucheng_official, city_official, today
):
    application = recommended_filing(company, company_user, fucheng_official)
    start = today(dt.date(this_year(), 11, 2))  # a notice starts the day it is created, or later
    city = new_page()
    login(city, "city_official")
    city.goto("/certification/batches/new/")
    city.fill("#id_title", f"{this_year()}年第一批科技型中小企业入库公示")
    city.fill("#id_start_date", start.isoformat())
    city.get_by_label(COMPANY, exact=True).check()
    expect(city.locator("#end-date-preview")).to_contain_text(start.isoformat())
    city.get_by_role("button", name="创建公示批次").click()
    message(city, "已创建公示批次")
    row = city.locator("tbody tr", has_text=COMPANY)
    expect(row).to_contain_text("公示中")

    today(Application.objects.get(pk=application.pk).notice_batch.end_date + dt.timedelta(days=1))
    city.reload()
    expect(city.locator("main .badge").first).to_have_text("已结束")
    city.get_by_role("button", name="立即登记公示期满的申报").click()
    message(city, "已为本批次登记入库1家企业")
    expect(row).to_contain_text("已入库")
    number = Registration.objects.get(application=application).number
    assert re.fullmatch(rf"{this_year()}510703\w\d+", number), number
    expect(row).to_contain_text(number)

    firm = new_page()
    login(firm, "xinghe")
    firm.goto(f"/certification/filings/{application.pk}/")
    expect(firm.get_by_test_id("registration-number")).to_have_text(number)
    firm.get_by_test_id("registration-proof-link").click()
    proof = firm.get_by_test_id("registration-proof")
    expect(proof).to_contain_text("科技型中小企业入库登记证明")
    expect(proof).to_contain_text(number)
    expect(firm.get_by_test_id("proof-qr")).to_be_visible()
    lookup_url = firm.get_by_test_id("proof-lookup-url").inner_text()
    assert lookup_url.endswith(f"/certification/lookup/?q={number}"), lookup_url
    with firm.expect_download() as download:
        firm.get_by_test_id("proof-pdf").click()
    assert download.value.suggested_filename == f"入库登记证明-{number}.pdf"
    screenshots(firm, "3-registration-proof")

    public = new_page()
    public.goto(lookup_url)  # what the QR code opens: the lookup of the number
    found = public.locator("tbody tr")
    expect(found).to_have_count(1)
    expect(found).to_contain_text(COMPANY)
    expect(found).to_contain_text(number)
    expect(found).to_contain_text("有效")
    screenshots(public, "3-public-lookup")


# --- 4. Department assistance -------------------------------------------------------------------


def test_department_logs_an_agreement_with_a_new_enterprise_and_the_share_follows(
    new_page, reference_data, fucheng, city_official
):
    department = factories.DepartmentFactory(code="kjj", name="市科技局")
    factories.DepartmentMembershipFactory(department=department, user__username="kjj_user")
    year = this_year()
    for _ in range(4):  # four agreements with long-established enterprises: 0 of 4 new
        factories.AssistanceAgreementFactory(
            department=department,
            year=year,
            counts_as_new=False,
            signed_on=dt.date(year, 1, 1),
            enterprise__managing_district=fucheng,
            enterprise__established_on=dt.date(2012, 5, 1),
        )
    newcomer = factories.EnterpriseFactory(
        name="绵阳新芽智能科技有限公司", managing_district=fucheng, established_on=dt.date(year, 1, 1)
    )

    page = new_page()
    login(page, "kjj_user")
    page.goto("/assistance/")
    expect(page.locator("[data-progress=share]")).to_have_text(re.compile(r"新企业协议 0 / 4 份，占 0\.0%"))
    expect(page.locator("[data-progress=status]")).to_have_text("还差 1 份新企业协议")

    page.get_by_role("link", name="新增帮扶协议").click()
    page.fill("#id_enterprise", newcomer.credit_code[:10])
    expect(page.locator("#enterprise-suggestions")).to_contain_text("绵阳新芽智能科技有限公司")
    page.fill("#id_enterprise", newcomer.credit_code)
    expect(page.locator("#id_year")).to_have_value(str(year))
    page.fill("#id_signed_on", timezone.localdate().isoformat())
    page.get_by_label("政策辅导").check()
    page.get_by_label("人才引育").check()
    page.fill("#id_goals", "年内完成科技型中小企业评价入库。")
    page.fill("#id_responsible_officer", "李四")
    page.get_by_role("button", name="保存").click()
    message(page, "帮扶协议已保存。")
    expect(page.locator("main")).to_contain_text("绵阳新芽智能科技有限公司")
    agreement = AssistanceAgreement.objects.get(enterprise=newcomer)
    assert agreement.counts_as_new is True
    assert sorted(agreement.measures) == ["policy", "talent"]

    page.goto("/assistance/")
    expect(page.locator("[data-progress=share]")).to_have_text(re.compile(r"新企业协议 1 / 5 份，占 20\.0%"))
    expect(page.locator("[data-progress=status]")).to_have_text("已达标")
    expect(page.locator("main")).to_contain_text("绵阳新芽智能科技有限公司")
    screenshots(page, "4-department-share")

    # The city official recomputes the snapshots; the city dashboard draws its charts and fills its tables.
    city = new_page()
    login(city, "city_official")
    city.goto("/dashboards/city/")
    expect(city.get_by_test_id("empty-state")).to_be_visible()
    city.get_by_test_id("recompute").click()
    expect(city.locator("[data-status=done]")).to_be_visible()
    city.get_by_role("link", name="查看全市看板").click()
    for kind in ("league", "trend", "funnel"):  # ECharts draws SVG into each container
        chart = city.locator(f".dashboard-chart[data-chart={kind}]")
        expect(chart.locator("svg").first).to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200, (kind, box)
    expect(city.locator(".dashboard-chart[data-chart=league] svg path").first).to_be_attached()
    league = city.get_by_test_id("table-league")
    expect(league.get_by_test_id("league-row")).to_have_count(District.objects.count())
    expect(league.get_by_test_id("league-row").filter(has_text="涪城区")).to_have_count(1)
    funnel = city.get_by_test_id("table-funnel").locator("tbody tr").first
    expect(funnel.locator("th")).to_have_text("新注册企业")
    expect(funnel.locator("td").first).to_have_text("1")  # the newcomer, established this year
    kjj = city.get_by_test_id("table-departments").get_by_test_id("department-row").filter(has_text="市科技局")
    expect(kjj.locator("td").nth(0)).to_have_text("5")
    expect(kjj.locator("td").nth(1)).to_have_text("1")
    expect(kjj.locator("td").nth(2)).to_contain_text("20")
    expect(kjj.locator("td").nth(3)).to_have_text("达标")
    screenshots(city, "4-city-dashboard")


# --- 5. The same pages on a phone -------------------------------------------------------------------


def test_phone_layout_of_filing_step_review_list_and_lookup(
    new_page, company, company_user, fucheng_official, city_official
):
    draft = factories.ApplicationFactory(
        enterprise=factories.EnterpriseFactory(managing_district=company.managing_district),
        evaluation_year=this_year(),
    )
    factories.EnterpriseMembershipFactory(enterprise=draft.enterprise, user__username="draft_user")
    other = factories.EnterpriseMembershipFactory(enterprise__managing_district=company.managing_district)
    submitted_filing(other.enterprise, other.user)
    registered = recommended_filing(company, company_user, fucheng_official)
    notice_batch_create(
        actor=city_official,
        title="公示",
        start_date=timezone.localdate() - dt.timedelta(days=60),
        today=timezone.localdate() - dt.timedelta(days=60),
        application_ids=[registered.pk],
    )
    assert notice_batch_register_due(today=timezone.localdate(), actor=city_official)

    enterprise = new_page(PHONE)
    login_on_phone(enterprise, "draft_user")
    enterprise.goto(f"/certification/filings/{draft.pk}/step/rd/")
    expect(score(enterprise)).to_have_text("76")
    enterprise.fill("#id_rd_expense", "32")
    expect(score(enterprise)).to_have_text("56")  # the live score works on the phone too
    assert_phone_layout(enterprise, "5-phone-filing-step")

    official = new_page(PHONE)
    login_on_phone(official, "fucheng_official")
    official.goto("/certification/review/?state=all")  # the waiting filing and the registered one
    expect(official.locator("tbody tr")).to_have_count(2)
    expect(official.locator("thead").get_by_text("提交日期")).to_be_hidden()  # secondary column hidden
    assert_phone_layout(official, "5-phone-review-list")

    public = new_page(PHONE)
    public.goto(f"/certification/lookup/?q={CREDIT_CODE}")
    expect(public.locator("tbody tr")).to_contain_text(Registration.objects.get().number)
    assert_phone_layout(public, "5-phone-lookup")

    public.goto("/help/")
    expect(public.locator("#states tbody tr")).to_have_count(len(FilingState))
    expect(public.get_by_test_id("site-footer")).to_contain_text("办事指南")
    assert_phone_layout(public, "5-phone-help")


def login_on_phone(page: Page, username: str) -> None:
    """Log in; the user name sits in the collapsed menu, so check the session through the menu."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "portal-pass-2026")
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page.locator("#portal-nav")).to_contain_text(username)


def assert_phone_layout(page: Page, name: str) -> None:
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    menu = page.locator("#portal-nav")
    expect(menu).to_be_hidden()
    overflow = horizontal_overflow(page)
    assert overflow <= OVERFLOW_TOLERANCE, f"{name}: the page is {overflow}px wider than the phone"
    page.screenshot(path=str(_phone_shot(name)), full_page=True)
    toggler.click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link").first).to_be_visible()


def _phone_shot(name: str):
    from .helpers import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


# --- A stranger claims a firm with a public credit code ---------------------------------------------


def test_a_stranger_claiming_a_firm_waits_for_verification_and_the_firm_administrator_approves(
    new_page, company, company_user, fucheng_official
):
    from enterprises.models import EnterpriseMembership

    EnterpriseMembership.objects.filter(user=company_user).update(is_admin=True)
    factories.ApplicationFactory(enterprise=company, evaluation_year=this_year(), total_staff="40")
    page = new_page()
    page.goto("/accounts/register/")
    page.fill("#id_username", "stranger")
    page.fill("#id_password1", "Str-mianyang-2026!")
    page.fill("#id_password2", "Str-mianyang-2026!")
    page.fill("#id_email", "stranger@example.cn")
    page.fill("#id_credit_code", CREDIT_CODE)
    page.fill("#id_company_name", COMPANY)
    page.fill("#id_contact_name", "陌生人")
    page.fill("#id_contact_phone", "0816-7654321")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_test_id("claim-status")).to_have_attribute("data-status", "claimed")
    expect(page.get_by_text("等待验证", exact=True)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(COMPANY)
    assert page.goto("/certification/filings/").status == 404
    assert page.goto("/enterprises/profile/").status == 404
    page.goto("/accounts/claim/")
    screenshots(page, "claim-waiting-for-verification")

    administrator = new_page()
    login(administrator, "xinghe")
    expect(administrator.locator("nav").get_by_role("link", name="账号管理")).to_be_visible()
    administrator.goto("/enterprises/members/")
    administrator.get_by_role("row", name=re.compile("stranger")).get_by_role("button", name="通过验证").click()
    message(administrator, "已通过验证。")
    screenshots(administrator, "enterprise-members")

    page.goto("/enterprises/profile/")
    expect(page.locator("h1")).to_have_text(COMPANY)
