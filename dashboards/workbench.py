"""The landing page (工作台): each signed-in role lands on its own work, visitors on the public home.

Thin: the view asks each owning app's workbench selector (``certification.selectors.workbench``,
``assistance.selectors``, ``quotas.selectors``) and renders one template per role; every card links
to the page where its work is done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone

from assistance.roles import member_department_id
from assistance.selectors import assistance_share_of, department_workbench
from certification.selectors.workbench import city_workbench, district_workbench, enterprise_workbench
from enterprises.models import District
from enterprises.roles import member_enterprise_id, official_district_id
from quotas.selectors import CITY, latest_tech_share

from .context_processors import role_of
from .view_models import percent


@dataclass(frozen=True)
class ShareFigure:
    """A tech-share snapshot as the workbench shows it: percentages, and the progress towards the target."""

    share_percent: Decimal
    target_percent: Decimal
    met: bool
    short_by: int
    registered: int
    newly_registered: int
    as_of: dt.date

    @property
    def progress(self) -> int:
        if not self.target_percent:
            return 100
        return min(100, int(self.share_percent * 100 / self.target_percent))


def _figure(snapshot) -> ShareFigure | None:
    if snapshot is None:
        return None
    return ShareFigure(
        share_percent=percent(snapshot.share),
        target_percent=percent(snapshot.target),
        met=snapshot.met,
        short_by=snapshot.short_by,
        registered=snapshot.registered,
        newly_registered=snapshot.newly_registered,
        as_of=snapshot.as_of,
    )


def _enterprise(request, today):
    return {"bench": enterprise_workbench(request.user, member_enterprise_id(request.user), today)}


def _district(request, today):
    district_id = official_district_id(request.user)
    district = District.objects.get(pk=district_id)
    return {
        "district": district,
        "bench": district_workbench(request.user, district_id, today),
        "share": _figure(latest_tech_share(district.code)),
        "assistance": assistance_share_of(request.user, today.year),
    }


def _city(request, today):
    return {"bench": city_workbench(request.user, today), "share": _figure(latest_tech_share(CITY))}


def _department(request, today):
    return {"bench": department_workbench(member_department_id(request.user), today.year), "year": today.year}


WORKBENCHES = {
    "enterprise": ("workbench/enterprise.html", _enterprise),
    "enterprise_admin": ("workbench/enterprise.html", _enterprise),
    "district_official": ("workbench/district.html", _district),
    "city_official": ("workbench/city.html", _city),
    "department": ("workbench/department.html", _department),
}


def home(request):
    """The role's workbench; the public home page for visitors and accounts without a role yet."""
    workbench = WORKBENCHES.get(role_of(request.user))
    if workbench is None:
        return render(request, "home.html")
    template, context = workbench
    today = timezone.localdate()
    return render(request, template, {"today": today, **context(request, today)})
