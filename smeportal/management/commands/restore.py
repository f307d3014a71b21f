"""``python manage.py restore`` (``make restore``): the latest database dump and media archive in BACKUP_DIR
(or the ones named), restored into the configured database and MEDIA_ROOT.

The database is replaced: its tables are dropped and recreated from the dump, in one transaction on
PostgreSQL. The media files of the archive are written over those of the same name; files uploaded since the
backup stay on disk, referenced by no row.
"""

from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = "Restore the database and the media files from BACKUP_DIR (the latest backup unless named)."

    def add_arguments(self, parser):
        parser.add_argument("--database-file", help="A database dump in BACKUP_DIR (default: the latest).")
        parser.add_argument("--media-file", help="A media archive in BACKUP_DIR (default: the latest).")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, **options):
        common = {"interactive": options["interactive"], "verbosity": options["verbosity"]}
        call_command("dbrestore", input_filename=options["database_file"], **common)
        call_command("mediarestore", input_filename=options["media_file"], replace=True, **common)
