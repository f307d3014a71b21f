"""``python manage.py backup`` (``make backup``): the database and the uploaded files, with django-dbbackup,
as two files in BACKUP_DIR; the oldest beyond DBBACKUP_CLEANUP_KEEP of each are removed."""

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = "Back up the database and the media files to BACKUP_DIR."

    def handle(self, *args, **options):
        Path(settings.BACKUP_DIR).mkdir(parents=True, exist_ok=True)
        # A portal nobody has uploaded to yet has no media directory; its archive is simply empty.
        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        call_command("dbbackup", clean=True, interactive=False, verbosity=options["verbosity"])
        call_command("mediabackup", clean=True, interactive=False, verbosity=options["verbosity"])
