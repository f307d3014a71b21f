"""``make backup`` then ``make restore`` into a fresh PostgreSQL database and an empty media directory: every
row of every table (history included) and every uploaded file comes back, byte for byte.

The portal is seeded and committed (pg_dump reads what is committed), backed up by the Makefile's command as
an operator runs it, and restored by the other into a database created empty for the purpose.
"""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.db import connection

from assistance.models import AgreementImport
from certification.models import ApplicationAttachment
from enterprises.models import RegistryImport
from smeportal.models import ChangeRecord
from tests import factories
from tests.quotas.worker import worker_database_url

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make") or "make"
RESTORED_SUFFIX = "_restored"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def portal(transactional_db, require_postgres, media, city_official, department, department_user):
    """A small portal with each kind of row that matters: enterprises, filings with an attachment, agreements
    with their document, imports with their files, and the history all of that wrote."""
    for n in range(3):
        enterprise = factories.EnterpriseFactory()
        filing = factories.ApplicationFactory(enterprise=enterprise)
        attachment = ApplicationAttachment(application=filing, kind="other", original_name=f"说明{n}.pdf", size=9)
        attachment.file.save(f"{n}.pdf", ContentFile(f"%PDF-1.4 {n}".encode()))
        agreement = factories.AssistanceAgreementFactory(department=department, enterprise=enterprise)
        agreement.document.save("协议.pdf", ContentFile(b"%PDF-1.4 agreement " + bytes([n])))
        enterprise.name = f"{enterprise.name}（更名）"
        enterprise.save()  # a change the history records
    registry = RegistryImport(original_name="登记数据.xlsx", requested_by=city_official, status="done")
    registry.file.save("registry.xlsx", ContentFile(os.urandom(2048)))
    upload = AgreementImport(department=department, original_name="协议.xlsx", requested_by=department_user)
    upload.file.save("协议.xlsx", ContentFile(os.urandom(1024)))
    assert ChangeRecord.objects.count() > 0


def make(target: str, *, database_url: str, media: Path, backups: Path) -> None:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(backups),
    }
    done = subprocess.run(
        [MAKE, "--no-print-directory", target], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


def table_contents(database_url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of all its rows, in a fixed order."""
    with psycopg2.connect(database_url) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        contents = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608 - names from the catalog
            )
            contents[table] = cursor.fetchone()
    return contents


def file_checksums(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    source = worker_database_url()
    name = connection.settings_dict["NAME"] + RESTORED_SUFFIX
    admin = psycopg2.connect(source)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield source.rsplit("/", 1)[0] + "/" + name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.needs_postgres
@pytest.mark.timeout(600)
def test_a_backup_restores_every_row_upload_and_history_entry(portal, media, fresh_database, tmp_path):
    backups = tmp_path / "backups"
    source = worker_database_url()
    make("backup", database_url=source, media=media, backups=backups)
    assert {path.suffix for path in backups.iterdir()} >= {".bin", ".tar"}

    restored_media = tmp_path / "restored-media"
    make("restore", database_url=fresh_database, media=restored_media, backups=backups)

    before, after = table_contents(source), table_contents(fresh_database)
    assert after == before
    assert before[ChangeRecord._meta.db_table][0] > 0  # the history came back with everything else
    assert before[ApplicationAttachment._meta.db_table][0] == 3
    uploads = file_checksums(Path(media))
    assert len(uploads) == 3 + 3 + 2  # attachments, agreement documents, the two imports
    assert file_checksums(restored_media) == uploads
