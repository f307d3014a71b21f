"""Server time and query counts of the dashboards, the enterprise list page and its API."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .timing import Row, median, ms, p95, samples

CITY_USERNAME = "city"
MAX_QUERIES = 15
P95_TARGET = 0.100


def city_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=CITY_USERNAME))
    return client


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def profile(client: Client, url: str, repeat: int) -> dict:
    """Two warm-up requests, one counted request (queries), then ``repeat`` timed requests."""
    _get(client, url)
    _get(client, url)
    # Django clears the query log when a request starts (reset_queries on request_started), so start empty.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    queries = len(captured)  # now: the next request clears the log that ``captured`` slices
    times = samples(lambda: _get(client, url), repeat)
    return {"queries": queries, "median": median(times), "p95": p95(times)}


def measure(repeat: int) -> list[Row]:
    client = city_client()
    home = profile(client, reverse("home"), repeat)
    pages = [
        ("city dashboard", reverse("dashboards:city")),
        ("district dashboard", reverse("dashboards:district")),
        ("enterprise list page", reverse("enterprises:list")),
        ("enterprise list API", "/api/v1/enterprises/"),
    ]
    rows = [
        Row(
            what=f"home page (baseline), {home['queries']} queries",
            value=f"p95 {ms(home['p95'])}, median {ms(home['median'])}",
            baseline="-",
            baseline_value="-",
            ratio=None,
            target="-",
            met=None,
        )
    ]
    for name, url in pages:
        result = profile(client, url, repeat)
        fast = result["p95"] < P95_TARGET
        few = result["queries"] <= MAX_QUERIES
        rows.append(
            Row(
                what=f"{name} {url}: p95 of {repeat}",
                value=f"{ms(result['p95'])} (median {ms(result['median'])})",
                baseline="home page p95",
                baseline_value=ms(home["p95"]),
                ratio=result["p95"] / home["p95"],
                target=f"p95 < {P95_TARGET * 1000:.0f} ms",
                met=fast,
            )
        )
        rows.append(
            Row(
                what=f"{name}: queries per request",
                value=str(result["queries"]),
                baseline="home page queries",
                baseline_value=str(home["queries"]),
                ratio=result["queries"] / home["queries"] if home["queries"] else None,
                target=f"<= {MAX_QUERIES}",
                met=few,
            )
        )
    return rows
