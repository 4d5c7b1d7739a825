"""Appending to the certificate log and signing its tree heads.

The transaction that issues or revokes a certificate queues its leaf (one INSERT, no lock). The certificate
task then sequences the queue once per batch: under the lock of the single `LogHead` row it reads the next
index and the tree's right edge, gives the queued leaves their indexes in queue order, and inserts them with
the subtrees they complete. Two workers sequencing at once are serialised on that row and can never give two
leaves one index (a fork); no worker waits on the lock certificate by certificate, and the dose path never
touches the log."""
import datetime
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import dcc
from . import formats
from .keys import log_key
from .merkle import Frontier, leaf_hash
from .models import LogHead, LogLeaf, LogNode, PendingLeaf, SignedTreeHead


def certificate_sha256(qr_text: str) -> bytes:
    """The SHA-256 of a certificate's signed COSE message, which its leaf records."""
    return message_sha256(dcc.message_bytes(qr_text))


def message_sha256(message: bytes) -> bytes:
    """`certificate_sha256` of a message already taken out of its QR text (`dcc.message_bytes`)."""
    return hashlib.sha256(message).digest()


def _head_locked() -> LogHead:
    head = LogHead.objects.select_for_update().filter(pk=LogHead.ROW).first()
    if head is None:  # a fresh database (or one a test flushed) has no head row yet
        LogHead.objects.bulk_create([LogHead(pk=LogHead.ROW)], ignore_conflicts=True)
        head = LogHead.objects.select_for_update().get(pk=LogHead.ROW)
    return head


def log_leaves_queue(*, entries: Iterable[tuple[int, int, datetime.datetime, bytes]]) -> int:
    """Queue one leaf per (certificate id, event, time, SHA-256 of the certificate), in the caller's transaction,
    so that a leaf is waiting exactly when its certificate change is committed."""
    rows = [PendingLeaf(certificate_id=certificate_id, event=event, cose_sha256=digest,
                        leaf_data=formats.Leaf(event, formats.millis(at), digest).pack())
            for certificate_id, event, at, digest in entries]
    PendingLeaf.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _sequence(head: LogHead, limit: int) -> int:
    """Give queued leaves their indexes (caller holds the head's lock). Returns how many."""
    pending = list(PendingLeaf.objects.order_by("pk").values_list("pk", "certificate_id", "event", "cose_sha256",
                                                                  "leaf_data")[:limit])
    if not pending:
        return 0
    frontier = Frontier.unpack(head.size, bytes(head.frontier))
    leaves, nodes = [], []
    for _pk, certificate_id, event, digest, data in pending:
        data, index = bytes(data), frontier.size
        hashed = leaf_hash(data)
        nodes.extend(LogNode(key=LogNode.key_for(level, offset), hash=value)
                     for level, offset, value in frontier.append(hashed) if level)
        leaves.append(LogLeaf(index=index, certificate_id=certificate_id, event=event, cose_sha256=bytes(digest),
                              leaf_data=data, leaf_hash=hashed))
    PendingLeaf.objects.filter(pk__in=[row[0] for row in pending]).delete()
    LogLeaf.objects.bulk_create(leaves, batch_size=5000)
    LogNode.objects.bulk_create(nodes, batch_size=5000)
    LogHead.objects.filter(pk=LogHead.ROW).update(size=frontier.size, frontier=frontier.packed())
    head.size, head.frontier = frontier.size, frontier.packed()
    return len(leaves)


@transaction.atomic
def log_sequence(*, limit: int | None = None) -> int:
    """Sequence up to `limit` queued leaves (LOG_SEQUENCE_BATCH) under the head's lock."""
    return _sequence(_head_locked(), limit or settings.LOG_SEQUENCE_BATCH)


@transaction.atomic
def log_leaves_append(*, entries: Iterable[tuple[int, int, datetime.datetime, bytes]]) -> list[int]:
    """Queue and sequence at once; returns the new leaves' indexes (tools and tests)."""
    count = log_leaves_queue(entries=entries)
    head = _head_locked()
    before = head.size
    while _sequence(head, settings.LOG_SEQUENCE_BATCH):
        pass
    return list(range(before, before + count))


def log_certificate_issued(*, certificate) -> None:
    log_leaves_queue(entries=[(certificate.pk, formats.ISSUED, certificate.issued_at,
                               certificate_sha256(certificate.qr_text))])


def log_certificates_revoked(*, certificates: Iterable[tuple[int, str]], at: datetime.datetime) -> int:
    """One revocation leaf per (certificate id, QR text), queued set-wise in certificate order."""
    return log_leaves_queue(entries=[(pk, formats.REVOKED, at, certificate_sha256(qr_text))
                                     for pk, qr_text in sorted(certificates)])


def tree_head_sign(*, now: datetime.datetime | None = None, min_interval_seconds: int = 0,
                   max_age_seconds: int | None = None) -> SignedTreeHead | None:
    """Sequence the queue (a transaction per LOG_SEQUENCE_BATCH leaves, so a recall of a million certificates
    never holds the lock for long), then sign the tree as it stands (see `_tree_head_sign`)."""
    batch = settings.LOG_SEQUENCE_BATCH
    while log_sequence(limit=batch) == batch:
        pass
    return _tree_head_sign(now=now, min_interval_seconds=min_interval_seconds, max_age_seconds=max_age_seconds)


@transaction.atomic
def _tree_head_sign(*, now: datetime.datetime | None, min_interval_seconds: int,
                    max_age_seconds: int | None) -> SignedTreeHead | None:
    """Sign the log's current size and root, when there is something new to sign.

    A tree that grew is signed unless the latest head is younger than `min_interval_seconds` (then the beat
    signs it shortly); a tree that did not grow is re-signed with a new time once its head is older than
    `max_age_seconds`, so that monitors see the log is alive. Returns the head now current, or None when
    signing was left for later."""
    head = _head_locked()
    latest = SignedTreeHead.objects.order_by("-tree_size").first()
    now_ms = formats.millis(now or timezone.now())
    age_ms = now_ms - latest.timestamp_ms if latest else None
    if latest is not None and latest.tree_size == head.size:
        if max_age_seconds is None or age_ms < max_age_seconds * 1000:
            return latest
    elif latest is not None and age_ms < min_interval_seconds * 1000:
        return None
    # Later heads never carry an earlier time, even when two workers' clocks differ a little.
    timestamp_ms = max(now_ms, latest.timestamp_ms + 1) if latest else now_ms
    root = Frontier.unpack(head.size, bytes(head.frontier)).root()
    key = log_key()
    signature = key.sign(formats.tree_head_bytes(timestamp_ms=timestamp_ms, tree_size=head.size, root_hash=root))
    sth, _created = SignedTreeHead.objects.update_or_create(
        tree_size=head.size,
        defaults={"root_hash": root, "timestamp_ms": timestamp_ms, "signature": signature, "key_id": key.key_id})
    return sth


def tree_head_after_batch() -> SignedTreeHead | None:
    return tree_head_sign(min_interval_seconds=settings.LOG_STH_MIN_SECONDS)
