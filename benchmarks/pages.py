"""Server time and query counts of every page and API list of the URL × persona table, each as its role,
against the home page as the same role in the same run."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from .matrix import PERSONA_LOGINS, Case, cases, kwarg_resolvers
from .timing import Row, clock, median, ms, p95, samples

P95_TARGET = 0.050


class NotServed(Exception):
    """The page did not answer 200 with the bench's data (reported, not timed)."""


def persona_client(persona: str) -> tuple[Client, object]:
    client = Client()
    username = PERSONA_LOGINS[persona]
    if username is None:
        return client, None
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return client, user


def _get(client: Client, url: str, query=None):
    response = client.get(url, query or {})
    if response.status_code != 200:
        raise NotServed(f"answered {response.status_code}")
    if response.streaming:  # a streamed file is made while it is read
        response.content = b"".join(response.streaming_content)
    return response


def profile(client: Client, url: str, repeat: int, query=None) -> dict:
    """Two warm-up requests, one counted request (queries), then ``repeat`` timed requests."""
    _get(client, url, query)
    _get(client, url, query)
    # Django clears the query log when a request starts (reset_queries on request_started), so start empty.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        _get(client, url, query)
    queries = len(captured)  # now: the next request clears the log that ``captured`` slices
    times = samples(lambda: _get(client, url, query), repeat)
    return {"queries": queries, "median": median(times), "p95": p95(times)}


def profile_once(client: Client, url: str, query=None) -> dict:
    """One request, counted and timed (a download: a file of the whole list can take minutes)."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        (seconds, _response) = clock(lambda: _get(client, url, query))
        queries = len(captured)
    return {"queries": queries, "median": seconds, "p95": seconds}


def _url(case: Case, user, resolvers) -> str:
    if case.kind is None:
        return reverse(case.name)
    resolve = resolvers.get(case.kind)
    kwargs = resolve(user) if resolve else None
    if kwargs is None:
        raise NotServed(f"no {case.kind} for this login in the data set")
    return reverse(case.name, kwargs=kwargs)


def _summary(result: dict) -> str:
    return f"p95 {ms(result['p95'])} (median {ms(result['median'])}), {result['queries']} queries"


def measure(repeat: int, *, downloads: bool = True) -> tuple[list[Row], list[str]]:
    """One row per timed (page, persona); the lines of what could not be timed. A download is timed once
    (after one counted request), without a target; ``downloads=False`` leaves them out."""
    from tests.test_url_matrix import EXPECTED

    resolvers = kwarg_resolvers()
    clients = {persona: persona_client(persona) for persona in PERSONA_LOGINS}
    # Every search is timed from the same address; the bench measures the pages, not the throttle.
    with override_settings(PUBLIC_SEARCH_THROTTLE_RATE="1000000/min"):
        homes = {persona: profile(client, reverse("home"), repeat) for persona, (client, _user) in clients.items()}
        rows, skipped = [], []
        for case in cases(EXPECTED):
            if case.download and not downloads:
                skipped.append(f"{case.label}: not measured, downloads left out (--skip downloads)")
                continue
            client, user = clients[case.persona]
            home = homes[case.persona]
            try:
                url = _url(case, user, resolvers)
                if case.download:
                    result = profile_once(client, url, case.query)
                else:
                    result = profile(client, url, repeat, case.query)
            except NotServed as reason:
                skipped.append(f"{case.label}: not measured, {reason}")
                continue
            rows.append(
                Row(
                    what=f"{case.label}: {url}",
                    value=_summary(result),
                    baseline=f"home page as {case.persona}",
                    baseline_value=_summary(home),
                    ratio=result["p95"] / home["p95"],
                    target="- (a file)" if case.download else f"p95 < {P95_TARGET * 1000:.0f} ms",
                    met=None if case.download else result["p95"] < P95_TARGET,
                )
            )
    return rows, skipped
