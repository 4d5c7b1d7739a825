"""EU Digital COVID Certificate encoding and verification: CWT in COSE_Sign1, zlib, Base45, "HC1:".

Kept free of Django models so it can verify anyone's certificates against any trust list.
"""
import base64
import datetime
import hashlib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import base45
import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

PREFIX = "HC1:"
MAX_QR_CHARS = 8000  # far above any real certificate (about 600); refuses huge inputs before decoding
ES256, PS256 = -7, -37
ALG_NAMES = {ES256: "ES256", PS256: "PS256"}
CWT_ISS, CWT_EXP, CWT_IAT, CWT_HCERT = 1, 4, 6, -260
COSE_ALG, COSE_KID = 1, 4
TAG_SIGN1, TAG_CWT = 18, 61


class Status:
    VALID = "valid"
    MALFORMED = "malformed"
    UNKNOWN_KEY = "unknown_key"
    INVALID_SIGNATURE = "invalid_signature"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"


def kid_for(certificate_der: bytes) -> bytes:
    """The key identifier the EU rules use: the first 8 bytes of the SHA-256 of the signer certificate."""
    return hashlib.sha256(certificate_der).digest()[:8]


@dataclass
class TrustedKey:
    kid: bytes
    certificate_der: bytes
    alg: str = "ES256"

    def public_key(self):
        return x509.load_der_x509_certificate(self.certificate_der).public_key()

    def validity(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        try:
            cert = x509.load_der_x509_certificate(self.certificate_der)
            return cert.not_valid_before_utc, cert.not_valid_after_utc
        except ValueError:
            return None, None

    def as_json(self) -> dict:
        return {"kid": base64.b64encode(self.kid).decode(), "alg": self.alg,
                "certificate": base64.b64encode(self.certificate_der).decode()}


def trust_list_load(data: Mapping) -> dict[bytes, list[TrustedKey]]:
    """{"keys": [{"kid": base64, "alg": ..., "certificate": base64 DER}]} → keys by kid."""
    keys: dict[bytes, list[TrustedKey]] = {}
    for entry in data.get("keys", []):
        der = base64.b64decode(entry["certificate"])
        kid = base64.b64decode(entry["kid"]) if entry.get("kid") else kid_for(der)
        keys.setdefault(kid, []).append(TrustedKey(kid=kid, certificate_der=der, alg=entry.get("alg", "ES256")))
    return keys


# ---------------------------------------------------------------- signing

def sign(*, hcert: dict, private_key: ec.EllipticCurvePrivateKey, certificate_der: bytes, issuer: str,
         issued_at: datetime.datetime, expires_at: datetime.datetime) -> str:
    """The QR text of a signed certificate."""
    claims = {CWT_ISS: issuer, CWT_IAT: int(issued_at.timestamp()), CWT_EXP: int(expires_at.timestamp()),
              CWT_HCERT: {1: hcert}}
    protected = cbor2.dumps({COSE_ALG: ES256, COSE_KID: kid_for(certificate_der)})
    payload = cbor2.dumps(claims)
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    r, s = decode_dss_signature(private_key.sign(to_sign, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    cose = cbor2.dumps(cbor2.CBORTag(TAG_SIGN1, [protected, {}, payload, signature]))
    return PREFIX + base45.b45encode(zlib.compress(cose, 9)).decode("ascii")


# ---------------------------------------------------------------- verification

@dataclass
class Verification:
    status: str
    reason: str = ""
    kid: str = ""
    issuer: str = ""
    issued_at: datetime.datetime | None = None
    expires_at: datetime.datetime | None = None
    hcert: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.status == Status.VALID

    def as_json(self) -> dict:
        answer = {"status": self.status, "valid": self.valid}
        if self.reason:
            answer["reason"] = self.reason
        if self.hcert and self.status in (Status.VALID, Status.EXPIRED, Status.REVOKED, Status.NOT_YET_VALID):
            names = self.hcert.get("nam", {})
            answer["holder"] = {"name": " ".join(filter(None, [names.get("fn"), names.get("gn")])),
                                "standardised_name": "<<".join(filter(None, [names.get("fnt"), names.get("gnt")])),
                                "date_of_birth": self.hcert.get("dob")}
            answer["vaccinations"] = [
                {key: v.get(key) for key in ("dn", "sd", "dt", "mp", "ma", "vp", "co", "is", "ci")}
                for v in (self.hcert.get("v") or []) if isinstance(v, dict)]
        if self.issuer:
            answer["issuer"] = self.issuer
        if self.expires_at:
            answer["expires_at"] = self.expires_at.isoformat()
        if self.kid:
            answer["kid"] = self.kid
        return answer


def _plain(value):
    """cbor2 6 gives tuples and frozendicts, and may decode date tags to dates: back to JSON types."""
    if isinstance(value, Mapping):
        return {(_plain(k) if not isinstance(k, (str, int)) else k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def decode(qr: str):
    """HC1 text → (protected header, unprotected header, payload bytes, signature, protected bytes). Raises ValueError."""
    if not isinstance(qr, str) or len(qr) > MAX_QR_CHARS:
        raise ValueError("input too long")
    text = qr.strip()
    if not text.startswith(PREFIX):
        raise ValueError("missing HC1: prefix")
    try:
        compressed = base45.b45decode(text[len(PREFIX):])
    except (ValueError, KeyError, IndexError) as error:
        raise ValueError("not Base45") from error
    try:
        raw = zlib.decompressobj().decompress(compressed, 64 * 1024) if compressed[:1] == b"\x78" else compressed
    except zlib.error as error:
        raise ValueError("not zlib") from error
    try:
        message = cbor2.loads(raw)
    except Exception as error:  # noqa: BLE001 - cbor2 raises several kinds on garbage
        raise ValueError("not CBOR") from error
    while isinstance(message, cbor2.CBORTag):
        if message.tag not in (TAG_SIGN1, TAG_CWT):
            raise ValueError(f"unexpected CBOR tag {message.tag}")
        message = message.value
    if not isinstance(message, (list, tuple)) or len(message) != 4:
        raise ValueError("not a COSE_Sign1 structure")
    protected_bytes, unprotected, payload, signature = message
    if not isinstance(protected_bytes, bytes) or not isinstance(payload, bytes) or not isinstance(signature, bytes):
        raise ValueError("not a COSE_Sign1 structure")
    protected = cbor2.loads(protected_bytes) if protected_bytes else {}
    if not isinstance(protected, Mapping) or not isinstance(unprotected, Mapping):
        raise ValueError("bad COSE headers")
    return protected, unprotected, payload, signature, protected_bytes


def _check_signature(key: TrustedKey, alg: int, to_sign: bytes, signature: bytes) -> bool:
    try:
        public_key = key.public_key()
    except ValueError:
        return False
    try:
        if alg == ES256:
            if not isinstance(public_key, ec.EllipticCurvePublicKey) or public_key.curve.name != "secp256r1":
                return False  # ES256 means P-256: another curve is refused
            if len(signature) != 64:
                return False
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
            public_key.verify(der, to_sign, ec.ECDSA(hashes.SHA256()))
            return True
        if alg == PS256:
            if not isinstance(public_key, rsa.RSAPublicKey):
                return False
            public_key.verify(signature, to_sign, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                              hashes.SHA256())
            return True
    except InvalidSignature:
        return False
    return False


def verify(qr: str, *, trust: Mapping[bytes, list[TrustedKey]], at: datetime.datetime,
           revoked: callable = None) -> Verification:
    """Decode, check the signature against the trust list, then the validity at `at`, then revocation."""
    try:
        protected, unprotected, payload, signature, protected_bytes = decode(qr)
        claims = cbor2.loads(payload)
        if not isinstance(claims, Mapping):
            raise ValueError("payload is not a CWT")
        hcert = _plain(claims.get(CWT_HCERT, {}).get(1))
        if not isinstance(hcert, dict):
            raise ValueError("no health certificate in the payload")
    except (ValueError, TypeError, AttributeError, cbor2.CBORDecodeError) as error:
        return Verification(Status.MALFORMED, reason=str(error))
    kid = protected.get(COSE_KID) or unprotected.get(COSE_KID) or b""
    alg = protected.get(COSE_ALG, unprotected.get(COSE_ALG))
    result = Verification(Status.MALFORMED, kid=base64.b64encode(kid).decode() if isinstance(kid, bytes) else "",
                          issuer=str(claims.get(CWT_ISS, "")), hcert=hcert)
    for name, claim in (("issued_at", CWT_IAT), ("expires_at", CWT_EXP)):
        if isinstance(claims.get(claim), (int, float)):
            setattr(result, name, datetime.datetime.fromtimestamp(claims[claim], tz=datetime.UTC))
    if alg not in ALG_NAMES:
        result.reason = f"unsupported algorithm {alg}"
        return result
    candidates = trust.get(kid, []) if isinstance(kid, bytes) else []
    if not candidates:
        result.status, result.reason = Status.UNKNOWN_KEY, "no trusted key with this kid"
        return result
    to_sign = cbor2.dumps(["Signature1", protected_bytes, b"", payload])
    key = next((k for k in candidates if _check_signature(k, alg, to_sign, signature)), None)
    if key is None:
        result.status, result.reason = Status.INVALID_SIGNATURE, "the signature does not match"
        return result
    if result.expires_at is not None and at > result.expires_at:
        result.status, result.reason = Status.EXPIRED, "the certificate has expired"
        return result
    not_before, not_after = key.validity()
    if not_after is not None and at > not_after:
        result.status, result.reason = Status.EXPIRED, "the signer certificate has expired"
        return result
    if result.issued_at is not None and at < result.issued_at - datetime.timedelta(minutes=5):
        result.status, result.reason = Status.NOT_YET_VALID, "issued after the time of the check"
        return result
    unique_ids = [v.get("ci") for v in (hcert.get("v") or []) if isinstance(v, dict)]
    if revoked is not None and any(revoked(ci) for ci in unique_ids if ci):
        result.status, result.reason = Status.REVOKED, "the certificate was revoked by its issuer"
        return result
    result.status = Status.VALID
    return result
