"""The last filing week as Locust users (``make loadtest`` runs it; ``python -m benchmarks.loadtest``).

The mix, per 20 users: 10 enterprises filing (log in, open their filing, save steps, trigger the live
score, submit), 4 district officials working the review queue, 2 city officials on dashboards and
notice batches, 4 anonymous visitors on the calculator and the public lookup. Every user thinks 1–5 s
between actions, and a signed-in user signs out and in again after 30–90 s (``visits``). Requests are
grouped by page (``name=``) so the table has one line per endpoint.

Logins: the demo's district officials (demo/users.py), the load test's enterprise accounts
``loadtest-enterprise-N`` and city officials ``loadtest-city-N`` (with a TOTP device: the second step of
their login is timed as "two-factor code"), prepared by benchmarks/loadtest/__main__.py, all with
``DEMO_PASSWORD``.
"""

from __future__ import annotations

import itertools
import os
import random
import re

import gevent
from django_otp.oath import totp
from locust import HttpUser, between, events, task

from benchmarks.loadtest import CITY_USERNAME, ENTERPRISE_USERNAME, totp_key
from benchmarks.loadtest.forms import form_fields
from benchmarks.loadtest.visits import WARM_UP_SECONDS, Visit, signed_in

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-pass-2026")
ENTERPRISE_ACCOUNTS = int(os.environ.get("LOADTEST_ENTERPRISE_ACCOUNTS", "100"))
CITY_ACCOUNTS = int(os.environ.get("LOADTEST_CITY_ACCOUNTS", "40"))
LOOKUP_QUERIES = ["绵阳", "长虹", "科技有限公司", "绵阳市涪城区", "九洲", "91510703MA6", "电子"]
FILING_STEPS = ["basic", "staff", "finance", "rd"]
THINK = between(1, 5)

_accounts = itertools.count()
_city_accounts = itertools.count()
FILING_LINK = re.compile(r'href="/certification/filings/(\d+)/"')
REVIEW_LINK = re.compile(r'href="/certification/review/(\d+)/"')
BATCH_LINK = re.compile(r'href="/certification/batches/(\d+)/"')


@events.init.add_listener
def measure_after_warm_up(environment, **_kwargs):
    """Statistics start ``WARM_UP_SECONDS`` after the last user has started (see ``visits``)."""

    def on_spawning_complete(**_kwargs):
        gevent.spawn_later(WARM_UP_SECONDS, environment.stats.reset_all)

    environment.events.spawning_complete.add_listener(on_spawning_complete)


class PortalUser(HttpUser):
    abstract = True
    wait_time = THINK

    def post_form(self, url: str, html: str, name: str, marker=None):
        fields, _numbers = form_fields(html, marker)
        return self.client.post(url, data=fields, name=name)

    def post_csrf(self, url: str, name: str):
        return self.client.post(url, data={"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}, name=name)


class SignedInUser(PortalUser):
    """A user whose actions (``@signed_in``) need a login: one to start, and one after each visit."""

    abstract = True

    def on_start(self):
        self.sign_in()

    def sign_in(self) -> None:
        """Log in as the next account of this kind of user; a new visit starts."""
        raise NotImplementedError

    def sign_out(self) -> None:
        self.post_csrf("/accounts/logout/", "logout")

    def login(self, username: str) -> None:
        self.visit = Visit()
        page = self.client.get("/accounts/login/", name="login page")
        fields, _numbers = form_fields(page.text, ("username", None))
        fields.update(username=username, password=PASSWORD)
        with self.client.post("/accounts/login/", data=fields, name="login", catch_response=True) as response:
            if "sessionid" not in self.client.cookies:
                response.failure(f"{username} was not logged in")

    def pass_two_factor(self, username: str) -> None:
        page = self.client.get("/accounts/two-factor/verify/", name="two-factor page")
        fields, _numbers = form_fields(page.text, ("otp_token", None))
        fields["otp_token"] = f"{totp(bytes.fromhex(totp_key(username))):06d}"
        with self.client.post(
            "/accounts/two-factor/verify/", data=fields, name="two-factor code", catch_response=True
        ) as response:
            if "/two-factor/" in response.url:
                response.failure(f"{username}'s code was refused")


class EnterpriseFiler(SignedInUser):
    weight = 10

    def sign_in(self):
        self.login(ENTERPRISE_USERNAME.format(next(_accounts) % ENTERPRISE_ACCOUNTS))
        self.filing = None

    def open_filing(self) -> int | None:
        listing = self.client.get("/certification/filings/", name="filing list")
        if found := FILING_LINK.search(listing.text):
            return int(found.group(1))
        start = self.post_csrf("/certification/filings/start/", "filing start")
        found = re.search(r"/certification/filings/(\d+)/", start.url)
        return int(found.group(1)) if found else None

    @task(5)
    @signed_in
    def save_a_step(self):
        self.filing = self.filing or self.open_filing()
        if self.filing is None:
            return
        step = random.choice(FILING_STEPS)
        url = f"/certification/filings/{self.filing}/step/{step}/"
        page = self.client.get(url, name="filing step")
        if f"/step/{step}/" not in page.url:  # submitted: the step redirects to the filing
            return
        marker = ("action", "save")
        fields, _numbers = form_fields(page.text, marker)
        self.client.post(f"/certification/filings/{self.filing}/score/{step}/", data=fields, name="live score")
        self.client.post(url, data=fields, name="filing step save")

    @task(2)
    @signed_in
    def look_at_the_filing(self):
        self.filing = self.filing or self.open_filing()
        if self.filing is not None:
            self.client.get(f"/certification/filings/{self.filing}/", name="filing detail")

    @task(1)
    @signed_in
    def submit(self):
        self.filing = self.filing or self.open_filing()
        if self.filing is None:
            return
        url = f"/certification/filings/{self.filing}/step/review/"
        page = self.client.get(url, name="filing step")
        if "/step/review/" in page.url:
            self.post_form(url, page.text, "filing submit", marker=("action", "submit"))


class DistrictOfficial(SignedInUser):
    weight = 4

    def sign_in(self):
        self.login(random.choice(["fucheng", "gaoxin"]))

    @task(3)
    @signed_in
    def review_queue(self):
        queue = self.client.get("/certification/review/", name="review queue")
        filings = REVIEW_LINK.findall(queue.text)
        if filings:
            self.client.get(f"/certification/review/{random.choice(filings)}/", name="review detail")

    @task(1)
    @signed_in
    def next_page_of_the_queue(self):
        self.client.get("/certification/review/?page=2", name="review queue")

    @task(1)
    @signed_in
    def dashboard(self):
        self.client.get("/dashboards/district/", name="district dashboard")

    @task(1)
    @signed_in
    def pool(self):
        self.client.get("/certification/pool/", name="pool")


class CityOfficial(SignedInUser):
    weight = 2

    def sign_in(self):
        username = CITY_USERNAME.format(next(_city_accounts) % CITY_ACCOUNTS)
        self.login(username)
        self.pass_two_factor(username)

    @task(3)
    @signed_in
    def city_dashboard(self):
        self.client.get("/dashboards/city/", name="city dashboard")

    @task(1)
    @signed_in
    def a_district_dashboard(self):
        self.client.get("/dashboards/district/", name="district dashboard")

    @task(2)
    @signed_in
    def notice_batches(self):
        batches = self.client.get("/certification/batches/", name="notice batches")
        found = BATCH_LINK.findall(batches.text)
        if found:
            self.client.get(f"/certification/batches/{random.choice(found)}/", name="notice batch")

    @task(1)
    @signed_in
    def review_queue(self):
        self.client.get("/certification/review/", name="review queue")


class AnonymousVisitor(PortalUser):
    weight = 4

    @task(2)
    def calculator(self):
        page = self.client.get("/certification/calculator/", name="calculator")
        fields, numbers = form_fields(page.text, form_id="calculator-form")
        fields.update({name: str(random.randint(1, 120)) for name in numbers if not fields.get(name)})
        self.client.post("/certification/calculator/result/", data=fields, name="calculator result")

    @task(2)
    def lookup(self):
        self.client.get("/certification/lookup/", params={"q": random.choice(LOOKUP_QUERIES)}, name="public lookup")

    @task(1)
    def notices(self):
        self.client.get("/certification/notices/", name="public notices")


USER_CLASSES = [EnterpriseFiler, DistrictOfficial, CityOfficial, AnonymousVisitor]
