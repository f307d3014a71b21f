"""The load test's gunicorn: the production settings (DEBUG=0), served over plain HTTP on 127.0.0.1."""

from smeportal.settings import *  # noqa: F403

# No TLS terminator in front of the loopback server: secure-only cookies would never come back from the
# simulated browsers, and the HTTPS redirect would send them away.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Every simulated visitor comes from 127.0.0.1: one address's search limit would measure the throttle.
PUBLIC_SEARCH_THROTTLE_RATE = "1000000/min"
