"""Tests: fast password hashing; DATABASE_URL and REDIS_URL are honoured so CI runs on PostgreSQL and Redis."""
from .base import *  # noqa: F401,F403
from pathlib import Path

from .base import DATABASES, VAR_DIR
from .env import env_str


DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = env_str("SMS_BACKEND", "file")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "test-sms.log")))
# Tests call tasks in-process; the one test with a real worker turns this off around its own calls.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["CONN_MAX_AGE"] = 0
CERT_SIGNING_KEY_FILE = str(VAR_DIR / "test-keys" / "signer.key.pem")
CERT_SIGNING_CERT_FILE = str(VAR_DIR / "test-keys" / "signer.cert.pem")
LOG_SIGNING_KEY_FILE = str(VAR_DIR / "test-keys" / "log.key.pem")
# The "replica" alias in every test run: the real streaming replica when DATABASE_REPLICA_URL names one (CI's
# replica job), else a second connection to the test database, so the router is exercised everywhere.
from .base import DATABASE_PGBOUNCER, DATABASE_REPLICA_URL, MIDDLEWARE  # noqa: E402
from .database import database_shape, replica_alias, with_replica  # noqa: E402

# Not on SQLite: its in-memory test database is one shared-cache file, and a second connection to it locks
# tables under the first ("database table is locked"); `make run` and `make test` on SQLite have no replica.
if DATABASE_REPLICA_URL or DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["replica"] = database_shape(
        replica_alias(DATABASES["default"], DATABASE_REPLICA_URL, test_mirror=True), pgbouncer=DATABASE_PGBOUNCER,
        pool=None)
    DATABASES["replica"]["CONN_MAX_AGE"] = 0
    MIDDLEWARE, DATABASE_ROUTERS = with_replica(DATABASES, MIDDLEWARE, [])
# Tests read the dashboard's figures right after writing them; tests/reporting/test_dashboard_cache.py turns it on.
DASHBOARD_CACHE_SECONDS = 0
