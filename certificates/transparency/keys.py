"""The log's own ES256 key, which signs tree heads (never certificates), from a PEM file named in settings."""
import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())


def public_key_der(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id_for(public_der: bytes) -> bytes:
    """As RFC 6962 names a log: the SHA-256 of its public key (SubjectPublicKeyInfo, DER)."""
    return hashlib.sha256(public_der).digest()


@dataclass(frozen=True)
class LogKey:
    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_der(self) -> bytes:
        return public_key_der(self.private_key.public_key())

    @property
    def key_id(self) -> bytes:
        return key_id_for(self.public_der)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data, _ECDSA_SHA256)

    def trust_entry(self) -> dict:
        return {"key_id": base64.b64encode(self.key_id).decode(), "algorithm": "ecdsa-p256-sha256",
                "public_key": base64.b64encode(self.public_der).decode()}


def log_keygen(path: Path) -> LogKey:
    key = ec.generate_private_key(ec.SECP256R1())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)
    _log_key.cache_clear()
    return LogKey(key)


@lru_cache(maxsize=1)
def _log_key(path: str) -> LogKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except FileNotFoundError as error:
        raise ImproperlyConfigured(
            f"No certificate log key at {error.filename}: run `python manage.py certificates_keygen`.") from error
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ImproperlyConfigured("The certificate log key must be an ES256 (P-256) key.")
    return LogKey(key)


def log_key() -> LogKey:
    return _log_key(settings.LOG_SIGNING_KEY_FILE)


def log_key_cache_clear() -> None:
    _log_key.cache_clear()


def load_public_key(entry: dict) -> tuple[bytes, ec.EllipticCurvePublicKey]:
    """(key id, key) from a trust list's "log" entry. Raises ValueError."""
    try:
        der = base64.b64decode(entry["public_key"], validate=True)
        key = serialization.load_der_public_key(der)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"the trust list's log key cannot be read: {error}") from error
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValueError("the log key is not a P-256 key")
    return key_id_for(der), key


def signature_holds(public_key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(bytes(signature), data, _ECDSA_SHA256)
        return True
    except (InvalidSignature, ValueError):
        return False
