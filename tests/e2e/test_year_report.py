"""The year-end report in a real Chromium: the city official opens it from the menu, reads this year's
figures with the date they are as of, switches the year, and downloads the workbook."""

import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

from .helpers import login, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.fixture
def campaign_year(transactional_db):
    """This year: 3 registrations in 涪城区 and 2 in 游仙区, 2 of last year in 涪城区, an agreement."""
    fucheng = factories.DistrictFactory(code="510703", name="涪城区", sort_order=1)
    youxian = factories.DistrictFactory(code="510704", name="游仙区", sort_order=2)
    year = timezone.localdate().year
    for district, count, in_year in ((fucheng, 3, year), (youxian, 2, year), (fucheng, 2, year - 1)):
        for _ in range(count):
            factories.registered_filing(factories.EnterpriseFactory(managing_district=district), year=in_year)
    factories.AssistanceAgreementFactory(year=year, counts_as_new=True, department__name="市科技局")
    factories.OfficialMembershipFactory(district=None, user__username="city_official")
    return year


def test_the_city_official_reads_prints_and_downloads_the_year_end_report(new_page, campaign_year):
    year = campaign_year
    city = new_page()
    login(city, "city_official")
    city.locator("nav").get_by_role("button", name="评价").click()
    city.locator("nav").get_by_role("link", name="年度工作总结").click()
    expect(city.get_by_role("heading", level=1)).to_have_text(f"{year}年度科技型中小企业评价工作总结")
    as_of = timezone.localdate().isoformat()
    expect(city.get_by_test_id("report-as-of")).to_contain_text(f"数据截至 {as_of}")
    fucheng = city.locator('[data-testid="report-district-row"][data-code="510703"]')
    expect(fucheng.get_by_test_id("registered")).to_have_text("3")
    expect(city.get_by_test_id("report-city-row").get_by_test_id("registered")).to_have_text("5")
    expect(city.get_by_test_id("report-departments-table")).to_contain_text("市科技局")
    expect(city.get_by_role("button", name="打印")).to_be_visible()
    screenshots(city, "year-report")

    city.get_by_label("评价年度").select_option(str(year - 1))
    city.get_by_role("button", name="查看").click()
    expect(city.get_by_role("heading", level=1)).to_have_text(f"{year - 1}年度科技型中小企业评价工作总结")
    expect(fucheng.get_by_test_id("registered")).to_have_text("2")

    with city.expect_download() as download:
        city.get_by_test_id("report-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    summary = dict(book["概况"].iter_rows(min_row=2, values_only=True))
    assert (summary["评价年度"], summary["入库登记数"], summary["数据截至"]) == (year - 1, 2, as_of)

    # On paper: no menu, no buttons, the tables alone.
    city.emulate_media(media="print")
    expect(city.locator("nav").first).to_be_hidden()
    expect(city.get_by_test_id("report-year")).to_be_hidden()
    expect(city.get_by_test_id("report-districts-table")).to_be_visible()
