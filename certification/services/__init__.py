"""Filings through their workflow: services per sub-domain (filing, review, notice, registration,
revocation, pool), each a keyword-only function in one transaction."""
