"""``manage.py draw_spot_checks --year Y [--share S] [--seed N] [--json]``: the year's spot-check draw.

The same draw as the city officials' page (:func:`certification.services.spot_check.spot_check_draw`),
recorded without a user. With ``--json`` the last line is
``{"year": Y, "population": P, "excluded": E, "drawn": D, "seed": N}``.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certification.services.spot_check import spot_check_draw
from smeportal.errors import DomainError
from smeportal.text import join_clauses


class Command(BaseCommand):
    help = "抽取某评价年度的抽查企业（排除凭高新技术企业证书直接确认的企业），记录随机种子并分派到管理区县。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="评价年度，例如 2026")
        parser.add_argument("--share", help="抽查比例（小数，例如 0.05；默认取该年度评价工作安排的比例）")
        parser.add_argument("--seed", type=int, help="随机种子（非负整数；默认随机生成并记录）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="最后一行输出 JSON 格式的结果")

    def handle(self, *args, year: int, share: str | None, seed: int | None, as_json: bool, **options):
        try:
            draw = spot_check_draw(actor=None, year=year, share=share, seed=seed)
        except DomainError as error:
            raise CommandError(error.message) from error
        except ValidationError as error:
            raise CommandError(join_clauses(error.messages)) from error
        self.stdout.write(
            _(
                "%(year)s年度抽查：抽查范围 %(population)s 家（已排除高新技术企业证书直接确认 %(excluded)s 家），"
                "抽查比例 %(share)s，抽中 %(drawn)s 家，随机种子 %(seed)s"
            )
            % {
                "year": draw.year,
                "population": draw.population,
                "excluded": draw.excluded,
                "share": draw.share,
                "drawn": draw.drawn,
                "seed": draw.seed,
            }
        )
        if as_json:
            summary = {
                "year": draw.year,
                "population": draw.population,
                "excluded": draw.excluded,
                "drawn": draw.drawn,
                "seed": draw.seed,
            }
            self.stdout.write(json.dumps(summary))
