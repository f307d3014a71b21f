"""Recording an enterprise's moves between managing districts, so past quota figures stay put, and telling
the records that keep a copy of the district (:data:`enterprises.signals.districts_moved`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models

from enterprises.models import DistrictMove
from enterprises.signals import districts_moved

# Enterprise ids per UPDATE of the copies: within SQLite's limit on an IN list's parameters.
COPY_CHUNK = 5000


def district_moves_record(moves: Iterable[tuple[int, int, int]], *, moved_on: dt.date) -> int:
    """Record ``(enterprise_id, from_district_id, to_district_id)`` moves effective ``moved_on``, in one insert.

    Pairs that do not move (same district) are skipped. Records that keep a copy of the enterprise's
    managing district are moved with it, in the caller's transaction. Returns the number of moves recorded.
    """
    rows = [
        DistrictMove(enterprise_id=enterprise, from_district_id=old, to_district_id=new, moved_on=moved_on)
        for enterprise, old, new in moves
        if old != new
    ]
    DistrictMove.objects.bulk_create(rows, batch_size=1000)
    moved: dict[int, list[int]] = {}
    for row in rows:
        moved.setdefault(row.to_district_id, []).append(row.enterprise_id)
    if moved:
        districts_moved.send(sender=DistrictMove, moved=moved)
    return len(rows)


def keep_district_copies(model: type[models.Model]) -> None:
    """Move ``model``'s rows (:class:`enterprises.models.KeepsEnterpriseDistrict`) with their enterprises:
    connected to :data:`districts_moved` at start-up by the app that owns the model, one UPDATE per
    district and chunk of enterprises."""

    def follow(sender, *, moved: dict[int, list[int]], **kwargs) -> None:
        for district_id, enterprise_ids in moved.items():
            for start in range(0, len(enterprise_ids), COPY_CHUNK):
                model.objects.filter(enterprise_id__in=enterprise_ids[start : start + COPY_CHUNK]).update(
                    managing_district_id=district_id
                )

    districts_moved.connect(follow, weak=False, dispatch_uid=f"district-copies-{model._meta.label}")
