"""The bytes anyone outside needs to check the log: a leaf, and what a signed tree head signs.

Leaf data, 42 bytes, every integer unsigned big-endian:

    offset  size  field
    0       1     version, 1
    1       1     event: 1 issued (also a re-issue), 2 revoked
    2       8     time of the event, milliseconds since 1970-01-01T00:00:00Z
    10      32    SHA-256 of the certificate's COSE_Sign1 message (the bytes inside "HC1:", after Base45 and zlib)

Leaf hash = SHA-256(0x00 || leaf data); nodes SHA-256(0x01 || left || right) (RFC 9162 §2.1).

Signed tree head, the 50 bytes signed with ECDSA P-256 and SHA-256 (signature in ASN.1 DER):

    0   1   version, 1
    1   1   1 (a tree head)
    2   8   timestamp, milliseconds since 1970-01-01T00:00:00Z
    10  8   tree size
    18  32  root hash
"""
import datetime
import struct
from dataclasses import dataclass

VERSION = 1
ISSUED, REVOKED = 1, 2
EVENT_NAMES = {ISSUED: "issued", REVOKED: "revoked"}
_LEAF = struct.Struct(">BBQ32s")
_HEAD = struct.Struct(">BBQQ32s")
LEAF_SIZE = _LEAF.size


def millis(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_millis(value: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)


@dataclass(frozen=True)
class Leaf:
    event: int
    at_ms: int
    cose_sha256: bytes

    def pack(self) -> bytes:
        return _LEAF.pack(VERSION, self.event, self.at_ms, self.cose_sha256)

    @classmethod
    def unpack(cls, data: bytes) -> "Leaf":
        """Raises ValueError for bytes that are not a version 1 leaf."""
        if len(data) != LEAF_SIZE:
            raise ValueError(f"a leaf is {LEAF_SIZE} bytes, not {len(data)}")
        version, event, at_ms, digest = _LEAF.unpack(data)
        if version != VERSION or event not in EVENT_NAMES:
            raise ValueError("unknown leaf version or event")
        return cls(event, at_ms, digest)

    def as_json(self) -> dict:
        return {"event": EVENT_NAMES[self.event], "time": from_millis(self.at_ms).isoformat(),
                "certificate_sha256": self.cose_sha256.hex()}


def tree_head_bytes(*, timestamp_ms: int, tree_size: int, root_hash: bytes) -> bytes:
    return _HEAD.pack(VERSION, 1, timestamp_ms, tree_size, root_hash)
