"""The wire format of an EU Digital COVID Certificate: "HC1:", Base45, zlib, and a COSE_Sign1 read with limits.

Everything in a message is hostile until its signature holds (dcc.py checks it): here only the COSE structure is
read, each part checked for its type; `_plain` and `_numeric_date` read the claims once the signature held.
"""
import base64
import datetime
import math
import zlib
from collections.abc import Mapping
from typing import NamedTuple

import cbor2

from .b45 import b45decode

PREFIX = "HC1:"
MAX_QR_CHARS = 8000  # far above any real certificate (about 600); refuses huge inputs before decoding
MAX_INFLATED_BYTES = 64 * 1024
MAX_CBOR_DEPTH = 16  # a certificate nests five deep (claims → hcert → v → entry)
LATEST_NUMERIC_DATE = 253402300799  # 9999-12-31T23:59:59Z, the last second a datetime can hold
ES256, PS256 = -7, -37
CWT_ISS, CWT_EXP, CWT_IAT, CWT_HCERT = 1, 4, 6, -260
COSE_ALG, COSE_KID = 1, 4
TAG_SIGN1, TAG_CWT = 18, 61

# What cbor2 decodes a map to: a dict, or a frozendict inside a tag or as a key (exact types, checked quickly).
_MAPS = (dict, cbor2.frozendict)


def _refuse(decoder):
    raise cbor2.CBORDecodeError("this CBOR tag is not accepted in a certificate")


# Shared references can build a value that contains itself; regular expressions and MIME messages have no
# place in a certificate and cost work to build.
_REFUSED_TAGS = {tag: _refuse for tag in (28, 29, 35, 36, 256, 25)}


def _cbor(data: bytes, what: str):
    try:
        return cbor2.loads(data, max_depth=MAX_CBOR_DEPTH, semantic_decoders=_REFUSED_TAGS)
    except Exception as error:  # noqa: BLE001 - cbor2 raises several kinds on garbage
        raise ValueError(f"{what} is not valid CBOR") from error


def _plain(value, depth: int = 0):
    """A decoded value as JSON types only: no NaN, no bytes or sets, text keys; anything else becomes None.

    Text, the bulk of a certificate, is passed through without a call (this runs on every verification)."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return value if -(2 ** 53) <= value <= 2 ** 53 else None
    if depth > MAX_CBOR_DEPTH:
        raise ValueError("nested too deep")
    depth += 1
    if kind in _MAPS:
        return {(key if type(key) is str else str(_plain(key, depth))):
                (item if type(item) is str else _plain(item, depth)) for key, item in value.items()}
    if kind is list or isinstance(value, (tuple, set, frozenset)):
        return [item if type(item) is str else _plain(item, depth) for item in value]
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()  # cbor2 decodes date tags (0, 1, 100, 1004) to dates
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    return None


def _numeric_date(claims: Mapping, key: int, name: str) -> datetime.datetime | None:
    """A CWT NumericDate claim, or None when absent; ValueError for anything a clock cannot hold."""
    value = claims.get(key)
    if value is None:
        return None
    if type(value) is int and 0 <= value <= LATEST_NUMERIC_DATE:
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)  # what every issuer sends
    if type(value) is datetime.datetime:
        return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    if type(value) not in (int, float) or not math.isfinite(value) or not 0 <= value <= LATEST_NUMERIC_DATE:
        raise ValueError(f"{name} is not a time")
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)


class Message(NamedTuple):
    """A COSE_Sign1 whose structure was checked; `payload` is still unread bytes."""
    protected: Mapping
    unprotected: Mapping
    payload: bytes
    signature: bytes
    protected_bytes: bytes


def message_bytes(qr: str) -> bytes:
    """HC1 text → the bytes of its COSE message (after Base45 and zlib, within the limits). Raises ValueError."""
    if not isinstance(qr, str) or len(qr) > MAX_QR_CHARS:
        raise ValueError("input too long")
    text = qr.strip()
    if not text.startswith(PREFIX):
        raise ValueError("missing HC1: prefix")
    try:
        compressed = b45decode(text[len(PREFIX):])
    except ValueError as error:
        raise ValueError(f"not Base45: {error}") from error
    raw = compressed
    if compressed[:1] == b"\x78":
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(compressed, MAX_INFLATED_BYTES)
        except zlib.error as error:
            raise ValueError("not zlib") from error
        if inflater.unconsumed_tail:
            raise ValueError(f"inflates to more than {MAX_INFLATED_BYTES} bytes")
        if not inflater.eof:
            raise ValueError("zlib data cut short")
    return raw


def decode(qr: str) -> Message:
    """HC1 text → the COSE_Sign1 parts, structure checked, claims not read. Raises ValueError."""
    return decode_bytes(message_bytes(qr))


def decode_bytes(raw: bytes) -> Message:
    """`decode` of the message's bytes (`message_bytes`)."""
    message = _cbor(raw, "the message")
    while isinstance(message, cbor2.CBORTag):
        if message.tag not in (TAG_SIGN1, TAG_CWT):
            raise ValueError(f"unexpected CBOR tag {message.tag}")
        message = message.value
    if not isinstance(message, (list, tuple)) or len(message) != 4:
        raise ValueError("not a COSE_Sign1 structure")
    protected_bytes, unprotected, payload, signature = message
    if type(protected_bytes) is not bytes or type(payload) is not bytes or type(signature) is not bytes:
        raise ValueError("not a COSE_Sign1 structure")
    protected = _cbor(protected_bytes, "the protected header") if protected_bytes else {}
    if type(protected) not in _MAPS or type(unprotected) not in _MAPS:
        raise ValueError("bad COSE headers")
    return Message(protected, unprotected, payload, signature, protected_bytes)
