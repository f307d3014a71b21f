"""Signals the enterprises app sends to the apps built on it (which it may not import)."""

from django.dispatch import Signal

# Sent by enterprises.services.moves inside the transaction that moved enterprises to other managing
# districts, with ``moved``: {new district id: [enterprise ids]}. Records that keep a copy of their
# enterprise's managing district (filings, agreements) follow it (enterprises.services.moves.keep_district_copies).
districts_moved = Signal()
