"""The monitor: recompute the whole log from its leaves and hold every signed head, and every stored subtree the
proofs are built from, against it. Memory stays O(log n) plus one chunk of leaves, whatever the log's size."""
import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import formats
from .keys import key_id_for, load_public_key, public_key_der, signature_holds
from .merkle import Frontier, leaf_hash
from .models import LogHead, LogLeaf, LogNode, SignedTreeHead

CHUNK = 4096  # leaves read per query; a power of two, so each chunk completes its own subtrees
MAX_PROBLEMS = 20


@dataclass
class Report:
    leaves: int = 0
    heads: int = 0
    known_heads: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


@dataclass(frozen=True)
class Head:
    tree_size: int
    timestamp_ms: int
    root_hash: bytes
    signature: bytes
    key_id: bytes
    name: str

    def signed_bytes(self) -> bytes:
        return formats.tree_head_bytes(timestamp_ms=self.timestamp_ms, tree_size=self.tree_size,
                                       root_hash=self.root_hash)


def head_from_json(document: Mapping, number: int) -> Head:
    """A head a monitor kept, as /transparency/sth.json served it. Raises ValueError."""
    try:
        return Head(int(document["tree_size"]), int(document["timestamp"]),
                    base64.b64decode(document["root_hash"], validate=True),
                    base64.b64decode(document["signature"], validate=True),
                    base64.b64decode(document["key_id"], validate=True), f"kept head {number}")
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"kept head {number} cannot be read: {error}") from error


def _published_heads() -> list[Head]:
    return [Head(size, ts, bytes(root), bytes(sig), bytes(kid), f"signed tree head of size {size}")
            for size, ts, root, sig, kid in SignedTreeHead.objects.order_by("tree_size").values_list(
                "tree_size", "timestamp_ms", "root_hash", "signature", "key_id")]


def _check_signatures(heads: Iterable[Head], public_key, report: Report, *, in_order: bool) -> None:
    """`in_order`: the heads are the log's own, by size, and each must be signed later than the one before."""
    key_id = key_id_for(public_key_der(public_key))
    previous = None
    for head in heads:
        if head.key_id != key_id:
            report.add(f"{head.name}: signed by another key (key id {base64.b64encode(head.key_id).decode()})")
        elif not signature_holds(public_key, head.signature, head.signed_bytes()):
            report.add(f"{head.name}: the signature does not hold for its size, time and root")
        if in_order and previous and head.timestamp_ms <= previous.timestamp_ms:
            report.add(f"{head.name}: signed no later than the smaller head of size {previous.tree_size}")
        previous = head


def _check_nodes(expected: dict[int, bytes], report: Report) -> None:
    stored = {key: bytes(value) for key, value in LogNode.objects.filter(key__in=expected).values_list("key", "hash")}
    for key in sorted(expected, key=lambda k: LogNode.level_offset(k)[::-1]):
        level, offset = LogNode.level_offset(key)
        if stored.get(key) != expected[key]:
            what = "is missing" if key not in stored else "differs from the leaves"
            report.add(f"the stored subtree of leaves {offset}..{offset + (1 << level) - 1} {what}: "
                       "proofs built on it are wrong")


def log_audit(*, public_key=None, trust_entry: Mapping | None = None, kept: Iterable[Head] = ()) -> Report:
    """Recompute every leaf hash, subtree and root from the leaves' data; compare each published head (and each
    head a monitor kept from earlier) with the root of its size, and check every head's signature."""
    if trust_entry is not None:
        _key_id, public_key = load_public_key(trust_entry)
    if public_key is None:
        from .keys import log_key

        public_key = log_key().private_key.public_key()
    report = Report()
    heads, kept = _published_heads(), list(kept)
    report.heads, report.known_heads = len(heads), len(kept)
    _check_signatures(heads, public_key, report, in_order=True)
    _check_signatures(kept, public_key, report, in_order=False)
    waiting: dict[int, list[Head]] = {}
    for head in heads + kept:
        waiting.setdefault(head.tree_size, []).append(head)
    frontier = Frontier()
    for head in waiting.pop(0, []):
        if head.root_hash != frontier.root():
            report.add(f"{head.name}: the root of the empty log differs")
    last = -1
    while True:
        rows = list(LogLeaf.objects.filter(index__gt=last).order_by("index")
                    .values_list("index", "leaf_data", "leaf_hash")[:CHUNK])
        if not rows:
            break
        expected_nodes = {}
        for index, data, stored in rows:
            data, stored = bytes(data), bytes(stored)
            if index != frontier.size:
                report.add(f"leaf {frontier.size} is missing (the next stored leaf is {index})")
                return report
            try:
                formats.Leaf.unpack(data)
            except ValueError as error:
                report.add(f"leaf {index}: {error}")
            hashed = leaf_hash(data)
            if hashed != stored:
                report.add(f"leaf {index}: its stored hash is not SHA-256(0x00 || its data)")
            for level, offset, value in frontier.append(hashed):
                if level:
                    expected_nodes[LogNode.key_for(level, offset)] = value
            for head in waiting.pop(frontier.size, []):
                if head.root_hash != frontier.root():
                    report.add(f"{head.name}: its root is not the root of leaves 0..{frontier.size - 1} "
                               "(a leaf was changed or history rewritten)")
        _check_nodes(expected_nodes, report)
        last = rows[-1][0]
    report.leaves = frontier.size
    for size, pending in sorted(waiting.items()):
        for head in pending:
            report.add(f"{head.name}: the log holds only {frontier.size} leaves")
    state = LogHead.objects.filter(pk=LogHead.ROW).values_list("size", "frontier").first()
    if frontier.size and (state is None or state[0] != frontier.size or bytes(state[1]) != frontier.packed()):
        report.add(f"the log head row does not describe the {frontier.size} leaves (appends would go wrong)")
    extra = LogNode.objects.count() - sum(frontier.size >> level for level in range(1, 64))
    if extra:
        report.add(f"{extra} stored subtrees more than the leaves make")
    return report
