"""``python -m benchmarks``: seed (or reuse) the demo city on PostgreSQL, then measure against baselines.

Usage: DATABASE_URL=postgres://… python -m benchmarks [--enterprises N] [--repeat R] [--quota-repeat Q]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_ENTERPRISES = 1_000_000
DEFAULT_REPEAT = 20


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--enterprises", type=int, default=DEFAULT_ENTERPRISES, help="seeded enterprises")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="timed requests per page")
    parser.add_argument("--quota-repeat", type=int, default=3, help="timed runs of the quota jobs and their SQL")
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the demo data")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["seed", "quotas", "pages", "downloads", "import", "export", "agreements"],
        help=(
            "parts to leave out; 'seed' measures the database as it is (seeding again takes minutes at "
            "1,000,000); 'downloads' the exports and files of the URL table (the city's export of every "
            "enterprise takes minutes)"
        ),
    )
    return parser.parse_args(argv)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smeportal.settings")
    # Production keeps its database connections; without this each timed request would open one.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("benchmarks need PostgreSQL: set DATABASE_URL=postgres://…")
    # Measure requests as production serves them: no query log, no template debug information.
    settings.DEBUG = False


def machine_line() -> str:
    from django.db import connection

    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    nproc = len(os.sched_getaffinity(0))
    return f"machine: nproc={nproc}, CPU {cpu}, memory {memory}, PostgreSQL {pg}, Python {sys.version.split()[0]}"


def prepare(enterprises: int, seed: int, *, skip_seed: bool) -> float:
    from django.core.management import call_command

    from demo.seeding import seed_demo
    from enterprises.models import District

    call_command("migrate", verbosity=0)
    if not District.objects.exists():
        call_command("load_reference_data", stdout=io.StringIO())
    if skip_seed:
        print("seed_demo: skipped (--skip seed)")
        return 0.0
    started = time.perf_counter()
    result = seed_demo(enterprises=enterprises, seed=seed, stdout=sys.stdout)
    created = {kind: n for kind, n in result.created.items() if n}
    print(f"seed_demo(enterprises={enterprises:,}, seed={seed}): created {created or 'nothing (reused)'}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()

    from django.db import connection
    from django.utils import timezone

    from enterprises.models import Enterprise

    from . import agreements, pages, quotas, spreadsheets
    from .timing import render, sec

    print(machine_line(), flush=True)
    seconds = prepare(args.enterprises, args.seed, skip_seed="seed" in args.skip)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum keeps a live server; index-only scans need it
    total = Enterprise.objects.count()
    day = timezone.localdate()
    print(f"size: {total:,} enterprises in the database (requested {args.enterprises:,}); seeding took {sec(seconds)}")
    print(f"quota day: {day}; page requests per measurement: {args.repeat}\n", flush=True)

    if "quotas" not in args.skip:
        rows, note = quotas.measure(day, args.quota_repeat)
        print(render("quota jobs", rows))
        print(note + "\n", flush=True)
    if "pages" not in args.skip:
        rows, skipped = pages.measure(args.repeat, downloads="downloads" not in args.skip)
        print(render(f"every page of the URL table, each as its role ({total:,} enterprises)", rows))
        print("\n".join(skipped) + "\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="smeportal-bench-") as workdir:
        if "import" not in args.skip:
            rows, note = spreadsheets.measure_import(Path(workdir))
            print(render("registry import", rows))
            print(note + "\n", flush=True)
        if "export" not in args.skip:
            rows, note = spreadsheets.measure_export(Path(workdir))
            print(render("enterprise export", rows))
            print(note + "\n", flush=True)
        if "agreements" not in args.skip:
            rows, note = agreements.measure(Path(workdir))
            print(render("agreements upload", rows))
            print(note + "\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
