"""How long the simulated users stay signed in, and how long a step warms up before it is measured.

Kept apart from the locustfile, which imports Locust (and with it gevent's patching of the standard
library), so that the suite can test it in its own process.

In the last filing week, people sign in and out all day: a firm's staff member signs in, works on the
filing for a while and leaves, and another signs in. Each signed-in user of the mix therefore stays
signed in for ``SESSION_SECONDS`` (drawn anew for every visit), then signs out and signs in again
before its next action, so that logins reach the server at a steady rate while a step is measured.
A TOTP code belongs to a 30-second step, and django-otp accepts each step's code once per device: a
city official signs in again with the next of its accounts, and each visit lasts at least 30 s, so an
account comes round again only in a later step (while there are no more city officials than accounts).

A step starts all its users within a few seconds, each with a login: at 200 users, 40 logins a
second, a burst of the ramp rather than of the rush. The step is measured from ``WARM_UP_SECONDS``
after the last user has started, once those first logins are served.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable

SESSION_SECONDS = (30.0, 90.0)
WARM_UP_SECONDS = 10


def session_length(rng: random.Random | None = None) -> float:
    return (rng or random).uniform(*SESSION_SECONDS)


class Visit:
    """A user's time signed in: it ends ``length`` seconds after ``started``."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, length: float | None = None):
        self.clock = clock
        self.started = clock()
        self.length = session_length() if length is None else length

    @property
    def over(self) -> bool:
        return self.clock() - self.started >= self.length


def signed_in(action: Callable) -> Callable:
    """An action of a signed-in user (an object with ``visit``, ``sign_out()`` and ``sign_in()``): when
    the user's visit is over, it signs out and in again (a new visit) before the action."""

    @functools.wraps(action)
    def run(user) -> None:
        if user.visit.over:
            user.sign_out()
            user.sign_in()
        action(user)

    return run
