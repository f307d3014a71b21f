"""`make loadtest` without gunicorn: the locustfile's user mix, its form reading and the stepping's verdict."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_otp.oath import totp

from benchmarks.loadtest import CITY_USERNAME, totp_key
from benchmarks.loadtest.__main__ import locust_command, prepare_city_accounts, server_environment
from benchmarks.loadtest.forms import form_fields
from benchmarks.loadtest.steps import Endpoint, Step, highest_in_budget, read_stats
from benchmarks.loadtest.visits import SESSION_SECONDS, WARM_UP_SECONDS, Visit, session_length, signed_in
from demo.users import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
# Locust patches the standard library with gevent when imported: it is imported in a process of its own.
DESCRIBE_MIX = """
import json
from benchmarks.loadtest import locustfile
print(json.dumps({
    cls.__name__: {
        "weight": cls.weight,
        "tasks": sorted({task.__name__ for task in cls.tasks}),
        "signed_in_tasks": sorted({task.__name__ for task in cls.tasks if hasattr(task, "__wrapped__")}),
    }
    for cls in locustfile.USER_CLASSES
}))
"""
# The locustfile's warm-up, shortened: statistics logged before it ends are dropped, later ones kept.
WARM_UP = """
import gevent
from locust import events
from locust.env import Environment
from benchmarks.loadtest import locustfile

locustfile.WARM_UP_SECONDS = 0.2
environment = Environment(events=events)
events.init.fire(environment=environment, runner=None, web_ui=None)
environment.stats.log_request("GET", "during the ramp", 900, 10)
environment.events.spawning_complete.fire(user_count=3)
environment.stats.log_request("GET", "during the warm-up", 800, 10)
gevent.sleep(0.4)
environment.stats.log_request("GET", "measured", 20, 10)
counted = sorted(name for (name, _method), entry in environment.stats.entries.items() if entry.num_requests)
print(environment.stats.total.num_requests, counted)
"""


def test_the_locustfile_imports_and_mirrors_the_last_filing_week():
    output = subprocess.run(
        [sys.executable, "-c", DESCRIBE_MIX], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    mix = json.loads(output.splitlines()[-1])
    assert {name: spec["weight"] for name, spec in mix.items()} == {
        "EnterpriseFiler": 10,
        "DistrictOfficial": 4,
        "CityOfficial": 2,
        "AnonymousVisitor": 4,
    }
    assert {"save_a_step", "look_at_the_filing", "submit"} <= set(mix["EnterpriseFiler"]["tasks"])
    assert {"review_queue", "dashboard"} <= set(mix["DistrictOfficial"]["tasks"])
    assert {"city_dashboard", "notice_batches"} <= set(mix["CityOfficial"]["tasks"])
    assert {"calculator", "lookup"} <= set(mix["AnonymousVisitor"]["tasks"])
    # Every action of a user who logs in first checks whether its visit is over; visitors never log in.
    for signed_in_user in ("EnterpriseFiler", "DistrictOfficial", "CityOfficial"):
        assert mix[signed_in_user]["signed_in_tasks"] == mix[signed_in_user]["tasks"]
    assert mix["AnonymousVisitor"]["signed_in_tasks"] == []


def test_a_step_is_measured_from_the_end_of_its_warm_up():
    output = subprocess.run(
        [sys.executable, "-c", WARM_UP], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert output.splitlines()[-1] == "1 ['measured']"


def test_each_step_runs_its_ramp_its_warm_up_and_its_measured_seconds_without_locusts_own_reset(tmp_path):
    command = locust_command("http://127.0.0.1:8001", 100, 60, tmp_path / "step100")
    run_time = command[command.index("--run-time") + 1]
    assert run_time == f"{60 + 5 + WARM_UP_SECONDS}s"
    assert command[command.index("--spawn-rate") + 1] == "20"
    assert "--reset-stats" not in command  # it would count the warm-up


class FakeUser:
    """What ``signed_in`` asks of a Locust user, with a clock the test moves."""

    def __init__(self):
        self.now = 0.0
        self.calls = []
        self.sign_in()

    def sign_in(self):
        self.calls.append("sign in")
        self.visit = Visit(clock=lambda: self.now, length=30.0)

    def sign_out(self):
        self.calls.append("sign out")

    @signed_in
    def act(self):
        self.calls.append("act")


def test_a_signed_in_user_signs_out_and_in_again_once_its_visit_is_over():
    user = FakeUser()
    user.act()
    user.now = 29.9
    user.act()
    assert user.calls == ["sign in", "act", "act"]

    user.now = 30.0
    user.act()
    assert user.calls[3:] == ["sign out", "sign in", "act"]
    assert user.visit.started == 30.0 and not user.visit.over

    user.now = 59.0
    user.act()
    assert user.calls[6:] == ["act"]


def test_visits_last_from_30_to_90_seconds_so_a_totp_code_is_never_reused():
    """django-otp accepts each 30-second step's code once: two logins of one account are a step apart."""
    rng = random.Random(2026)
    lengths = [session_length(rng) for _ in range(2000)]
    assert SESSION_SECONDS == (30.0, 90.0)
    assert min(lengths) >= 30.0 and max(lengths) <= 90.0
    assert max(lengths) - min(lengths) > 50  # spread out, so logins arrive steadily rather than together


PAGE = """
<form id="language"><input name="language" value="en"></form>
<form method="post" id="step">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="action" value="save">
  <input type="number" name="total_staff" value="50">
  <input type="number" name="tech_staff">
  <input type="checkbox" name="military" value="true" checked>
  <input type="checkbox" name="listed" value="true">
  <select name="district"><option value="">全部</option><option value="3">涪城区</option></select>
  <select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>
  <textarea name="note">说明</textarea>
  <button type="submit">保存</button>
</form>
"""


def test_a_form_is_read_as_a_browser_submits_it():
    fields, numbers = form_fields(PAGE, ("action", "save"))
    assert fields == {
        "csrfmiddlewaretoken": "tok",
        "action": "save",
        "total_staff": "50",
        "tech_staff": "",
        "military": "true",
        "district": "",
        "kind": "b",
        "note": "说明",
    }
    assert numbers == {"total_staff", "tech_staff"}
    assert form_fields(PAGE, form_id="language")[0] == {"language": "en"}
    assert form_fields(PAGE, ("action", "submit")) == ({}, set())


STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,\
Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,public lookup,120,0,40,55,10,400,9000,4.0,0.0,40,50,60,70,90,120,200,260,400,400,400
POST,live score,80,1,70,90,20,900,3000,2.7,0.03,70,80,90,100,200,350,600,800,900,900,900
GET,never asked,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
,Aggregated,200,1,50,70,10,900,6000,6.7,0.03,50,60,70,80,100,300,500,700,900,900,900
"""


def test_locust_statistics_are_read_and_the_highest_step_in_budget_found():
    endpoints, total = read_stats(STATS)
    assert [(e.name, e.requests, e.failures, e.p95) for e in endpoints] == [
        ("public lookup", 120, 0, 120.0),
        ("live score", 80, 1, 350.0),
        ("never asked", 0, 0, 0.0),
    ]
    assert total.per_second == 6.7 and total.p99 == 700.0
    assert not Step(users=50, endpoints=endpoints, total=total).in_budget

    def step(users, p95, failures=0):
        endpoint = Endpoint("GET", "page", 10, failures, p95 / 2, p95, p95, 1.0)
        return Step(users=users, endpoints=[endpoint], total=endpoint)

    assert highest_in_budget([step(25, 120), step(10, 80), step(50, 310), step(100, 200)]) == 25
    assert highest_in_budget([step(10, 90), step(25, 100, failures=1)]) == 10
    assert highest_in_budget([step(10, 400)]) is None


@pytest.mark.django_db
@override_settings(OTP_REQUIRED_FOR_OFFICIALS=True)
def test_a_load_test_city_official_passes_the_two_factor_login_with_the_code_the_locustfile_computes(client):
    prepare_city_accounts(2)
    prepare_city_accounts(2)  # a second run adds nobody
    username = CITY_USERNAME.format(1)
    assert get_user_model().objects.filter(username__startswith="loadtest-city-").count() == 2
    assert client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/dashboards/city/").status_code == 302  # the code is still owed

    code = f"{totp(bytes.fromhex(totp_key(username))):06d}"
    response = client.post("/accounts/two-factor/verify/", {"otp_token": code})

    assert response.status_code == 302 and "/two-factor/" not in response.url
    assert client.get("/dashboards/city/").status_code == 200


def test_the_server_collects_its_static_files_apart_from_the_projects_static_root(settings):
    """The suite's test clients would otherwise each index the load test's collected files (WhiteNoise)."""
    static_root = Path(server_environment()["STATIC_ROOT"])
    assert static_root != Path(settings.STATIC_ROOT) and static_root.is_relative_to(ROOT / "var")


def test_the_server_caches_in_redis_as_production_does(monkeypatch):
    """The README's production set-up has a Redis cache, from which sessions are read."""
    monkeypatch.delenv("CACHE_URL", raising=False)
    assert server_environment()["CACHE_URL"].startswith("redis://127.0.0.1:6379/")
    monkeypatch.setenv("CACHE_URL", "redis://cache.example:6379/3")
    assert server_environment()["CACHE_URL"] == "redis://cache.example:6379/3"
