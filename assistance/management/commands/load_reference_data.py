"""``manage.py load_reference_data``: districts, zones, clusters and departments from the city's JSON."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from assistance.services import departments_load
from enterprises.services.reference import reference_data_load


class Command(BaseCommand):
    # Lives in `assistance` because it loads both apps' reference data and may only depend downwards.
    help = "Load districts, zones, industry clusters and city departments from a JSON file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=Path(settings.REFERENCE_DATA_FILE))

    def handle(self, *args, file: Path, **options):
        data = json.loads(file.read_text(encoding="utf-8"))
        counts = reference_data_load(districts=data["districts"], clusters=data["clusters"])
        counts["departments"] = departments_load(departments=data["departments"])
        self.stdout.write(
            self.style.SUCCESS("districts={districts} clusters={clusters} departments={departments}".format(**counts))
        )
