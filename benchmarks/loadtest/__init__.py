"""The load test (``make loadtest``). Shared by the runner and the locustfile, which alone imports Locust
(Locust patches the standard library with gevent, which the runner's Django must not see)."""

ENTERPRISE_USERNAME = "loadtest-enterprise-{}"
