"""The spot-check draw (抽查, RULES.md §3). Pure: no Django imports.

The sample is at least ``share`` of the population, rounded up, and at least one firm whenever there
is any; the share itself is at least :data:`MIN_SHARE` (:func:`share_allowed`, asked by the draw's
service, its form and the campaign). It is reproducible: the same population (as a set of ids), share
and seed always give the same sample, because the ids are sorted before a generator seeded with
``seed`` picks from them. The share is a :class:`~decimal.Decimal` so that 5% of 100 is exactly 5,
never 5.000…1 rounded up to 6.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from decimal import Decimal

SEED_LIMIT = 2**63  # seeds are stored in a signed 64-bit column
MIN_SHARE = Decimal("0.05")  # RULES.md §3: at least 5% of the year's registered enterprises


def share_allowed(share: Decimal) -> bool:
    """Whether a draw may use ``share``: at least :data:`MIN_SHARE`, at most every firm."""
    return MIN_SHARE <= Decimal(share) <= Decimal(1)


def sample_size(population: int, share: Decimal) -> int:
    """How many of ``population`` firms to draw: ceil(share × population), at least 1, 0 of none."""
    if population < 0:
        raise ValueError("population must not be negative")
    share = Decimal(share)
    if not Decimal(0) < share <= Decimal(1):
        raise ValueError("share must be in (0, 1]")
    if population == 0:
        return 0
    return max(1, math.ceil(share * population))


def draw(population_ids: Iterable[int], share: Decimal, seed: int) -> list[int]:
    """The drawn ids, ascending: a seeded random sample of the sorted, distinct ids."""
    if not 0 <= seed < SEED_LIMIT:
        raise ValueError("seed out of range")
    ids = sorted(set(population_ids))
    size = sample_size(len(ids), share)
    # A partial Fisher-Yates shuffle driven by random() alone: Python guarantees that random()
    # gives the same sequence for the same seed in every version, which it does not promise for
    # sample() or randrange(), so a recorded seed redraws the same firms after an upgrade too.
    generator = random.Random(seed)
    for i in range(size):
        j = i + int(generator.random() * (len(ids) - i))
        ids[i], ids[j] = ids[j], ids[i]
    return sorted(ids[:size])
