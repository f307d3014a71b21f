"""The certification API under /api/v1/certification/: evaluate, filings, notice batches, registrations,
revocations."""
