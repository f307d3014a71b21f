"""Timing helpers and the result table (no Django imports)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def clock(fn: Callable[[], object]) -> tuple[float, object]:
    """Seconds taken by ``fn()`` and its result."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def samples(fn: Callable[[], object], repeat: int) -> list[float]:
    return [clock(fn)[0] for _ in range(repeat)]


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile (with 20 samples: the second slowest)."""
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))  # ceil(0.95 n)
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def sec(seconds: float) -> str:
    return f"{seconds:.2f} s"


@dataclass
class Row:
    what: str
    value: str
    baseline: str
    baseline_value: str
    ratio: float | None
    target: str
    met: bool | None

    def cells(self) -> list[str]:
        ratio = f"{self.ratio:.2f}x" if self.ratio is not None else "-"
        met = {True: "met", False: "MISSED", None: "-"}[self.met]
        return [self.what, self.value, self.baseline, self.baseline_value, ratio, self.target, met]


HEADERS = ["measurement", "value", "baseline (same run)", "baseline value", "ratio", "target", "result"]


def render(title: str, rows: list[Row]) -> str:
    table = [HEADERS, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = [f"== {title}"]
    for index, line in enumerate(table):
        lines.append(" | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("-+-".join("-" * width for width in widths))
    return "\n".join(lines)
