"""``manage.py compute_quotas [--date YYYY-MM-DD] [--json]``: both quota jobs for a day (not after today),
synchronously."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from quotas.department_share import department_share_compute
from quotas.models import check_snapshot_day
from quotas.report import quota_report
from quotas.tech_share import tech_share_compute


def _day(text: str) -> dt.date:
    try:
        day = dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as error:
        raise CommandError(_("日期应为 YYYY-MM-DD 格式，例如 2026-12-31：%(text)s") % {"text": text}) from error
    try:
        check_snapshot_day(day)
    except ValidationError as error:
        raise CommandError(error.messages[0]) from error
    return day


class Command(BaseCommand):
    help = "按统计日期计算科技型企业占比（各区县和全市）与各部门新企业帮扶占比，并保存快照（不发送提醒）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="统计日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="最后一行输出 JSON 格式的结果")

    def handle(self, *args, day: str | None, as_json: bool, **options):
        as_of = _day(day) if day is not None else timezone.localdate()
        tech_share_compute(day=as_of, year=as_of.year)
        department_share_compute(year=as_of.year, day=as_of)
        report = quota_report(as_of)
        self.stdout.write(_("统计日期 %(date)s") % {"date": report["date"]})
        for row in report["tech_share"]:
            self.stdout.write(_("  %(district)s：新注册企业 %(new)s，入库 %(registered)s，占比 %(share)s") % row)
        for row in report["departments"]:
            self.stdout.write(
                _("  %(department)s：协议 %(agreements)s，新企业协议 %(new_enterprise_agreements)s，占比 %(share)s")
                % row
            )
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
