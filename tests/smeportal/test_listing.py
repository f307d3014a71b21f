"""The shared sortable list: whitelisted sort keys, header links with aria-sort, the capped .xlsx export."""

import io

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from smeportal.listing import CappedRows, Sorting, nulls_last, sort_headers, xlsx_download
from smeportal.models import SecurityEvent
from smeportal.pagination import paginate_without_count

SORTING = Sorting(keys={"name": ("name", "id"), "day": (nulls_last("day"), "-id")}, default="-day")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("name", ("name", False)),
        ("-name", ("name", True)),
        (" -name ", ("name", True)),
        ("", ("day", True)),
        (None, ("day", True)),
        ("password", ("day", True)),
        ("--name", ("day", True)),
        ("name;drop table", ("day", True)),
        ("enterprise__owner__password", ("day", True)),
    ],
)
def test_only_whitelisted_keys_sort(value, expected):
    assert SORTING.parse(value) == expected


def test_descending_flips_every_field_and_keeps_empty_values_last():
    assert SORTING.fields("-name") == ["-name", "-id"]
    ascending, tiebreak = SORTING.fields("day")
    descending, flipped = SORTING.fields("-day")
    assert (ascending.descending, ascending.nulls_last, tiebreak) == (False, True, "-id")
    assert (descending.descending, descending.nulls_last, flipped) == (True, True, "id")


def test_headers_link_to_the_same_filters_and_flip_the_current_column():
    request = RequestFactory().get("/list/", {"q": "绵阳", "sort": "name", "page": "3"})
    headers = sort_headers(request, SORTING, [("名称", "name", ""), ("日期", "day", "text-end"), ("备注", None, "")])
    name, day, note = headers
    assert (name.aria_sort, name.href) == ("ascending", "?q=%E7%BB%B5%E9%98%B3&sort=-name")
    assert (day.aria_sort, day.href, day.css) == ("", "?q=%E7%BB%B5%E9%98%B3&sort=day", "text-end")
    assert (note.href, note.aria_sort) == ("", "")
    descending = sort_headers(RequestFactory().get("/list/", {"sort": "-name"}), SORTING, [("名称", "name", "")])
    assert (descending[0].aria_sort, descending[0].href) == ("descending", "?sort=name")
    default = sort_headers(RequestFactory().get("/list/", {"sort": "evil"}), SORTING, [("日期", "day", "")])
    assert default[0].aria_sort == "descending"  # an unknown key shows the default order


def read_xlsx(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def export_request(user, query=None):
    request = RequestFactory().get("/enterprises/export/", query or {})
    request.user = user
    return request


@pytest.mark.django_db
def test_export_streams_the_rows_and_says_when_it_stopped_at_the_cap(settings, city_official):
    settings.LIST_EXPORT_MAX_ROWS = 3
    request = export_request(city_official, {"district": "510703"})
    response = xlsx_download(
        request, "enterprises", "x.xlsx", "表", ["名称", "数"], ([f"=企业{n}", n] for n in range(5))
    )
    assert response.streaming and response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    rows = read_xlsx(response)
    assert rows[:4] == [["名称", "数"], ["'=企业0", 0], ["'=企业1", 1], ["'=企业2", 2]]
    assert len(rows) == 5 and "仅导出前 3 行" in rows[4][0]
    exported = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert (exported.user, exported.target) == (city_official, "enterprises")
    assert exported.details["rows"] == 3 and exported.details["filters"] == {"district": "510703"}
    exact = read_xlsx(xlsx_download(request, "enterprises", "x.xlsx", "表", ["名称"], (["企业"] for _ in range(3))))
    assert exact == [["名称"], ["企业"], ["企业"], ["企业"]]


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["涪城/游仙[第1批]: *?\\", "'引号'", "/", "很长的标题" * 10])
def test_any_title_makes_a_sheet(title, city_official):
    response = xlsx_download(export_request(city_official), "notice_batch", "x.xlsx", title, ["名称"], [["企业"]])
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    name = book.sheetnames[0]
    assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert list(book.active.iter_rows(values_only=True)) == [("名称",), ("企业",)]


@pytest.mark.parametrize(("rows", "written", "noted"), [(0, 0, False), (3, 3, False), (4, 3, True), (9, 3, True)])
def test_capped_rows_stop_at_the_cap_and_note_it_only_when_the_list_was_longer(settings, rows, written, noted):
    settings.LIST_EXPORT_MAX_ROWS = 3
    capped = CappedRows([n] for n in range(rows))
    assert list(capped) == [[n] for n in range(written)] and capped.count == written
    assert capped.note == ("仅导出前 3 行，请缩小筛选范围后分批导出。" if noted else "")
    lines = list(CappedRows([n] for n in range(rows)).with_note())
    assert lines[written:] == ([[capped.note]] if noted else [])


@pytest.mark.parametrize(("rows", "pager"), [(0, False), (3, False), (4, True)])
def test_a_list_that_fits_one_page_shows_no_pager(rows, pager):
    """ "上一页 · 第 1 页 · 下一页" under an empty or one-page list is only noise."""
    page = paginate_without_count(list(range(rows)), "1", 3)
    html = render_to_string("partials/uncounted_pager.html", {"page": page, "query": ""})
    assert ("pagination" in html) is pager
