"""``make loadtest``: the last filing week against gunicorn on the ``make bench`` data set, stepping the load.

Usage: DATABASE_URL=postgres://… python -m benchmarks.loadtest [--steps 10 25 50 100 200] [--seconds 30]
       [--workers 4]

Prepares the load test's enterprise accounts, starts gunicorn as the README's production command does
(DEBUG=0, benchmarks/loadtest/settings.py for plain HTTP on 127.0.0.1), runs Locust headless at each
step for a bounded time, prints each step's table and the most users at which every endpoint's p95 stays
under 300 ms without failures; stops at the first step out of budget, then stops gunicorn.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.__main__ import machine_line, setup_django

from . import CITY_USERNAME, ENTERPRISE_USERNAME, totp_key
from .steps import P95_BUDGET_MS, Step, highest_in_budget, read_stats, render
from .visits import WARM_UP_SECONDS

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
DEFAULT_STEPS = [10, 25, 50, 100, 200]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.loadtest", description=__doc__)
    parser.add_argument("--steps", type=int, nargs="+", default=DEFAULT_STEPS, help="concurrent users per step")
    parser.add_argument(
        "--seconds", type=int, default=30, help="measured seconds per step (after the ramp-up and a warm-up)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (the README's command: 4)")
    parser.add_argument("--accounts", type=int, default=100, help="enterprise accounts the filers log in with")
    parser.add_argument(
        "--city-accounts", type=int, default=40, help="city officials' accounts (each code is accepted once)"
    )
    parser.add_argument(
        "--keep-going", action="store_true", help="run every step, also after one out of budget (to see the curve)"
    )
    parser.add_argument("--no-collectstatic", action="store_true", help="reuse the static files collected before")
    return parser.parse_args(argv)


def new_accounts(pattern: str, count: int) -> list:
    """The users ``pattern.format(0 … count-1)`` not created yet, created with ``DEMO_PASSWORD`` (hashed once)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from demo.users import DEMO_PASSWORD

    user_model = get_user_model()
    usernames = [pattern.format(n) for n in range(count)]
    taken = set(user_model.objects.filter(username__in=usernames).values_list("username", flat=True))
    missing = sorted(set(usernames) - taken)
    if not missing:
        return []
    password = make_password(DEMO_PASSWORD)
    return user_model.objects.bulk_create([user_model(username=username, password=password) for username in missing])


def prepare_accounts(count: int) -> None:
    """``loadtest-enterprise-N``: verified administrators of operating 涪城区 enterprises without accounts."""
    from demo.data import FLAGSHIP_DISTRICT_CODE
    from enterprises.models import Enterprise, EnterpriseMembership

    created = new_accounts(ENTERPRISE_USERNAME, count)
    if not created:
        return
    enterprises = Enterprise.objects.filter(
        managing_district__code=FLAGSHIP_DISTRICT_CODE,
        status=Enterprise.Status.OPERATING,
        confirmed=True,
        memberships__isnull=True,
    ).order_by("pk")[: len(created)]
    EnterpriseMembership.objects.bulk_create(
        [
            EnterpriseMembership(user=user, enterprise=enterprise, status="verified", is_admin=True)
            for user, enterprise in zip(created, enterprises, strict=True)
        ]
    )
    print(f"prepared {len(created)} enterprise accounts for the load test", flush=True)


def prepare_city_accounts(count: int) -> None:
    """``loadtest-city-N``: city officials with a TOTP device (:func:`totp_key`), so they pass the two-factor
    login that ``DEBUG=0`` requires of them. One per simulated official: a code is accepted only once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from enterprises.models import OfficialMembership

    created = new_accounts(CITY_USERNAME, count)
    if not created:
        return
    OfficialMembership.objects.bulk_create([OfficialMembership(user=user, district=None) for user in created])
    TOTPDevice.objects.bulk_create(
        [TOTPDevice(user=user, name="loadtest", key=totp_key(user.username), confirmed=True) for user in created]
    )
    print(f"prepared {len(created)} city official accounts with two-factor login for the load test", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


LOADTEST_CACHE_URL = "redis://127.0.0.1:6379/14"


def server_environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.loadtest.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
        # Redis as the cache, as in the README's production set-up: sessions are read from it.
        "CACHE_URL": os.environ.get("CACHE_URL") or LOADTEST_CACHE_URL,
        # Collected apart from the project's staticfiles/: WhiteNoise indexes that directory whenever its
        # middleware starts, which in the suite is for every test client (40% of a view test's time).
        "STATIC_ROOT": str(ROOT / "var" / "loadtest-static"),
    }


def wait_until_serving(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - our own 127.0.0.1 server
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def locust_command(host: str, users: int, seconds: int, prefix: Path) -> list[str]:
    """Locust, headless, for one step: every user started within 5 s, then the locustfile's warm-up
    (it resets the statistics), then ``seconds`` measured; the statistics go to ``prefix``_stats.csv."""
    spawn_rate = max(1, users // 5)
    return [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
        "--users", str(users), "--spawn-rate", str(spawn_rate),
        "--run-time", f"{seconds + users // spawn_rate + WARM_UP_SECONDS}s", "--stop-timeout", "10",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip


def run_step(host: str, users: int, seconds: int, workdir: Path) -> Step:
    prefix = workdir / f"step{users}"
    command = locust_command(host, users, seconds, prefix)
    subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, timeout=seconds + 300)
    endpoints, total = read_stats(Path(f"{prefix}_stats.csv").read_text(encoding="utf-8"))
    return Step(users=users, endpoints=endpoints, total=total)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    from enterprises.models import Enterprise

    print(machine_line(), flush=True)
    if not Enterprise.objects.exists():
        sys.exit("no enterprises in this database: seed it with `make bench` first")
    print(f"size: {Enterprise.objects.count():,} enterprises; gunicorn workers: {args.workers}", flush=True)
    prepare_accounts(args.accounts)
    prepare_city_accounts(args.city_accounts)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum keeps a live server (this machine runs without it)
    environment = server_environment()
    manage = [sys.executable, "manage.py"]
    if not args.no_collectstatic:
        subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=environment, check=True)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    gunicorn = [sys.executable, "-m", "gunicorn", "smeportal.wsgi", "--workers", str(args.workers)]
    server = subprocess.Popen([*gunicorn, "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=environment)
    steps: list[Step] = []
    try:
        wait_until_serving(host + "/")
        os.environ["LOADTEST_ENTERPRISE_ACCOUNTS"] = str(args.accounts)
        os.environ["LOADTEST_CITY_ACCOUNTS"] = str(args.city_accounts)
        with tempfile.TemporaryDirectory(prefix="smeportal-loadtest-") as workdir:
            for users in sorted(args.steps):
                step = run_step(host, users, args.seconds, Path(workdir))
                steps.append(step)
                print(render(step) + "\n", flush=True)
                if not step.in_budget and not args.keep_going:
                    break
    finally:
        server.terminate()
        server.wait(timeout=30)
    best = highest_in_budget(steps)
    budget = f"p95 < {P95_BUDGET_MS:.0f} ms on every endpoint and no failures"
    if best is None:
        print(f"no step stayed in budget ({budget})")
    else:
        print(f"highest load in budget ({budget}): {best} concurrent users of the steps {sorted(args.steps)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
