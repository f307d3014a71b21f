"""Recording an enterprise's moves between managing districts, so past quota figures stay put."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from enterprises.models import DistrictMove


def district_moves_record(moves: Iterable[tuple[int, int, int]], *, moved_on: dt.date) -> int:
    """Record ``(enterprise_id, from_district_id, to_district_id)`` moves effective ``moved_on``, in one insert.

    Pairs that do not move (same district) are skipped. Returns the number of moves recorded.
    """
    rows = [
        DistrictMove(enterprise_id=enterprise, from_district_id=old, to_district_id=new, moved_on=moved_on)
        for enterprise, old, new in moves
        if old != new
    ]
    DistrictMove.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
