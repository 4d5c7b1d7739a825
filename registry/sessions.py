"""SESSION_ENGINE for production: sessions read from the cache (Redis), kept in the database as well.

Every signed-in page starts by loading its session; from Redis that is one short round trip instead of a
database query. Every session is written to the database too, so nothing is lost when Redis is: Django's own
"cached_db" engine already reads the database when the cache fails, but then writes the session back to the
cache without catching the failure (a 500 on every page while Redis is down), and the same on sign-out. Here
every cache operation may fail and the database answers.

A session ended while Redis cannot be reached (sign-out, a new session key at sign-in) is gone from the database
but may linger in Redis; each cached copy therefore lives at most SESSION_CACHE_SECONDS, after which the
database (where it no longer exists) decides.
"""
import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db

logger = logging.getLogger(__name__)
KEY_PREFIX = "registry.sessions"


class SessionStore(cached_db.SessionStore):
    cache_key_prefix = KEY_PREFIX

    def _cache_seconds(self, expiry_age: int) -> int:
        return max(0, min(expiry_age, settings.SESSION_CACHE_SECONDS))

    def _cache_call(self, name: str, *args):
        try:
            return getattr(self._cache, name)(*args)
        except Exception:  # connection refused, timeout, bad data: the database answers
            logger.warning("sessions: cache %s failed", name, exc_info=True)
            return None

    def load(self):
        from .kept import read_ahead
        from .principal import principal_keys

        # With the session, in the same round trip, what its request will read next (the user, their second
        # factor, their badges), as registry/principal.py guesses it; principal_user finds it here.
        along = principal_keys(self.session_key)
        if along:
            read = self._cache_call("get_many", [self.cache_key, *along]) or {}
            data, self.kept_along = read.get(self.cache_key), read_ahead(read, along)
        else:
            data = self._cache_call("get", self.cache_key)
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        self._cache_call("set", self.cache_key, data,
                         self._cache_seconds(self.get_expiry_age(expiry=stored.expire_date)))
        return data

    def exists(self, session_key):
        if session_key and self._cache_call("has_key", self.cache_key_prefix + session_key):
            return True
        return db.SessionStore.exists(self, session_key)

    def save(self, must_create=False):
        db.SessionStore.save(self, must_create)
        self._cache_call("set", self.cache_key, self._session, self._cache_seconds(self.get_expiry_age()))

    def delete(self, session_key=None):
        db.SessionStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is not None:
            self._cache_call("delete", self.cache_key_prefix + session_key)
