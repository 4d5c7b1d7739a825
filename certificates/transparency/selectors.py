"""Reads of the certificate log: signed heads, proofs computed from stored subtrees, pages of leaves, and what
the verifier says about one certificate."""
import base64
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import router
from django.urls import reverse

from registry.db import hot_cursor

from ..models import Certificate
from . import formats, merkle
from .keys import log_key, signature_holds
from .models import LogHead, LogLeaf, LogNode, PendingLeaf, SignedTreeHead


def b64(value) -> str:
    return base64.b64encode(bytes(value)).decode()


def subtree_hashes(keys: Iterable[merkle.Key]) -> dict[merkle.Key, bytes]:
    """The stored hashes of these complete subtrees: at most one query for leaves and one for larger ones."""
    keys = set(keys)
    leaves = [offset for level, offset in keys if level == 0]
    nodes = [LogNode.key_for(level, offset) for level, offset in keys if level]
    found = {}
    if leaves:
        found.update(((0, index), bytes(value)) for index, value in
                     LogLeaf.objects.filter(index__in=leaves).values_list("index", "leaf_hash"))
    if nodes:
        found.update((LogNode.level_offset(key), bytes(value)) for key, value in
                     LogNode.objects.filter(key__in=nodes).values_list("key", "hash"))
    return found


def log_size() -> int:
    return LogHead.objects.filter(pk=LogHead.ROW).values_list("size", flat=True).first() or 0


def tree_head_latest() -> SignedTreeHead | None:
    return SignedTreeHead.objects.order_by("-tree_size").first()


def tree_head_of_size(size: int) -> SignedTreeHead | None:
    return SignedTreeHead.objects.filter(tree_size=size).first()


def root_of_size(size: int) -> bytes:
    return merkle.root(size, subtree_hashes)


def consistency_proof(first: int, second: int) -> list[bytes]:
    return merkle.consistency_proof(first, second, subtree_hashes)


def leaves_page(start: int, end: int) -> list[dict]:
    rows = LogLeaf.objects.filter(index__gte=start, index__lt=end).order_by("index").values_list(
        "index", "leaf_data")
    return [{"index": index, "leaf_data": b64(data)} for index, data in rows]


def _leaf_proof(leaf: LogLeaf, sth: SignedTreeHead) -> dict:
    path = merkle.inclusion_proof(leaf.index, sth.tree_size, subtree_hashes)
    return {"leaf_index": leaf.index, "event": formats.EVENT_NAMES[leaf.event], "leaf_data": b64(leaf.leaf_data),
            "leaf_hash": b64(leaf.leaf_hash), "audit_path": [b64(node) for node in path]}


def inclusion_for_uvci(uvci: str, *, tree_size: int | None = None) -> dict | None:
    """The proof that the certificate's issue (and its revocation, if logged) is in a signed head.

    None when no certificate has this UVCI; {"pending": True} while its leaf waits for an index or for a head."""
    certificate_id = Certificate.objects.filter(uvci=uvci).values_list("pk", flat=True).first()
    if certificate_id is None:
        return None
    leaves = {leaf.event: leaf for leaf in LogLeaf.objects.filter(certificate_id=certificate_id)
              .only("index", "event", "leaf_data", "leaf_hash")}
    issued = leaves.get(formats.ISSUED)
    if issued is None:
        queued = PendingLeaf.objects.filter(certificate_id=certificate_id, event=formats.ISSUED).exists()
        return {"pending": True} if queued else None
    sth = tree_head_of_size(tree_size) if tree_size is not None else tree_head_latest()
    if sth is None or issued.index >= sth.tree_size:
        return {"pending": True}
    answer = {"uvci": uvci, **_leaf_proof(issued, sth), "tree_size": sth.tree_size, "sth": sth.as_json()}
    revoked = leaves.get(formats.REVOKED)
    answer["revocation"] = _leaf_proof(revoked, sth) if revoked and revoked.index < sth.tree_size else None
    return answer


@dataclass(frozen=True)
class LogEntry:
    """Where the log holds a certificate's issue, as read with its revocation (`certificate_reads`)."""

    leaf: LogLeaf | None
    pending: bool


def certificate_reads_query(digest: bytes) -> tuple[str, list]:
    """What a verification reads, as one statement giving one row, from the SHA-256 of the signed message alone
    (nothing in the message is read before its signature holds): the log's leaf for its issue (or whether one
    waits for its index), and the certificate it belongs to, with its UVCI and status. `certificate_reads` runs it;
    `certificate_reads_answer` reads its row."""
    certificates, leaves, pending = (Certificate._meta.db_table, LogLeaf._meta.db_table,
                                     PendingLeaf._meta.db_table)
    waiting = f"SELECT certificate_id FROM {pending} WHERE cose_sha256 = %s AND event = %s LIMIT 1"
    sql = f"""
        SELECT leaf."index", leaf.certificate_id, leaf.leaf_data, ({waiting}), holder.uvci, holder.status
        FROM (SELECT 1 AS one) AS one
        LEFT JOIN {leaves} AS leaf ON leaf.cose_sha256 = %s AND leaf.event = %s
        LEFT JOIN {certificates} AS holder ON holder.id = COALESCE(leaf.certificate_id, ({waiting}))
        ORDER BY leaf."index" LIMIT 1"""
    return sql, [digest, formats.ISSUED] * 3


def certificate_reads_answer(row: tuple) -> tuple[tuple[str, bool] | None, LogEntry]:
    """The row of `certificate_reads_query`: the certificate's (UVCI, revoked or not), None when the message is
    none of ours; and where the log holds it."""
    index, certificate_id, leaf_data, waiting, uvci, status = row
    leaf = None
    if index is not None:
        leaf = LogLeaf(index=index, certificate_id=certificate_id, leaf_data=bytes(leaf_data))
        leaf.certificate = Certificate(pk=certificate_id, uvci=uvci)
    holder = (uvci, status == Certificate.Status.REVOKED) if uvci is not None else None
    return holder, LogEntry(leaf=leaf, pending=waiting is not None)


def certificate_reads(digest: bytes) -> tuple[tuple[str, bool] | None, LogEntry]:
    """`certificate_reads_query` in one round trip."""
    alias = router.db_for_read(LogLeaf)  # the replica inside @replica_reads, as the ORM would
    cursor = hot_cursor(alias)  # prepared once per connection: the public page every verifier posts to
    cursor.execute(*certificate_reads_query(digest))
    return certificate_reads_answer(cursor.fetchone())


def certificate_log_status(digest: bytes, *, entry: LogEntry | None = None) -> dict:
    """What the verifier shows about the certificate whose COSE message has this SHA-256.

    The proof is computed and then checked as any outside verifier would: the leaf's bytes name this
    certificate, the audit path leads to the head's root (RFC 9162 §2.1.3.2), and the head's signature holds.
    `entry`: the leaf as `certificate_reads` already found it."""
    if entry is None:
        leaf = (LogLeaf.objects.filter(cose_sha256=digest, event=formats.ISSUED)
                .select_related("certificate").only("index", "leaf_data", "leaf_hash", "certificate__uvci").first())
    else:
        leaf = entry.leaf
    if leaf is None:
        if entry.pending if entry is not None else PendingLeaf.objects.filter(
                cose_sha256=digest, event=formats.ISSUED).exists():
            return {"status": "pending", "recorded": False}
        return {"status": "not_found", "recorded": False}
    uvci = leaf.certificate.uvci
    answer = {"leaf_index": leaf.index, "proof_url": reverse("transparency:proof", args=[uvci])}
    sth = tree_head_latest()
    if sth is None or leaf.index >= sth.tree_size:
        return {"status": "pending", "recorded": False, **answer}
    path = merkle.inclusion_proof(leaf.index, sth.tree_size, subtree_hashes)
    key = log_key()
    holds = (formats.Leaf.unpack(bytes(leaf.leaf_data)).cose_sha256 == digest
             and merkle.verify_inclusion(index=leaf.index, size=sth.tree_size,
                                         leaf=merkle.leaf_hash(bytes(leaf.leaf_data)), path=path,
                                         root_hash=bytes(sth.root_hash))
             and bytes(sth.key_id) == key.key_id
             and signature_holds(key.private_key.public_key(), bytes(sth.signature), sth.signed_bytes()))
    revoked = LogLeaf.objects.filter(certificate_id=leaf.certificate_id, event=formats.REVOKED,
                                     index__lt=sth.tree_size).values_list("index", flat=True).first()
    return {"status": "recorded" if holds else "proof_failed", "recorded": holds, **answer,
            "tree_size": sth.tree_size, "tree_head_time": sth.timestamp.isoformat(),
            "root_hash": b64(sth.root_hash), "revocation_leaf_index": revoked}
