"""Reads of the quota snapshots for the workbenches: the latest figure of one scope, one query."""

from __future__ import annotations

from quotas.models import TechShareSnapshot

CITY = TechShareSnapshot.CITY


def latest_tech_share(scope_key: str) -> TechShareSnapshot | None:
    """The newest tech-share snapshot of a district (its code) or of the city (``CITY``), or None
    before the first quota run."""
    return TechShareSnapshot.objects.filter(scope_key=scope_key).order_by("-as_of").first()
