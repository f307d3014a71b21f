"""The load test (``make loadtest``). Shared by the runner and the locustfile, which alone imports Locust
(Locust patches the standard library with gevent, which the runner's Django must not see)."""

ENTERPRISE_USERNAME = "loadtest-enterprise-{}"
CITY_USERNAME = "loadtest-city-{}"


def totp_key(username: str) -> str:
    """The hex TOTP secret of a load-test city account: derived from its name, so the simulated official
    can compute its codes (these accounts exist only in the benchmark's database)."""
    from hashlib import sha256

    return sha256(f"smeportal-loadtest:{username}".encode()).hexdigest()
