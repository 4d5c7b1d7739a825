"""Settings of certificates: signing keys, public verification limits, the public certificate log and the
look-up without an account. Read from the environment; imported by base.py."""
from .paths import VAR_DIR
from .env import env_int, env_list, env_str

# Certificate signing keys (PEM files).
CERT_SIGNING_KEY_FILE = env_str("CERT_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "signer.key.pem"))
CERT_SIGNING_CERT_FILE = env_str("CERT_SIGNING_CERT_FILE", str(VAR_DIR / "keys" / "signer.cert.pem"))
# Older signer certificates (PEM) still published in the trust list after a key rotation.
CERT_TRUSTED_CERT_FILES = env_list("CERT_TRUSTED_CERT_FILES", [])
CERT_ISSUER_COUNTRY = "VN"
CERT_ISSUER_NAME = env_str("CERT_ISSUER_NAME", "Ministry of Health of Viet Nam")
CERT_VALIDITY_DAYS = env_int("CERT_VALIDITY_DAYS", 365)
# Public certificate verification (page and API): checks per client address per window, the largest request
# body read (a photo upload or the JSON), and the most pixels a photo may claim in its header before it is
# decoded (a 20 KB PNG can claim 81 million). Verifier apps check offline against the trust list instead.
VERIFY_PER_IP = env_int("VERIFY_PER_IP", 60)
VERIFY_IP_WINDOW_SECONDS = env_int("VERIFY_IP_WINDOW_SECONDS", 10 * 60)
VERIFY_MAX_BODY_BYTES = env_int("VERIFY_MAX_BODY_BYTES", 6 * 1024 * 1024)
VERIFY_MAX_IMAGE_PIXELS = env_int("VERIFY_MAX_IMAGE_PIXELS", 12_000_000)
# Public certificate log (K, certificates/transparency/): after a batch of appends the certificate task signs a
# tree head unless the latest is younger than LOG_STH_MIN_SECONDS (then beat signs it within LOG_STH_BEAT_SECONDS);
# an unchanged tree is re-signed every LOG_STH_MAX_MINUTES so monitors see the log alive. Monitors read at most
# LOG_LEAVES_PER_PAGE leaves per request. The log key signs tree heads only; it is published in the trust list.
LOG_SIGNING_KEY_FILE = env_str("LOG_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "log.key.pem"))
LOG_STH_MIN_SECONDS = env_int("LOG_STH_MIN_SECONDS", 5)
LOG_STH_MAX_MINUTES = env_int("LOG_STH_MAX_MINUTES", 60)
LOG_STH_BEAT_SECONDS = env_int("LOG_STH_BEAT_SECONDS", 60)
LOG_LEAVES_PER_PAGE = env_int("LOG_LEAVES_PER_PAGE", 1000)
# Queued leaves given their indexes per transaction under the log's lock (the certificate task's batch is smaller).
LOG_SEQUENCE_BATCH = env_int("LOG_SEQUENCE_BATCH", 10_000)
# Certificate look-up without an account: look-ups per client address, per ID (or phone) number typed and codes
# sent per recorded phone, each per window; how long a code is valid and how many tries it gets; how long the
# access it grants lasts in the session (and it covers only the person looked up).
LOOKUP_PER_IP = env_int("LOOKUP_PER_IP", 10)
LOOKUP_IP_WINDOW_SECONDS = env_int("LOOKUP_IP_WINDOW_SECONDS", 60 * 60)
LOOKUP_PER_ID = env_int("LOOKUP_PER_ID", 3)
LOOKUP_ID_WINDOW_SECONDS = env_int("LOOKUP_ID_WINDOW_SECONDS", 60 * 60)
LOOKUP_PER_PHONE = env_int("LOOKUP_PER_PHONE", 3)
LOOKUP_PHONE_WINDOW_SECONDS = env_int("LOOKUP_PHONE_WINDOW_SECONDS", 60 * 60)
LOOKUP_CODE_VALIDITY_SECONDS = env_int("LOOKUP_CODE_VALIDITY_SECONDS", 10 * 60)
LOOKUP_CODE_MAX_ATTEMPTS = env_int("LOOKUP_CODE_MAX_ATTEMPTS", 5)
LOOKUP_ACCESS_SECONDS = env_int("LOOKUP_ACCESS_SECONDS", 15 * 60)
