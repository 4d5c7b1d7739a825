"""RFC 9162 §2.1 Merkle trees over a store of complete subtrees, with no Django in it.

A tree of n leaves is read through the hashes of its complete, power-of-two aligned subtrees: the subtree of
2**level leaves starting at leaf `offset` (a multiple of 2**level) is the key (level, offset). Level 0 keys are
the leaf hashes. Every range the RFC's definitions split a tree into (MTH, PATH, PROOF) is a concatenation of
such subtrees, so a root or a proof needs O(log n) stored hashes, never the leaves themselves; the store is
asked once per root or proof for all the keys it needs (`fetch(keys) -> {key: hash}`).

`Frontier` appends leaves one by one, yielding each subtree completed by an append: that is how the store is
filled, and how a monitor recomputes a whole log in O(log n) memory.

pymerkle 7 computes the same hashes, but stores only leaves (a cold process hashes 2**k leaves to get one
subtree), and its proofs are not in the RFC's form (the inclusion path carries the leaf and a bit rule, the
consistency path a mask): a monitor written from RFC 9162 could not check them without translation.
"""
import hashlib
from collections.abc import Callable, Iterable, Iterator

Key = tuple[int, int]  # (level, offset)
Fetch = Callable[[Iterable[Key]], dict[Key, bytes]]

EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}) = HASH()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(width: int) -> int:
    """k, the largest power of two smaller than width (width > 1)."""
    return 1 << ((width - 1).bit_length() - 1)


def subtrees(start: int, end: int) -> list[Key]:
    """The complete subtrees that make up a range of the tree, left to right.

    Every range that MTH recursion reaches starts at a multiple of the power of two above its width, so each
    piece (the range's width split into descending powers of two) is aligned."""
    keys = []
    offset = start
    for level in range((end - start).bit_length() - 1, -1, -1):
        if (end - start) >> level & 1:
            keys.append((level, offset))
            offset += 1 << level
    return keys


def fold(hashes: list[bytes]) -> bytes:
    """The root of a range from the hashes of its complete subtrees, left to right (RFC 9162's MTH)."""
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node_hash(left, root)
    return root


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose roots make up PATH(index, D[0:size]), in the RFC's order (nearest the leaf first)."""
    if not 0 <= index < size:
        raise ValueError("the leaf index must be below the tree size")
    ranges = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The ranges whose roots make up PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1), in the RFC's order."""
    if not 0 < first <= second:
        raise ValueError("a consistency proof needs 0 < first <= second")
    if first == second:
        return []
    ranges = []
    start, end, whole = 0, second, True  # `whole`: the RFC's b, the subtree is entirely inside the first tree
    m = first
    while True:
        width = end - start
        if m == width:
            if not whole:
                ranges.append((start, end))
            break
        k = split_point(width)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, whole = start + k, m - k, False
    ranges.reverse()
    return ranges


def _roots(ranges: list[tuple[int, int]], fetch: Fetch) -> list[bytes]:
    pieces = [subtrees(start, end) for start, end in ranges]
    found = fetch({key for keys in pieces for key in keys})
    missing = {key for keys in pieces for key in keys} - found.keys()
    if missing:
        raise LookupError(f"the log store lacks subtrees {sorted(missing)[:5]}")
    return [fold([found[key] for key in keys]) for keys in pieces]


def root(size: int, fetch: Fetch) -> bytes:
    return _roots([(0, size)], fetch)[0] if size else EMPTY_ROOT


def inclusion_proof(index: int, size: int, fetch: Fetch) -> list[bytes]:
    return _roots(inclusion_ranges(index, size), fetch)


def consistency_proof(first: int, second: int, fetch: Fetch) -> list[bytes]:
    return _roots(consistency_ranges(first, second), fetch)


def verify_inclusion(*, index: int, size: int, leaf: bytes, path: list[bytes], root_hash: bytes) -> bool:
    """RFC 9162 §2.1.3.2, step by step."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_consistency(*, first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2, step by step."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    if first & (first - 1) == 0:  # a power of two: the first tree is a subtree, its root starts the path
        proof = [first_root, *proof]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


class Frontier:
    """The right edge of a growing tree: the roots of its complete subtrees, largest first.

    `append` returns every subtree it completes as (level, offset, hash), the new leaf (level 0) first."""

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()):
        self.size = size
        self.hashes = list(hashes)
        if len(self.hashes) != bin(size).count("1"):
            raise ValueError("a frontier holds one hash per bit set in the tree size")

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        completed = [(0, self.size, leaf)]
        node, level, index = leaf, 0, self.size
        while index & 1:  # the left sibling is the frontier's last hash
            node = node_hash(self.hashes.pop(), node)
            level, index = level + 1, index >> 1
            completed.append((level, index << level, node))
        self.hashes.append(node)
        self.size += 1
        return completed

    def extend(self, leaves: Iterable[bytes]) -> Iterator[tuple[int, int, bytes]]:
        for leaf in leaves:
            yield from self.append(leaf)

    def root(self) -> bytes:
        return fold(self.hashes)

    def packed(self) -> bytes:
        return b"".join(self.hashes)

    @classmethod
    def unpack(cls, size: int, packed: bytes) -> "Frontier":
        return cls(size, [bytes(packed[i:i + 32]) for i in range(0, len(packed), 32)])
