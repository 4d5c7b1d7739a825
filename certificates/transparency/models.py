"""The certificate log's tables (RFC 9162 hashing; byte formats in formats.py).

Leaves and the subtrees they complete are only ever inserted, under the lock of the single `LogHead` row, which
also holds the tree's size and its right edge so that an append reads no other row."""
import base64

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import formats


class LogHead(models.Model):
    """The one row every append locks: the next leaf index is its `size`."""

    ROW = 1
    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW)
    size = models.BigIntegerField(_("tree size"), default=0)
    frontier = models.BinaryField(_("roots of the complete subtrees on the right edge"), default=b"")

    class Meta:
        verbose_name = _("certificate log head")


class LogLeaf(models.Model):
    class Event(models.IntegerChoices):
        ISSUED = formats.ISSUED, _("issued")
        REVOKED = formats.REVOKED, _("revoked")

    index = models.BigIntegerField(_("leaf index"), primary_key=True)
    certificate = models.ForeignKey("certificates.Certificate", verbose_name=_("certificate"),
                                    on_delete=models.PROTECT, related_name="log_leaves",
                                    db_index=False)  # the (certificate, event) index serves
    event = models.PositiveSmallIntegerField(_("event"), choices=Event.choices)
    cose_sha256 = models.BinaryField(_("SHA-256 of the signed certificate"), max_length=32, db_index=True)
    leaf_data = models.BinaryField(_("leaf data"), max_length=formats.LEAF_SIZE)
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)

    class Meta:
        verbose_name = _("certificate log leaf")
        verbose_name_plural = _("certificate log leaves")
        indexes = [models.Index(fields=["certificate", "event"], name="logleaf_certificate_event")]


class PendingLeaf(models.Model):
    """A leaf written by the transaction that issued or revoked its certificate, waiting for its index.

    The certificate task sequences the queue under the head's lock once per batch (and beat sweeps what a lost
    task left), so an issue costs one plain INSERT and workers never queue behind each other certificate by
    certificate."""

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="+")
    event = models.PositiveSmallIntegerField(choices=LogLeaf.Event.choices)
    cose_sha256 = models.BinaryField(max_length=32, db_index=True)
    leaf_data = models.BinaryField(max_length=formats.LEAF_SIZE)

    class Meta:
        verbose_name = _("certificate log leaf waiting for its index")


class LogNode(models.Model):
    """The hash of a complete subtree of 2**level leaves from leaf `offset` (level >= 1; leaves are level 0).

    The key packs both: offset * 64 + level (offset is a multiple of 2**level, level below 64)."""

    key = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("certificate log subtree")

    @staticmethod
    def key_for(level: int, offset: int) -> int:
        return offset * 64 + level

    @staticmethod
    def level_offset(key: int) -> tuple[int, int]:
        return key % 64, key // 64


class SignedTreeHead(models.Model):
    """A signed (size, root, time). A size is signed once; re-signing it (the log did not grow) moves the time."""

    tree_size = models.BigIntegerField(_("tree size"), unique=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    timestamp_ms = models.BigIntegerField(_("time signed (ms since 1970)"))
    signature = models.BinaryField(_("signature"), max_length=80)
    key_id = models.BinaryField(_("log key id"), max_length=32)

    class Meta:
        verbose_name = _("signed tree head")
        ordering = ["-tree_size"]

    @property
    def timestamp(self):
        return formats.from_millis(self.timestamp_ms)

    def signed_bytes(self) -> bytes:
        return formats.tree_head_bytes(timestamp_ms=self.timestamp_ms, tree_size=self.tree_size,
                                       root_hash=bytes(self.root_hash))

    def as_json(self) -> dict:
        b64 = lambda value: base64.b64encode(bytes(value)).decode()  # noqa: E731
        return {"tree_size": self.tree_size, "timestamp": self.timestamp_ms,
                "time": self.timestamp.isoformat(), "root_hash": b64(self.root_hash),
                "signature": b64(self.signature), "signature_algorithm": "ecdsa-p256-sha256",
                "key_id": b64(self.key_id)}
