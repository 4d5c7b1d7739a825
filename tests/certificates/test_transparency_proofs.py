"""The log's roots and proofs against RFC 9162 §2.1, written out again here as the RFC states it.

The reference below is a plain recursive transcription of the RFC's definitions (MTH, PATH, PROOF/SUBPROOF) over
a list of leaf data; it shares no code with certificates/transparency/merkle.py. The log is built through the
real service (leaves and subtrees in the database, appended in uneven batches with revocations between them), and
every root, every inclusion proof and every consistency proof it serves for sizes 1..70 must equal the reference's
and pass the RFC's verification algorithms; tampered proofs must not."""
import datetime
import hashlib

import pytest

from certificates.transparency import formats, merkle, selectors
from certificates.transparency.models import LogLeaf, LogNode
from certificates.transparency.services import log_leaves_append

SIZES = 70


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def MTH(entries: list[bytes]) -> bytes:  # noqa: N802 - the RFC's name
    n = len(entries)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return sha256(b"\x00" + entries[0])
    k = largest_power_of_two_below(n)
    return sha256(b"\x01" + MTH(entries[:k]) + MTH(entries[k:]))


def PATH(m: int, entries: list[bytes]) -> list[bytes]:  # noqa: N802
    n = len(entries)
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return PATH(m, entries[:k]) + [MTH(entries[k:])]
    return PATH(m - k, entries[k:]) + [MTH(entries[:k])]


def SUBPROOF(m: int, entries: list[bytes], b: bool) -> list[bytes]:  # noqa: N802
    n = len(entries)
    if m == n:
        return [] if b else [MTH(entries)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return SUBPROOF(m, entries[:k], b) + [MTH(entries[k:])]
    return SUBPROOF(m - k, entries[k:], False) + [MTH(entries[:k])]


def PROOF(m: int, entries: list[bytes]) -> list[bytes]:  # noqa: N802
    return SUBPROOF(m, entries, True)


@pytest.fixture
def log_of_70(certified):
    """70 leaves appended through the service in uneven batches, revocations among issues."""
    certificate = certified["certificate"]
    LogLeaf.objects.all().delete()
    LogNode.objects.all().delete()
    from certificates.transparency.models import LogHead

    LogHead.objects.all().delete()
    start = datetime.datetime(2021, 10, 1, tzinfo=datetime.UTC)
    batches = [1, 2, 1, 4, 7, 1, 16, 3, 5, 30]
    assert sum(batches) == SIZES
    number = 0
    for batch in batches:
        entries = []
        for _ in range(batch):
            event = formats.REVOKED if number % 5 == 4 else formats.ISSUED
            entries.append((certificate.pk, event, start + datetime.timedelta(minutes=number),
                            sha256(f"certificate {number}".encode())))
            number += 1
        log_leaves_append(entries=entries)
    data = [bytes(d) for d in LogLeaf.objects.order_by("index").values_list("leaf_data", flat=True)]
    assert len(data) == SIZES
    return data


def test_leaf_bytes_are_the_documented_layout(log_of_70):
    first = log_of_70[0]
    assert len(first) == 42
    assert first[0] == 1 and first[1] == formats.ISSUED
    assert int.from_bytes(first[2:10], "big") == int(datetime.datetime(2021, 10, 1, tzinfo=datetime.UTC)
                                                     .timestamp() * 1000)
    assert first[10:] == sha256(b"certificate 0")
    assert log_of_70[4][1] == formats.REVOKED
    stored = LogLeaf.objects.get(index=0)
    assert bytes(stored.leaf_hash) == sha256(b"\x00" + first)


def test_roots_of_every_size_match_the_rfc(log_of_70):
    assert merkle.root(0, selectors.subtree_hashes) == sha256(b"")
    for size in range(1, SIZES + 1):
        assert selectors.root_of_size(size) == MTH(log_of_70[:size]), size


def test_every_inclusion_proof_matches_the_rfc_and_verifies(log_of_70):
    for size in range(1, SIZES + 1):
        root = MTH(log_of_70[:size])
        for index in range(size):
            path = merkle.inclusion_proof(index, size, selectors.subtree_hashes)
            assert path == PATH(index, log_of_70[:size]), (index, size)
            leaf = sha256(b"\x00" + log_of_70[index])
            assert merkle.verify_inclusion(index=index, size=size, leaf=leaf, path=path, root_hash=root)
            # the same proof does not prove another leaf, another position, or another tree
            other = sha256(b"\x00" + log_of_70[(index + 1) % size])
            if size > 1:
                assert not merkle.verify_inclusion(index=index, size=size, leaf=other, path=path, root_hash=root)
                assert not merkle.verify_inclusion(index=(index + 1) % size, size=size, leaf=leaf, path=path,
                                                   root_hash=root)
            if path:
                bent = [*path[:-1], sha256(path[-1])]
                assert not merkle.verify_inclusion(index=index, size=size, leaf=leaf, path=bent, root_hash=root)
                assert not merkle.verify_inclusion(index=index, size=size, leaf=leaf, path=path[:-1],
                                                   root_hash=root)
            assert not merkle.verify_inclusion(index=index, size=size, leaf=leaf, path=[*path, root],
                                               root_hash=root)


def test_every_consistency_proof_matches_the_rfc_and_verifies(log_of_70):
    roots = {size: MTH(log_of_70[:size]) for size in range(1, SIZES + 1)}
    for second in range(1, SIZES + 1):
        for first in range(1, second + 1):
            proof = selectors.consistency_proof(first, second)
            assert proof == PROOF(first, log_of_70[:second]), (first, second)
            assert merkle.verify_consistency(first=first, second=second, first_root=roots[first],
                                             second_root=roots[second], proof=proof)
            if first < second:
                # a history rewritten before `first` (another first root) or a wrong later root is caught
                assert not merkle.verify_consistency(first=first, second=second, first_root=sha256(roots[first]),
                                                     second_root=roots[second], proof=proof)
                assert not merkle.verify_consistency(first=first, second=second, first_root=roots[first],
                                                     second_root=sha256(roots[second]), proof=proof)
                assert not merkle.verify_consistency(first=first, second=second, first_root=roots[first],
                                                     second_root=roots[second], proof=proof[:-1])


def test_the_frontier_grows_the_same_tree_as_the_rfc():
    data = [f"leaf {i}".encode() for i in range(SIZES)]
    frontier = merkle.Frontier()
    for size, entry in enumerate(data, start=1):
        frontier.append(sha256(b"\x00" + entry))
        assert frontier.root() == MTH(data[:size])
        restored = merkle.Frontier.unpack(frontier.size, frontier.packed())
        assert restored.root() == frontier.root()


def test_a_missing_subtree_is_an_error_not_a_wrong_proof(log_of_70):
    LogNode.objects.filter(key=LogNode.key_for(5, 32)).delete()  # the last sibling of leaf 0 in 64
    with pytest.raises(LookupError):
        merkle.inclusion_proof(0, 64, selectors.subtree_hashes)


def test_a_proof_reads_a_few_stored_hashes_not_the_leaves(log_of_70, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        path = merkle.inclusion_proof(0, SIZES, selectors.subtree_hashes)
    assert len(path) == 7
