"""The one settings module: embedded default with no variables, production with them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'],"
    " 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'email': s.EMAIL_BACKEND, 'broker': s.CELERY_BROKER_URL,"
    " 'static': s.STORAGES['staticfiles']['BACKEND'], 'hosts': s.ALLOWED_HOSTS}))"
)
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-test-only-" + "y" * 20,
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "DATABASE_URL": "postgres://smeportal@db.example:5432/smeportal",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def _clean_env(**extra):
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    return {**keep, "DJANGO_SETTINGS_MODULE": "smeportal.settings", **extra}


def _run(code_or_args, env):
    args = [sys.executable, *code_or_args] if isinstance(code_or_args, list) else [sys.executable, "-c", code_or_args]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_embedded_default_needs_no_variables():
    result = _run(PRINT_SETTINGS, _clean_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"


def test_production_variables_switch_everything():
    result = _run(PRINT_SETTINGS, _clean_env(**PRODUCTION))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["hosts"] == ["portal.example.gov.cn"]


def test_production_without_secret_key_refuses_to_start():
    env = _clean_env(**{k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    result = _run(PRINT_SETTINGS, env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("extra", [{}, {"DATABASE_URL": "sqlite:///:memory:"}])
def test_check_deploy_is_clean_for_production(extra):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _clean_env(**{**PRODUCTION, **extra}))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_passes_the_database_checks_without_warnings():
    """The checks `migrate` and `runserver` print on the embedded SQLite default stay silent."""
    env = _clean_env(DATABASE_URL="sqlite:///:memory:")
    result = _run(["manage.py", "check", "--database", "default", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_postgres_connections_run_without_jit(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(("value", "options"), [(None, "-c jit=off"), ("1", None)])
def test_postgres_jit_is_off_unless_asked_for(value, options):
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(repr(s.DATABASES['default'].get('OPTIONS', {}).get('options')))"
    )
    extra = {"POSTGRES_JIT": value} if value else {}
    result = _run(code, _clean_env(**PRODUCTION, **extra))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr(options)
