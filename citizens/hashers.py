"""Argon2id with OWASP's parameters (Password Storage Cheat Sheet: at least 19 MiB, 2 passes, 1 lane).

Django's own Argon2PasswordHasher uses 100 MiB and 8 lanes, which a web process serving many sign-ups at
once cannot afford; ours takes the settings ARGON2_* but never goes below OWASP's minimum, whatever the
environment says. Django's `must_update` re-hashes any other hash (PBKDF2, other parameters) at the next
sign-in, since this hasher is first in PASSWORD_HASHERS.
"""
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

OWASP_MEMORY_KIB, OWASP_TIME_COST, OWASP_PARALLELISM = 19_456, 2, 1


class Argon2idHasher(Argon2PasswordHasher):
    # The same algorithm name as Django's: hashes stay readable by the stock hasher and vice versa.
    algorithm = "argon2"

    @property
    def memory_cost(self) -> int:
        return max(settings.ARGON2_MEMORY_KIB, OWASP_MEMORY_KIB)

    @property
    def time_cost(self) -> int:
        return max(settings.ARGON2_TIME_COST, OWASP_TIME_COST)

    @property
    def parallelism(self) -> int:
        return max(settings.ARGON2_PARALLELISM, OWASP_PARALLELISM)
