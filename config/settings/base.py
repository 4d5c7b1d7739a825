"""Settings shared by every environment; every value that differs between machines comes from the environment."""
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

from .paths import BASE_DIR, VAR_DIR

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "registry",
    "citizens",
    "vaccination",
    "certificates",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "registry.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "registry.principal.PrincipalAuthenticationMiddleware",
    "registry.principal.PrincipalOTPMiddleware",
    "registry.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "citizens.context_processors.notifications",
                "vaccination.context_processors.console_alerts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "citizens.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "citizens.backends.PhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"

# Vietnamese first, English second; the choice is kept in a cookie by django.views.i18n.set_language.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Celery: with REDIS_URL tasks go to Redis for a worker; without it they run in-process.
REDIS_URL = env_str("REDIS_URL")
# The in-process broker is named with a host: kombu logs "No hostname was supplied" for a bare memory://.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

CACHES = {
    "default": (
        {"BACKEND": "registry.cache.ReusingRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Settings by topic, each read from the environment in its own module.
from .accounts import *  # noqa: E402,F401,F403
from .campaign import *  # noqa: E402,F401,F403
from .certificates import *  # noqa: E402,F401,F403
from .services import *  # noqa: E402,F401,F403
from .uploads import *  # noqa: E402,F401,F403

CONSOLE_PAGE_SIZE = env_int("CONSOLE_PAGE_SIZE", 50)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
CONSOLE_LOGIN_PATH = "/console/login/"

CITIZEN_PAGE_SIZE = env_int("CITIZEN_PAGE_SIZE", 20)
CELERY_BEAT_SCHEDULE = {
    "sms-send-due": {"task": "citizens.tasks.sms_send_due", "schedule": 60.0},
    "appointment-reminders": {"task": "vaccination.tasks.appointment_reminders_send", "schedule": 15 * 60.0},
    "next-dose-reminders": {"task": "vaccination.tasks.next_dose_reminders_send", "schedule": 60 * 60.0},
    "certificates-sweep": {"task": "certificates.tasks.certificates_sweep", "schedule": 5 * 60.0},
    "throttle-counters-purge": {"task": "registry.tasks.throttle_counters_purge", "schedule": 60 * 60.0},
}

# Hot paths (dose record, registration, sign-up). Rollup changes are INSERTed by each writer and summed into
# one total per key by Celery beat every ROLLUP_FOLD_SECONDS, at most ROLLUP_FOLD_BATCH changes per transaction;
# figures are exact either way. (Password hashing: config/settings/accounts.py.)
ROLLUP_FOLD_SECONDS = env_int("ROLLUP_FOLD_SECONDS", 60)
ROLLUP_FOLD_BATCH = env_int("ROLLUP_FOLD_BATCH", 10_000)
CELERY_BEAT_SCHEDULE["rollups-fold"] = {"task": "reporting.tasks.rollups_fold", "schedule": float(ROLLUP_FOLD_SECONDS)}

# List pages and load (G): a filtered registration queue counts at most this many rows per state ("more than …")
# instead of counting a province's million registrations on every page (a whole province or the nation is counted
# exactly, from the rollups); uncounted lists go this many pages deep.
REGISTRATION_COUNT_CAP = env_int("REGISTRATION_COUNT_CAP", 1000)
CONSOLE_MAX_PAGE = env_int("CONSOLE_MAX_PAGE", 2000)
# /bench/constant/ answers a constant (the HTTP benchmark's baseline) only when this is on; never in production.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

# Security headers, the same in every environment so that the tests and the browser journeys run under them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, never inline, so an
# injected <script>, on…= handler or style= attribute does nothing. QR codes and charts are server-drawn SVG markup.
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Handing a task to the broker from a web request: when Redis is down, give up at once instead of kombu's default
# of retrying for several seconds; the row the task is for (an SMS in the outbox) stays pending for the beat sweep.
# Workers and beat keep their own reconnect settings (broker_connection_retry / _max_retries).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": env_int("CELERY_PUBLISH_CONNECT_RETRIES", 1),
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

CELERY_BEAT_SCHEDULE["imports-fail-stale"] = {"task": "vaccination.tasks.imports_fail_stale", "schedule": 5 * 60.0}
# The statements of the hot paths are prepared once per connection on PostgreSQL (registry/db.py); turn this off
# behind a pooler that cannot keep prepared statements (PgBouncer before 1.21, or without max_prepared_statements).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
DB_PREPARE_THRESHOLD = env_int("DB_PREPARE_THRESHOLD", 5)

# What people saw (I): dates and numbers take one path, Django's localisation with our own formats (config/formats):
# dates d/m/Y in both languages, thousands grouped with "." in Vietnamese and "," in English. Aware moments are
# shown in TIME_ZONE (Asia/Ho_Chi_Minh); an identifier printed into HTML goes through |unlocalize.
FORMAT_MODULE_PATH = "config.formats"
USE_THOUSAND_SEPARATOR = True

CELERY_BEAT_SCHEDULE["certificate-log-sign"] = {"task": "certificates.tasks.log_tree_head_sign",
                                                "schedule": float(LOG_STH_BEAT_SECONDS)}

# Open figures and certificate look-up (L). The public open-data pages (/open-data/) are cached for
# OPEN_DATA_CACHE_SECONDS in Django's cache (computed afresh when the cache is down); every count under
# OPEN_DATA_MIN_CELL is suppressed and left out of every total. OPEN_DATA_LICENCE is a placeholder: the ministry
# chooses the licence the figures are published under. People per priority group are recomputed by beat every
# OPEN_DATA_PRIORITY_REFRESH_SECONDS (the dose rollups carry no priority group).
INSTALLED_APPS += ["opendata"]
CELERY_BEAT_SCHEDULE["opendata-priority-refresh"] = {
    "task": "opendata.tasks.priority_counts_refresh", "schedule": float(OPEN_DATA_PRIORITY_REFRESH_SECONDS)}

# Production shape (H). DATABASE_REPLICA_URL: a streaming replica that dashboards, reports and exports, public
# verification and reference data read from (registry/replica.py); a client that has just written (any POST) reads
# from the primary for REPLICA_PIN_SECONDS. DATABASE_PGBOUNCER=1: behind PgBouncer in transaction mode (no
# server-side cursors, nothing prepared — the hot paths' prepared statements too, unless DB_PREPARED_STATEMENTS=1
# for PgBouncer 1.21+ with max_prepared_statements). DATABASE_POOL=1: psycopg's own pool of DATABASE_POOL_MIN_SIZE
# to DATABASE_POOL_MAX_SIZE connections per process, waiting at most DATABASE_POOL_TIMEOUT seconds for one; for
# one process serving many threads, not beside gunicorn's forked workers each holding a pool.
from .database import database_shape, replica_alias, with_replica  # noqa: E402

DATABASE_PGBOUNCER = env_bool("DATABASE_PGBOUNCER", False)
DATABASE_POOL = env_bool("DATABASE_POOL", False)
DATABASE_POOL_MIN_SIZE = env_int("DATABASE_POOL_MIN_SIZE", 2)
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 10)
DATABASE_POOL_TIMEOUT = env_int("DATABASE_POOL_TIMEOUT", 10)
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_alias(DATABASES["default"], DATABASE_REPLICA_URL)
for _alias in DATABASES.values():
    database_shape(_alias, pgbouncer=DATABASE_PGBOUNCER, pool={
        "min_size": DATABASE_POOL_MIN_SIZE, "max_size": DATABASE_POOL_MAX_SIZE, "timeout": DATABASE_POOL_TIMEOUT,
    } if DATABASE_POOL else None)
MIDDLEWARE, DATABASE_ROUTERS = with_replica(DATABASES, MIDDLEWARE, [])
if DATABASE_PGBOUNCER:
    DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", False)
# The phone app's JSON API (/api/v1/, django-ninja; M). API_PAGE_MAX caps `limit` on every list; a creating POST
# with an Idempotency-Key is answered from its first answer for API_IDEMPOTENCY_SECONDS; a device token's
# "last used" is written at most once per API_TOKEN_TOUCH_SECONDS.
INSTALLED_APPS += ["ninja", "api"]  # ninja: its vendored Swagger UI files are static files
MIDDLEWARE.insert(MIDDLEWARE.index("registry.middleware.LanguageMiddleware") + 1, "api.middleware.ApiLanguageMiddleware")
API_PAGE_MAX = env_int("API_PAGE_MAX", 100)
API_IDEMPOTENCY_SECONDS = env_int("API_IDEMPOTENCY_SECONDS", 24 * 60 * 60)
API_TOKEN_TOUCH_SECONDS = env_int("API_TOKEN_TOUCH_SECONDS", 60)

# Partitioned facts (issue 13 part 3, N). On PostgreSQL audit rows, SMS messages, stock movements and registration
# events are range-partitioned by month (registry/partitions.py); beat creates this month's and the next
# PARTITION_MONTHS_AHEAD months' partitions daily (also `manage.py partitions_ensure`). SQLite keeps plain tables.
PARTITION_MONTHS_AHEAD = env_int("PARTITION_MONTHS_AHEAD", 3)
CELERY_BEAT_SCHEDULE["partitions-ensure"] = {"task": "registry.tasks.partitions_ensure_ahead",
                                             "schedule": 24 * 60 * 60.0}

# Places visited (issue 17 service 1, places/): venues' QR posters, visits and exposures. Visits are personal data,
# kept PLACES_VISIT_RETENTION_DAYS and then deleted by beat (hourly); an account records at most
# PLACES_VISITS_PER_ACCOUNT check-ins (each for one or more people) per PLACES_VISIT_WINDOW_SECONDS, and registers
# at most PLACES_VENUES_PER_ACCOUNT venues.
INSTALLED_APPS += ["places"]
CELERY_BEAT_SCHEDULE["places-visits-purge"] = {"task": "places.tasks.visits_purge", "schedule": 60 * 60.0}

# Medical appointments, consultations and one list of appointments (issue 17 services 2–4, clinics/). An account
# makes at most CLINIC_BOOKINGS_PER_ACCOUNT_PER_DAY bookings a day (Viet Nam's day; cancelled ones count, so booking
# and cancelling cannot hold slots in turn); a citizen books up to CLINIC_BOOKING_DAYS_AHEAD days ahead and a
# facility publishes as far ahead; at most CLINIC_SLOTS_PER_PUBLISH slots are published at once. Beat sends the
# day-before reminders every CLINIC_REMINDER_SECONDS.
INSTALLED_APPS += ["clinics"]
CELERY_BEAT_SCHEDULE["clinic-reminders"] = {"task": "clinics.tasks.booking_reminders_send",
                                            "schedule": float(CLINIC_REMINDER_SECONDS)}

# Pages under load (E2, issue 12). Form widgets: inputs and selects drawn in Python, the same HTML as Django's
# widget templates (registry/renderers.py). Sessions: with Redis, SESSION_ENGINE "registry.sessions" reads a
# session from the cache and writes it to the cache and the database, so a Redis outage signs nobody out and loses
# nothing; a cached copy lives at most SESSION_CACHE_SECONDS (a session ended while Redis was unreachable cannot
# outlive that). Without Redis each process's memory cache would hold its own copy: sessions stay in the database.
FORM_RENDERER = "registry.renderers.FastWidgetRenderer"
SESSION_ENGINE = env_str("SESSION_ENGINE", "registry.sessions" if REDIS_URL else "django.contrib.sessions.backends.db")
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 300)
# The console dashboard's figures and drawn tables per area and language are kept this many seconds in the cache
# (the page shows when they were computed); 0 computes them on every request.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 30)
# The counts shown as badges in the menus, kept this long: a citizen's unread notifications (citizens/selectors.py)
# and the console's serious reactions per area (vaccination/alerts.py). Every change to them drops the kept count
# at once; 0 counts on every page.
BADGE_CACHE_SECONDS = env_int("BADGE_CACHE_SECONDS", 300)
