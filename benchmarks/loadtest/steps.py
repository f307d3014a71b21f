"""Reading Locust's statistics and finding the highest load in budget (no Django, no Locust: unit-tested)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

P95_BUDGET_MS = 300.0


@dataclass(frozen=True)
class Endpoint:
    method: str
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float
    per_second: float

    @property
    def in_budget(self) -> bool:
        return self.failures == 0 and self.p95 < P95_BUDGET_MS


@dataclass(frozen=True)
class Step:
    users: int
    endpoints: list[Endpoint]
    total: Endpoint

    @property
    def in_budget(self) -> bool:
        return bool(self.endpoints) and all(endpoint.in_budget for endpoint in self.endpoints)


def _number(cell: str | None) -> float:
    """Locust writes "N/A" for the percentiles of an endpoint without requests."""
    try:
        return float(cell or 0)
    except ValueError:
        return 0.0


def read_stats(text: str) -> tuple[list[Endpoint], Endpoint]:
    """Locust's ``…_stats.csv``: the endpoints and the "Aggregated" total."""
    endpoints, total = [], None
    for line in csv.DictReader(io.StringIO(text)):
        endpoint = Endpoint(
            method=line["Type"],
            name=line["Name"],
            requests=int(line["Request Count"]),
            failures=int(line["Failure Count"]),
            p50=_number(line["50%"]),
            p95=_number(line["95%"]),
            p99=_number(line["99%"]),
            per_second=_number(line["Requests/s"]),
        )
        if line["Name"] == "Aggregated":
            total = endpoint
        else:
            endpoints.append(endpoint)
    if total is None:
        raise ValueError("no Aggregated line in Locust's statistics")
    return endpoints, total


def highest_in_budget(steps: list[Step]) -> int | None:
    """The most users of the steps in budget, counting only up to the first step out of budget."""
    best = None
    for step in sorted(steps, key=lambda step: step.users):
        if not step.in_budget:
            break
        best = step.users
    return best


def render(step: Step) -> str:
    header = f"{'endpoint':<32} {'requests':>8} {'failures':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    lines = [f"== {step.users} concurrent users: {step.total.per_second:.1f} requests/s in total", header]
    for endpoint in [*sorted(step.endpoints, key=lambda e: (e.name, e.method)), step.total]:
        mark = "" if endpoint is step.total or endpoint.in_budget else "  OVER BUDGET"
        lines.append(
            f"{(endpoint.method + ' ' + endpoint.name).strip():<32} {endpoint.requests:>8} {endpoint.failures:>8} "
            f"{endpoint.p50:>8.0f} {endpoint.p95:>8.0f} {endpoint.p99:>8.0f}{mark}"
        )
    return "\n".join(lines)
