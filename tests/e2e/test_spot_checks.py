"""Spot checks in a real Chromium: the city official draws the year's sample and sees it assigned to the
districts; a district official records a result with its evidence."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certification.models import SpotCheck, SpotCheckDraw
from tests import factories

from .helpers import login, message, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

SEED = 20261215


@pytest.fixture
def districts(transactional_db):
    return (
        factories.DistrictFactory(code="510703", name="涪城区", sort_order=1),
        factories.DistrictFactory(code="510704", name="游仙区", sort_order=2),
    )


@pytest.fixture
def registered_year(districts):
    """This year's registrations: 6 in 涪城区 (one more confirmed by a high-tech certificate), 4 in 游仙区."""
    fucheng, youxian = districts
    year = timezone.localdate().year
    for district, count in ((fucheng, 6), (youxian, 4)):
        for _ in range(count):
            factories.registered_filing(factories.EnterpriseFactory(managing_district=district), year=year)
    certified = factories.registered_filing(factories.EnterpriseFactory(managing_district=fucheng), year=year)
    certified.application.direct_paths = ["high_tech_certificate"]
    certified.application.save(update_fields=["direct_paths"])
    factories.OfficialMembershipFactory(district=None, user__username="city_official")
    factories.OfficialMembershipFactory(district=fucheng, user__username="fucheng_official")
    return year


def test_the_city_draws_and_a_district_records_a_result(new_page, registered_year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city = new_page()
    login(city, "city_official")
    city.locator("nav").get_by_role("button", name="评价").click()
    city.locator("nav").get_by_role("link", name="抽查").click()
    expect(city.get_by_role("heading", level=1)).to_have_text(f"{registered_year}年度抽查")
    draw_form = city.get_by_test_id("draw-form")
    expect(draw_form.get_by_label("抽查比例")).to_have_value("0.050")  # the campaign's share
    draw_form.get_by_label("抽查比例").fill("0.5")
    draw_form.get_by_label("随机种子（可选）").fill(str(SEED))
    draw_form.get_by_role("button", name="抽取").click()
    message(city, "已抽取")

    record = city.get_by_test_id("draw-record")
    expect(record.get_by_test_id("seed")).to_have_text(str(SEED))
    expect(record.get_by_test_id("drawn")).to_have_text("5")  # 50% of 10: at least one of them in 涪城区, which has 6
    expect(record).to_contain_text("city_official")
    draw = SpotCheckDraw.objects.get()
    assert (draw.population, draw.excluded, draw.drawn) == (10, 1, 5)
    rows = city.get_by_test_id("checks").locator("tbody tr")
    expect(rows).to_have_count(5)
    for check in draw.checks.select_related("district", "registration__enterprise"):
        expect(rows.filter(has_text=check.registration.enterprise.name)).to_contain_text(check.district.name)
    expect(city.get_by_test_id("total")).to_have_text("共 5 家")
    screenshots(city, "spot-checks-city-drawn")

    ours = SpotCheck.objects.filter(district__code="510703").count()
    official = new_page()
    login(official, "fucheng_official")
    official.locator("nav").get_by_role("link", name="抽查").click()
    expect(official.get_by_test_id("total")).to_have_text(f"共 {ours} 家")
    expect(official.get_by_test_id("deadline")).to_contain_text("抽查完成期限")
    official.get_by_test_id("checks").locator("tbody tr a").first.click()
    form = official.get_by_test_id("result-form")
    form.get_by_label("核查通过").check()
    form.get_by_label("核查意见").fill("现场核查：研发人员与申报一致。")
    evidence = tmp_path / "核查记录.pdf"
    evidence.write_bytes(b"%PDF-1.4 spot check record")
    form.get_by_label("核查材料").set_input_files(str(evidence))
    form.get_by_role("button", name="提交结果").click()
    message(official, "已登记核查通过。")
    expect(official.get_by_test_id("state")).to_have_text("核查通过")
    expect(official.get_by_role("link", name="核查记录.pdf")).to_be_visible()
    screenshots(official, "spot-checks-district-recorded")
