"""The portal's password hash: Argon2id at the cost OWASP's Password Storage Cheat Sheet gives as its
first configuration (19 MiB of memory, 2 iterations, 1 lane).

Django's own parameters (100 MiB, 8 lanes) took 143 ms of both cores a login on this project's 2-core
machine, and logins were the first requests to queue in the deadline rush (README "Load test"). One lane
leaves the other core to the requests beside the login. Hashes made with other parameters still verify,
and Django rewrites them with these at the user's next login (``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
