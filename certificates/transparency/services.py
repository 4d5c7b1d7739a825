"""Appending to the certificate log and signing its tree heads.

Every append takes the lock of the single `LogHead` row, reads the next index and the tree's right edge from it,
and inserts the leaves and the subtrees they complete: two workers appending at once are serialised there and
can never give two leaves one index (a fork). The lock is taken by the certificate task as the last statement of
its transaction, so it is held only for the append and the commit, and never on the dose path."""
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
from .models import LogHead, LogLeaf, LogNode, SignedTreeHead


def certificate_sha256(qr_text: str) -> bytes:
    """The SHA-256 of a certificate's signed COSE message, which its leaf records."""
    return hashlib.sha256(dcc.message_bytes(qr_text)).digest()


def _head_locked() -> LogHead:
    head = LogHead.objects.select_for_update().filter(pk=LogHead.ROW).first()
    if head is None:  # a fresh database (or one a test flushed) has no head row yet
        LogHead.objects.bulk_create([LogHead(pk=LogHead.ROW)], ignore_conflicts=True)
        head = LogHead.objects.select_for_update().get(pk=LogHead.ROW)
    return head


@transaction.atomic(savepoint=False)
def log_leaves_append(*, entries: Iterable[tuple[int, int, datetime.datetime, bytes]]) -> list[int]:
    """Append one leaf per (certificate id, event, time, SHA-256 of the certificate); returns their indexes.

    Called inside the transaction that issues or revokes the certificates, so a leaf exists exactly when its
    certificate change is committed."""
    entries = list(entries)
    if not entries:
        return []
    head = _head_locked()
    frontier = Frontier.unpack(head.size, bytes(head.frontier))
    leaves, nodes = [], []
    for certificate_id, event, at, digest in entries:
        data = formats.Leaf(event, formats.millis(at), digest).pack()
        index = frontier.size
        hashed = leaf_hash(data)
        nodes.extend(LogNode(key=LogNode.key_for(level, offset), hash=value)
                     for level, offset, value in frontier.append(hashed) if level)
        leaves.append(LogLeaf(index=index, certificate_id=certificate_id, event=event, cose_sha256=digest,
                              leaf_data=data, leaf_hash=hashed))
    LogLeaf.objects.bulk_create(leaves, batch_size=5000)
    LogNode.objects.bulk_create(nodes, batch_size=5000)
    LogHead.objects.filter(pk=LogHead.ROW).update(size=frontier.size, frontier=frontier.packed())
    return [leaf.index for leaf in leaves]


def log_certificate_issued(*, certificate) -> int:
    return log_leaves_append(entries=[(certificate.pk, formats.ISSUED, certificate.issued_at,
                                       certificate_sha256(certificate.qr_text))])[0]


def log_certificates_revoked(*, certificates: Iterable[tuple[int, str]], at: datetime.datetime) -> list[int]:
    """One revocation leaf per (certificate id, QR text), under one lock, in certificate order."""
    return log_leaves_append(entries=[(pk, formats.REVOKED, at, certificate_sha256(qr_text))
                                      for pk, qr_text in sorted(certificates)])


@transaction.atomic
def tree_head_sign(*, now: datetime.datetime | None = None, min_interval_seconds: int = 0,
                   max_age_seconds: int | None = None) -> SignedTreeHead | None:
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
