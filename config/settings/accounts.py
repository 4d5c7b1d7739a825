"""Settings of accounts and sign-in: staff second factor and password locks, citizens' SMS codes and their
delivery, limits per client address, password hashing, session lengths. Read from the environment; imported by base.py."""
from pathlib import Path

from .env import env_bool, env_int, env_str
from .paths import VAR_DIR

# Staff second factor: national and province roles always need it; this makes it required for all staff.
OTP_REQUIRED_FOR_ALL_STAFF = env_bool("OTP_REQUIRED_FOR_ALL_STAFF", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Tiem chung COVID-19")
OTP_TOTP_THROTTLE_FACTOR = 1
# Wrong password attempts before a staff sign-in is refused for a while, and for how long.
STAFF_LOGIN_MAX_FAILURES = env_int("STAFF_LOGIN_MAX_FAILURES", 5)
STAFF_LOGIN_LOCK_SECONDS = env_int("STAFF_LOGIN_LOCK_SECONDS", 15 * 60)
# Citizens' SMS codes and sign-in, all limits explicit.
OTP_SMS_VALIDITY_SECONDS = env_int("OTP_SMS_VALIDITY_SECONDS", 5 * 60)
OTP_SMS_MAX_ATTEMPTS = env_int("OTP_SMS_MAX_ATTEMPTS", 5)
OTP_SMS_SENDS_PER_PHONE = env_int("OTP_SMS_SENDS_PER_PHONE", 3)
OTP_SMS_PHONE_WINDOW_SECONDS = env_int("OTP_SMS_PHONE_WINDOW_SECONDS", 15 * 60)
OTP_SMS_SENDS_PER_IP = env_int("OTP_SMS_SENDS_PER_IP", 10)
OTP_SMS_IP_WINDOW_SECONDS = env_int("OTP_SMS_IP_WINDOW_SECONDS", 60 * 60)
CITIZEN_LOGIN_MAX_FAILURES = env_int("CITIZEN_LOGIN_MAX_FAILURES", 5)
CITIZEN_LOGIN_LOCK_SECONDS = env_int("CITIZEN_LOGIN_LOCK_SECONDS", 15 * 60)
# Security: the number of reverse proxies in front of the app that append to X-Forwarded-For (0: none, so the
# socket's peer is the client). Every limit, audit row and SMS outbox row reads the client address through it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Password tries from one client address, over every account (stops one password sprayed over many numbers).
PASSWORD_TRIES_PER_IP = env_int("PASSWORD_TRIES_PER_IP", 20)
PASSWORD_TRIES_IP_WINDOW_SECONDS = env_int("PASSWORD_TRIES_IP_WINDOW_SECONDS", 15 * 60)
# The signed-in user with their permissions, jurisdiction and second-factor device is kept in the cache this long
# (registry/principal.py; every change to them drops it at once); 0 reads them from the database on every request.
AUTH_CACHE_SECONDS = env_int("AUTH_CACHE_SECONDS", 60)
# Sessions: staff (console, /admin/) sign in for a working day; citizens keep their health book open on their own
# phone for longer. A session started any other way gets SESSION_COOKIE_AGE, which defaults to the staff length.
STAFF_SESSION_SECONDS = env_int("STAFF_SESSION_SECONDS", 8 * 3600)
CITIZEN_SESSION_SECONDS = env_int("CITIZEN_SESSION_SECONDS", 30 * 24 * 3600)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", STAFF_SESSION_SECONDS)
# Staff second factor: wrong authenticator codes per window before codes are refused until the window ends
# (counted in the database before each check, like passwords); django-otp's few-second back-off still applies.
STAFF_OTP_MAX_FAILURES = env_int("STAFF_OTP_MAX_FAILURES", 5)
STAFF_OTP_LOCK_SECONDS = env_int("STAFF_OTP_LOCK_SECONDS", 15 * 60)
# SMS delivery (the outbox and its backends arrive with the citizens' sign-up).
SMS_BACKEND = env_str("SMS_BACKEND", "console")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.log")))
SMS_HTTP_URL = env_str("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env_str("SMS_HTTP_TOKEN", "")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", 5)
# SMS outbox delivery: attempts before a message is marked failed, and the first back-off (doubling each time).
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 8)
SMS_RETRY_BASE_SECONDS = env_int("SMS_RETRY_BASE_SECONDS", 30)
# Passwords: Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane); older PBKDF2 hashes are upgraded at the next
# sign-in.
ARGON2_MEMORY_KIB = env_int("ARGON2_MEMORY_KIB", 19_456)
ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 2)
ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", 1)
PASSWORD_HASHERS = [
    "citizens.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
