"""Checking a proof from /transparency/proof/<UVCI>.json with nothing but the trust list: what the offline
`verify_certificate --log-proof` does, and what any verifier app can do."""
import base64
from collections.abc import Mapping

from . import formats, merkle
from .keys import load_public_key, signature_holds


def _bytes(value, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} is missing")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as error:
        raise ValueError(f"{what} is not base64") from error


def _size(value, what: str) -> int:
    if type(value) is not int or not 0 <= value < 2 ** 63:
        raise ValueError(f"{what} is not a tree size")
    return value


def check_inclusion(document: Mapping, *, certificate_sha256: bytes, log_trust: Mapping) -> dict:
    """{"status": "recorded", …} when the proof shows this certificate issued in a head signed by the log key,
    else {"status": "proof_failed", "reason": …}. Never raises on a hostile document."""
    try:
        key_id, public_key = load_public_key(log_trust)
        sth = document.get("sth") if isinstance(document, Mapping) else None
        if not isinstance(sth, Mapping):
            raise ValueError("the proof has no signed tree head")
        size = _size(sth.get("tree_size"), "the head's tree size")
        timestamp = _size(sth.get("timestamp"), "the head's timestamp")
        root = _bytes(sth.get("root_hash"), "the root hash")
        if _bytes(sth.get("key_id"), "the key id") != key_id:
            raise ValueError("the head was signed by another log key")
        if not signature_holds(public_key, _bytes(sth.get("signature"), "the signature"),
                               formats.tree_head_bytes(timestamp_ms=timestamp, tree_size=size, root_hash=root)):
            raise ValueError("the tree head's signature does not hold")
        index = _size(document.get("leaf_index"), "the leaf index")
        data = _bytes(document.get("leaf_data"), "the leaf data")
        leaf = formats.Leaf.unpack(data)
        if leaf.event != formats.ISSUED or leaf.cose_sha256 != certificate_sha256:
            raise ValueError("the leaf is not this certificate's issue")
        path = document.get("audit_path")
        if not isinstance(path, list) or len(path) > 64:
            raise ValueError("the audit path is not a list of hashes")
        hashes = [_bytes(node, "a hash of the audit path") for node in path]
        if not merkle.verify_inclusion(index=index, size=size, leaf=merkle.leaf_hash(data), path=hashes,
                                       root_hash=root):
            raise ValueError("the audit path does not lead to the signed root")
    except ValueError as error:
        return {"status": "proof_failed", "recorded": False, "reason": str(error)}
    return {"status": "recorded", "recorded": True, "leaf_index": index, "tree_size": size,
            "tree_head_time": formats.from_millis(timestamp).isoformat()}
