"""EU Digital COVID Certificate encoding and verification: CWT in COSE_Sign1, zlib, Base45, "HC1:".

Kept free of Django models so it can verify anyone's certificates against any trust list. Everything in a
message is hostile until its signature holds: before that only the COSE structure and the two header fields
needed to pick a key (kid, alg) are read, each checked for its type; the claims are decoded afterwards.
"""
import base64
import datetime
import functools
import hashlib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from .b45 import b45encode
from .cose import (  # noqa: F401 - callers read the wire format and its limits from here too
    COSE_ALG, COSE_KID, CWT_EXP, CWT_HCERT, CWT_IAT, CWT_ISS, ES256, MAX_CBOR_DEPTH, MAX_INFLATED_BYTES,
    MAX_QR_CHARS, PREFIX, PS256, TAG_CWT, TAG_SIGN1, Message, _cbor, _numeric_date, _plain, _MAPS, decode,
    decode_bytes, message_bytes,
)

ALG_NAMES = {ES256: "ES256", PS256: "PS256"}
_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())
CLOCK_SKEW = datetime.timedelta(minutes=5)  # a certificate issued this little "in the future" is still valid
VACCINATION_FIELDS = ("dn", "sd", "dt", "mp", "ma", "vp", "co", "is", "ci")


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

    @functools.cached_property
    def _parsed(self) -> tuple:
        """(public key, not before, not after, is a P-256 key), read once per key rather than once per check."""
        try:
            cert = x509.load_der_x509_certificate(self.certificate_der)
            key = cert.public_key()
            p256 = isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"
            return key, cert.not_valid_before_utc, cert.not_valid_after_utc, p256
        except (ValueError, TypeError):
            return None, None, None, False

    def public_key(self):
        if self._parsed[0] is None:
            raise ValueError("the trusted certificate cannot be read")
        return self._parsed[0]

    def validity(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        return self._parsed[1], self._parsed[2]

    def as_json(self) -> dict:
        return {"kid": base64.b64encode(self.kid).decode(), "alg": self.alg,
                "certificate": base64.b64encode(self.certificate_der).decode()}


def trust_list_load(data: Mapping) -> dict[bytes, list[TrustedKey]]:
    """{"keys": [{"kid": base64, "alg": ..., "certificate": base64 DER}]} → keys by kid. Raises ValueError."""
    if not isinstance(data, Mapping) or not isinstance(data.get("keys", []), list):
        raise ValueError('a trust list is {"keys": [{"kid", "alg", "certificate"}]}')
    keys: dict[bytes, list[TrustedKey]] = {}
    for number, entry in enumerate(data.get("keys", []), start=1):
        try:
            der = base64.b64decode(entry["certificate"], validate=True)
            kid = base64.b64decode(entry["kid"], validate=True) if entry.get("kid") else kid_for(der)
            alg = str(entry.get("alg", "ES256"))
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise ValueError(f"key {number}: {error or 'certificate missing'}") from error
        keys.setdefault(kid, []).append(TrustedKey(kid=kid, certificate_der=der, alg=alg))
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
    r, s = decode_dss_signature(private_key.sign(to_sign, _ECDSA_SHA256))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    cose = cbor2.dumps(cbor2.CBORTag(TAG_SIGN1, [protected, {}, payload, signature]))
    return PREFIX + b45encode(zlib.compress(cose, 9))


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
    log: dict | None = None  # the public log's answer, when the platform looked the certificate up there

    @property
    def valid(self) -> bool:
        return self.status == Status.VALID

    def vaccinations(self) -> list[dict]:
        entries = self.hcert.get("v")
        return [entry for entry in entries if isinstance(entry, dict)] if isinstance(entries, list) else []

    def as_json(self) -> dict:
        answer = {"status": self.status, "valid": self.valid}
        if self.reason:
            answer["reason"] = self.reason
        if self.hcert and self.status in (Status.VALID, Status.EXPIRED, Status.REVOKED, Status.NOT_YET_VALID):
            answer["holder"] = _holder(self.hcert)
            answer["vaccinations"] = [{key: v.get(key) for key in VACCINATION_FIELDS} for v in self.vaccinations()]
        if self.issuer:
            answer["issuer"] = self.issuer
        if self.expires_at:
            answer["expires_at"] = self.expires_at.isoformat()
        if self.kid:
            answer["kid"] = self.kid
        if self.log is not None:
            answer["log"] = self.log
        return answer


def _holder(hcert: dict) -> dict:
    names = hcert.get("nam") if isinstance(hcert.get("nam"), dict) else {}
    parts = lambda *keys: [names[k] for k in keys if isinstance(names.get(k), str) and names[k]]  # noqa: E731
    dob = hcert.get("dob")
    return {"name": " ".join(parts("fn", "gn")), "standardised_name": "<<".join(parts("fnt", "gnt")),
            "date_of_birth": dob if isinstance(dob, str) else None}


def _check_signature(key: TrustedKey, alg: int, to_sign: bytes, signature: bytes) -> bool:
    public_key, _not_before, _not_after, p256 = key._parsed
    try:
        if alg == ES256:
            if not p256 or len(signature) != 64:
                return False  # ES256 means P-256: another curve is refused
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
            public_key.verify(der, to_sign, _ECDSA_SHA256)
            return True
        if alg == PS256:
            if not isinstance(public_key, rsa.RSAPublicKey):
                return False
            public_key.verify(signature, to_sign, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                              hashes.SHA256())
            return True
    except (InvalidSignature, ValueError):
        return False
    return False


def _read_claims(payload: bytes, result: Verification) -> None:
    """Fill `result` from a payload whose signature holds. Raises ValueError."""
    claims = _cbor(payload, "the payload")
    if type(claims) not in _MAPS:
        raise ValueError("payload is not a CWT")
    container = claims.get(CWT_HCERT)
    hcert = container.get(1) if type(container) in _MAPS else None
    if type(hcert) not in _MAPS:
        raise ValueError("no health certificate in the payload")
    result.issued_at = _numeric_date(claims, CWT_IAT, "iat")
    result.expires_at = _numeric_date(claims, CWT_EXP, "exp")
    result.issuer = claims.get(CWT_ISS) if isinstance(claims.get(CWT_ISS), str) else ""
    result.hcert = _plain(hcert)


def verify(qr: str, *, trust: Mapping[bytes, list[TrustedKey]], at: datetime.datetime,
           revoked: callable = None, message: Message | None = None) -> Verification:
    """Decode, check the signature against the trust list, then read the claims, the validity at `at`, and
    revocation. Never raises on any input: a hostile text gets a status like any other. `message`: the text
    already decoded."""
    if message is None:
        try:
            message = decode(qr)
        except ValueError as error:
            return Verification(Status.MALFORMED, reason=str(error))
    kid = message.protected.get(COSE_KID) or message.unprotected.get(COSE_KID) or b""
    alg = message.protected.get(COSE_ALG, message.unprotected.get(COSE_ALG))
    if not isinstance(kid, bytes):
        return Verification(Status.MALFORMED, reason="kid is not a byte string")
    result = Verification(Status.MALFORMED, kid=base64.b64encode(kid).decode())
    if type(alg) is not int or alg not in ALG_NAMES:
        result.reason = "unsupported algorithm"
        return result
    candidates = trust.get(kid, [])
    if not candidates:
        result.status, result.reason = Status.UNKNOWN_KEY, "no trusted key with this kid"
        return result
    to_sign = cbor2.dumps(["Signature1", message.protected_bytes, b"", message.payload])
    key = next((k for k in candidates if _check_signature(k, alg, to_sign, message.signature)), None)
    if key is None:
        result.status, result.reason = Status.INVALID_SIGNATURE, "the signature does not match"
        return result
    try:
        _read_claims(message.payload, result)
    except ValueError as error:
        result.issued_at = result.expires_at = None
        result.issuer, result.hcert, result.reason = "", {}, f"signed, but {error}"
        return result
    if result.expires_at is not None and at > result.expires_at:
        result.status, result.reason = Status.EXPIRED, "the certificate has expired"
        return result
    not_before, not_after = key.validity()
    if not_after is not None and at > not_after:
        result.status, result.reason = Status.EXPIRED, "the signer certificate has expired"
        return result
    if result.issued_at is not None and at < result.issued_at - CLOCK_SKEW:
        result.status, result.reason = Status.NOT_YET_VALID, "issued after the time of the check"
        return result
    unique_ids = [v.get("ci") for v in result.vaccinations()]
    if revoked is not None and any(revoked(ci) for ci in unique_ids if isinstance(ci, str) and ci):
        result.status, result.reason = Status.REVOKED, "the certificate was revoked by its issuer"
        return result
    result.status = Status.VALID
    return result
