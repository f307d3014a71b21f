"""``manage.py import_registry FILE``: the registry import from the command line."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from enterprises.registry.columns import REASONS, RegistryFileError, reason_messages
from enterprises.registry.report import write_error_report
from enterprises.services.registry import registry_import_apply, registry_import_parse


class Command(BaseCommand):
    help = "导入市场监管部门的企业登记数据（.xlsx 或 .csv）：新增、更新有变化的企业，其余不动。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="登记数据文件（.xlsx 或 .csv）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="最后一行输出 JSON 格式的统计结果")
        parser.add_argument("--errors-out", type=Path, help="把未导入的行写入此 .xlsx 错误报告")

    def handle(self, *args, file: Path, as_json: bool, errors_out: Path | None, **options):
        if errors_out is not None and errors_out.suffix.lower() != ".xlsx":
            raise CommandError(_("--errors-out 必须是 .xlsx 文件路径。"))
        try:
            result = registry_import_parse(source=file)
        except RegistryFileError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        counts = registry_import_apply(rows=result)
        if errors_out is not None:
            write_error_report(result, errors_out)

        self.stdout.write(
            _("共 %(rows)s 行：新增 %(created)s，更新 %(updated)s，未变化 %(unchanged)s，未导入 %(rejected)s。")
            % counts
        )
        messages = reason_messages()
        for reason in REASONS:
            if counts["rejected_by_reason"].get(reason):
                self.stdout.write(f"  {reason}（{messages[reason]}）：{counts['rejected_by_reason'][reason]}")
        for name, number in sorted(counts["created_by_district"].items()):
            self.stdout.write(_("  新增 %(district)s：%(number)s") % {"district": name, "number": number})
        if errors_out is not None:
            self.stdout.write(
                _("错误报告：%(path)s（%(number)s 行）") % {"path": errors_out, "number": result.rejected_count}
            )
        if as_json:
            self.stdout.write(json.dumps(counts, ensure_ascii=False))
