"""The evidence each direct-confirmation path needs (RULES.md §1, 第八条). Pure: no Django imports.

- ``high_tech_certificate``: the certificate's number and its validity, which must cover the evaluation date;
- ``national_award_top3``: the award's name, year and the enterprise's rank among the winning units (1–3),
  won in the evaluation year or the campaign's award window of years before it;
- ``provincial_rd_institution``: the institution's name, its level (provincial, ministerial or national),
  the authority that recognised it and the year of recognition (not after the evaluation year);
- ``led_standard``: the standard's name, number and year, the enterprise as its first drafting unit
  (主导制定), published within the same window as the awards; a number that carries its year
  (``QB/T 1234-1999``) must carry the year given, and an enterprise (``Q/``), group (``T/``) or local
  (``DB``) standard's number does not confirm: the path asks for an international, national or
  industry standard.

Each check returns ``None`` or a :class:`Problem` whose message is a Chinese template marked for
translation (the Django layer translates it and fills in ``params``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from .rulesets import _

INSTITUTION_LEVELS = ("national", "ministerial", "provincial")  # provincial or ministerial level or above
LEADING_DRAFTER_RANK = 1  # 主导制定: the first drafting unit
AWARD_TOP_RANK = 3

_YEAR_SUFFIX = re.compile(r"[-‐‑–—−:](\d{4})\s*$")  # GB/T 1234-2024, ISO 9001:2015
# The codes of the standards the Standardization Law sets below industry standards: enterprise (Q/…), group
# (T/…) and local (DB 51/…, DB51/T …) standards.
_NOT_INDUSTRY_OR_ABOVE = re.compile(r"^(Q|T)\s*/|^DB\s*\d", re.IGNORECASE)


def _normalised(number: str) -> str:
    # Full-width letters, digits, slashes, hyphens and colons as an input method types them.
    return unicodedata.normalize("NFKC", number or "").strip()


@dataclass(frozen=True)
class Problem:
    message: str
    params: dict = field(default_factory=dict)


def window_start(evaluation_year: int, window_years: int) -> int:
    """The first year that counts: the evaluation year and the ``window_years`` years before it."""
    return evaluation_year - window_years


def standard_number_year(number: str) -> int | None:
    """The year a standard's number carries (``GB/T 1234-2024``, ``ISO 9001:2015``), or None."""
    match = _YEAR_SUFFIX.search(_normalised(number))
    return int(match.group(1)) if match else None


def high_tech_problem(*, number: str, valid_until: dt.date | None, on: dt.date) -> Problem | None:
    if not number or valid_until is None:
        return Problem(_("未填写高新技术企业证书编号和有效期，不能按直接确认条件评价。"))
    if valid_until < on:
        return Problem(
            _("高新技术企业证书已于{date}到期，评价日不在有效期内，不能按直接确认条件评价。"),
            {"date": valid_until.isoformat()},
        )
    return None


def award_problem(
    *, name: str, year: int | None, rank: int | None, evaluation_year: int, window_years: int
) -> Problem | None:
    if not name or year is None or rank is None:
        return Problem(_("未填写国家级科技奖励名称、年度和排名，不能按直接确认条件评价。"))
    start = window_start(evaluation_year, window_years)
    if not start <= year <= evaluation_year:
        return Problem(_("国家级科技奖励须为{start}至{end}年间获得。"), {"start": start, "end": evaluation_year})
    if not 1 <= rank <= AWARD_TOP_RANK:
        return Problem(_("国家级科技奖励须在获奖单位中排名前三。"))
    return None


def institution_problem(
    *, name: str, level: str, authority: str, year: int | None, evaluation_year: int
) -> Problem | None:
    if not name or not level or not authority or year is None:
        return Problem(_("未填写研发机构的名称、级别、认定部门和认定年度，不能按直接确认条件评价。"))
    if level not in INSTITUTION_LEVELS:
        return Problem(_("研发机构须为省部级以上。"))
    if year > evaluation_year:
        return Problem(_("研发机构的认定年度不能晚于评价年度{year}年。"), {"year": evaluation_year})
    return None


def standard_problem(
    *,
    name: str,
    number: str,
    year: int | None,
    drafter_rank: int | None,
    evaluation_year: int,
    window_years: int,
) -> Problem | None:
    if not name or not number or year is None or drafter_rank is None:
        return Problem(_("未填写主导制定的标准名称、编号、发布年度和起草单位排名，不能按直接确认条件评价。"))
    if _NOT_INDUSTRY_OR_ABOVE.search(_normalised(number)):
        return Problem(
            _("标准编号{number}是企业、团体或地方标准，主导制定须为国际、国家或行业标准。"), {"number": number}
        )
    carried = standard_number_year(number)
    if carried is not None and carried != year:
        return Problem(_("标准编号{number}中的年份与发布年度{year}年不一致。"), {"number": number, "year": year})
    start = window_start(evaluation_year, window_years)
    if not start <= year <= evaluation_year:
        return Problem(_("主导制定的标准须为{start}至{end}年间发布。"), {"start": start, "end": evaluation_year})
    if drafter_rank != LEADING_DRAFTER_RANK:
        return Problem(_("主导制定须为标准的第一起草单位。"))
    return None
