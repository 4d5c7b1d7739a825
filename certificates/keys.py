"""Signing keys from PEM files named in settings: one signs, several may be trusted (for rotation)."""
import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .dcc import TrustedKey, kid_for


@dataclass(frozen=True)
class Signer:
    private_key: ec.EllipticCurvePrivateKey
    certificate_der: bytes
    not_after: datetime.datetime

    @property
    def kid(self) -> bytes:
        return kid_for(self.certificate_der)


def keygen(*, key_path: Path, cert_path: Path, days: int = 730, common_name: str = "VN DSC") -> Signer:
    """A new ES256 (P-256) key and a self-signed document signer certificate, written as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bo Y te"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    signer_cache_clear()
    return Signer(key, certificate.public_bytes(serialization.Encoding.DER), certificate.not_valid_after_utc)


@lru_cache(maxsize=1)
def _signer(key_file: str, cert_file: str) -> Signer:
    try:
        key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
        certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
    except FileNotFoundError as error:
        raise ImproperlyConfigured(
            f"No certificate signing key at {error.filename}: run `python manage.py certificates_keygen`.") from error
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ImproperlyConfigured("The certificate signing key must be an ES256 (P-256) key.")
    return Signer(key, certificate.public_bytes(serialization.Encoding.DER), certificate.not_valid_after_utc)


def signer() -> Signer:
    return _signer(settings.CERT_SIGNING_KEY_FILE, settings.CERT_SIGNING_CERT_FILE)


def signer_cache_clear() -> None:
    _signer.cache_clear()
    _trusted.cache_clear()


@lru_cache(maxsize=1)
def _trusted(key_file: str, cert_file: str, trusted_files: tuple[str, ...]) -> tuple[TrustedKey, ...]:
    active = _signer(key_file, cert_file)
    keys = [TrustedKey(kid=active.kid, certificate_der=active.certificate_der)]
    for path in trusted_files:
        der = x509.load_pem_x509_certificate(Path(path).read_bytes()).public_bytes(serialization.Encoding.DER)
        if all(k.certificate_der != der for k in keys):
            keys.append(TrustedKey(kid=kid_for(der), certificate_der=der))
    return tuple(keys)


def trusted_keys() -> list[TrustedKey]:
    """The active signer and every older signer certificate still to be trusted (CERT_TRUSTED_CERT_FILES).

    Read once per process (the same objects each time, so each key's parsed public key is kept too)."""
    return list(_trusted(settings.CERT_SIGNING_KEY_FILE, settings.CERT_SIGNING_CERT_FILE,
                         tuple(settings.CERT_TRUSTED_CERT_FILES)))


def trust_by_kid() -> dict[bytes, list[TrustedKey]]:
    """This platform's trusted keys by key id, as `dcc.verify` takes them."""
    keys: dict[bytes, list[TrustedKey]] = {}
    for key in trusted_keys():
        keys.setdefault(key.kid, []).append(key)
    return keys


def trust_list() -> dict:
    """The certificate signers under "keys"; the public log's key, which signs tree heads only, under "log"."""
    from .transparency.keys import log_key

    return {"keys": [key.as_json() for key in trusted_keys()], "log": log_key().trust_entry()}
