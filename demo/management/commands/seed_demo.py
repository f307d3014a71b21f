"""``manage.py seed_demo``: deterministic, idempotent demo data for every role."""

import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.seeding import DEFAULT_ENTERPRISES, DEFAULT_SEED, seed_demo
from enterprises.models import District


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "Seed deterministic demo data: enterprises across the city, their filings, notices, registrations and "
        "assistance agreements, and one login per role (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=DEFAULT_ENTERPRISES, help="number of enterprises")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")

    def handle(self, *args, enterprises: int, seed: int, **options):
        if enterprises < 1:
            raise CommandError(_("企业数量至少为 1。"))
        if not District.objects.exists():
            call_command("load_reference_data", stdout=self.stdout)
        try:
            result = seed_demo(enterprises=enterprises, seed=seed, stdout=self.stdout)
        except ValueError as error:  # incomplete reference data, impossible N
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "演示数据：{requested} 家企业（本次新增 {created} 家），新增用户 {users} 个，用时 {seconds:.1f} 秒"
                ).format(
                    requested=result.enterprises_requested,
                    created=result.enterprises_created,
                    users=result.created["users"],
                    seconds=result.seconds,
                )
            )
        )
        labels = {
            "enterprises": _("企业"),
            "users": _("用户"),
            "quota_policies": _("年度指标政策"),
            "campaigns": _("评价工作安排"),
            "department_targets": _("部门年度帮扶任务"),
            "notice_batches": _("公示批次"),
            "filings": _("评价申报"),
            "application_events": _("申报流转记录"),
            "registrations": _("入库登记"),
            "agreements": _("帮扶协议"),
            "service_records": _("服务记录"),
            "quota_snapshot_days": _("指标快照（天）"),
        }
        self.stdout.write(_("本次新增："))
        for kind, count in result.created.items():
            self.stdout.write(f"  {_pad(str(labels.get(kind, kind)), 18)}{count:>10,}")
        header = (_("用户名"), _("密码"), _("角色"))
        rows = [header] + [(login.username, login.password, login.role) for login in result.logins]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        rule = "+".join("-" * (w + 2) for w in widths)
        self.stdout.write(_("演示账号："))
        self.stdout.write(f"+{rule}+")
        for number, row in enumerate(rows):
            self.stdout.write("| " + " | ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) + " |")
            if number == 0:
                self.stdout.write(f"+{rule}+")
        self.stdout.write(f"+{rule}+")
