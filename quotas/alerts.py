"""Alerts after a quota run: officials of a district or department short of its target hear once per period.

The period of a district's tech-share alert is the month of the snapshot (e.g. "2026-11"), that of
a department's new-enterprise alert the year; city officials get one summary per month. An alert
row is inserted with ``ON CONFLICT DO NOTHING RETURNING``, so only the rows this run really
created are notified: a rerun (or two runs at once) sends nothing twice. A fixed number of
queries whatever the data size.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from assistance import newness
from assistance.models import DepartmentMembership
from enterprises.models import OfficialMembership
from quotas.models import DepartmentShareSnapshot, TechShareSnapshot
from smeportal.display import Message, source_text
from smeportal.models import Notification
from smeportal.text import join_list

from .models import QuotaAlert

logger = logging.getLogger(__name__)

CITY = TechShareSnapshot.CITY
TECH = QuotaAlert.Kind.TECH_SHARE.value  # plain str: Enum members hash by name, not by value
NEW = QuotaAlert.Kind.NEW_ENTERPRISE.value


def department_scope(code: str) -> str:
    return f"dept:{code}"


def _percent(value) -> str:
    return f"{newness.percent(value, 1)}%"


def _link(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _insert_new_alerts(keys: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """Insert the alerts that don't exist yet; returns the keys this call created (race-safe)."""
    if not keys:
        return set()
    table = connection.ops.quote_name(QuotaAlert._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(keys))
    now = timezone.now()
    params = [item for key in keys for item in (*key, now)]
    sql = (
        f"INSERT INTO {table} (scope_key, kind, period, created_at) VALUES {values} "  # noqa: S608 (no user input)
        "ON CONFLICT (scope_key, kind, period) DO NOTHING RETURNING scope_key, kind, period"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {tuple(row) for row in cursor.fetchall()}


def quota_alerts_send(*, day: dt.date, year: int) -> int:
    """Alert the officials of every scope short of its target as of ``day``; returns the alerts created."""
    month = day.strftime("%Y-%m")
    districts = [
        snap
        for snap in TechShareSnapshot.objects.filter(as_of=day, short_by__gt=0).select_related("district")
        if snap.scope_key != CITY
    ]
    departments = list(
        DepartmentShareSnapshot.objects.filter(as_of=day, year=year, short_by__gt=0).select_related("department")
    )
    keys = [(snap.scope_key, TECH, month) for snap in districts]
    keys += [(department_scope(snap.department.code), NEW, str(year)) for snap in departments]
    if districts or departments:
        keys.append((CITY, TECH, month))

    with transaction.atomic():
        created = _insert_new_alerts(keys)
        if not created:
            return 0
        # (text, link) → the message (stored with its msgid, read in each reader's language) and its user ids
        messages: dict[tuple[str, str], tuple[Message, list[int]]] = {}
        emails: dict[tuple[str, str], list[str]] = {}  # (subject, body) in Chinese → addresses

        def add(users: list[tuple[int, str]], subject: Message, message: Message, link: str) -> None:
            if not users:
                return
            text = source_text(message)
            messages.setdefault((text, link), (message, []))[1].extend(user_id for user_id, _email in users)
            emails.setdefault((source_text(subject), text), []).extend(email for _user_id, email in users if email)

        new_districts = {snap.district_id: snap for snap in districts if (snap.scope_key, TECH, month) in created}
        new_departments = {
            snap.department_id: snap
            for snap in departments
            if (department_scope(snap.department.code), NEW, str(year)) in created
        }
        city_summary = (CITY, TECH, month) in created

        officials: dict[int | None, list[tuple[int, str]]] = {}
        if new_districts or city_summary:
            wanted = OfficialMembership.objects.filter(user__is_active=True)
            if not city_summary:
                wanted = wanted.filter(district_id__in=new_districts)
            for membership in wanted.values("district_id", "user_id", "user__email"):
                if membership["district_id"] is None or membership["district_id"] in new_districts:
                    officials.setdefault(membership["district_id"], []).append(
                        (membership["user_id"], membership["user__email"])
                    )
        members: dict[int, list[tuple[int, str]]] = {}
        if new_departments:
            for membership in DepartmentMembership.objects.filter(
                user__is_active=True, department_id__in=new_departments
            ).values("department_id", "user_id", "user__email"):
                members.setdefault(membership["department_id"], []).append(
                    (membership["user_id"], membership["user__email"])
                )

        for district_id, snap in new_districts.items():
            message = Message(
                gettext_noop(
                    "%(district)s 截至 %(day)s 科技型中小企业占比 %(share)s，低于目标 %(target)s，还差 %(short)s 家。"
                ),
                district=snap.district.name,
                day=day.isoformat(),
                share=_percent(snap.share),
                target=_percent(snap.target),
                short=snap.short_by,
            )
            add(
                officials.get(district_id, []),
                Message(gettext_noop("科技型中小企业占比未达标")),
                message,
                _link("dashboards:district_code", snap.scope_key),
            )
        for department_id, snap in new_departments.items():
            message = Message(
                gettext_noop(
                    "%(department)s %(year)s 年度帮扶协议中新企业占比 %(share)s，低于目标 %(target)s，"
                    "还差 %(short)s 份新企业协议（统计日 %(day)s）。"
                ),
                department=snap.department.name,
                year=year,
                share=_percent(snap.share),
                target=_percent(snap.target),
                short=snap.short_by,
                day=day.isoformat(),
            )
            add(members.get(department_id, []), Message(gettext_noop("新企业帮扶占比未达标")), message, "")
        if city_summary:
            message = Message(
                gettext_noop(
                    "截至 %(day)s：%(districts)s 个区县/功能区科技型中小企业占比未达标（%(names)s），"
                    "%(departments)s 个部门新企业帮扶占比未达标。"
                ),
                day=day.isoformat(),
                districts=len(districts),
                names=join_list(snap.district.name for snap in districts) or "—",
                departments=len(departments),
            )
            add(officials.get(None, []), Message(gettext_noop("指标达标情况汇总")), message, _link("dashboards:city"))

        if messages:
            Notification.objects.bulk_create(
                Notification(user_id=user_id, message=text, message_data=message.as_data(), link=link)
                for (text, link), (message, user_ids) in messages.items()
                for user_id in sorted(set(user_ids))
            )
    datatuple = [  # one message per address: recipients don't see one another
        (subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        for (subject, body), addresses in emails.items()
        for address in sorted(set(addresses))
    ]
    if datatuple:
        try:
            send_mass_mail(datatuple, fail_silently=False)
        except Exception:  # the alerts are recorded; a mail outage must not resend them on retry
            logger.exception("Quota alert e-mails could not be sent")
    return len(created)
