"""`manage.py log_audit`, the monitor: a log that holds together passes; a changed leaf, a forged head, a lost leaf
or subtree, and a rewritten history each make it fail loudly, naming the first bad leaf or head."""
import datetime
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from certificates.transparency import formats
from certificates.transparency.keys import log_key
from certificates.transparency.merkle import Frontier, leaf_hash
from certificates.transparency.models import LogHead, LogLeaf, LogNode, SignedTreeHead
from certificates.transparency.services import log_leaves_append, tree_head_sign

HEADS = (5, 12, 20)


@pytest.fixture
def audited_log(certified):
    """20 leaves (the certified person's certificate and 19 more events for it), heads signed at 5, 12 and 20."""
    certificate = certified["certificate"]
    SignedTreeHead.objects.all().delete()
    start = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
    for number in range(1, 20):
        event = formats.REVOKED if number % 4 == 0 else formats.ISSUED
        log_leaves_append(entries=[(certificate.pk, event, start + datetime.timedelta(hours=number),
                                    hashlib.sha256(bytes([number])).digest())])
        if number + 1 in HEADS:
            tree_head_sign(now=start + datetime.timedelta(hours=number, minutes=1))
    assert list(SignedTreeHead.objects.order_by("tree_size").values_list("tree_size", flat=True)) == list(HEADS)
    return certificate


def _audit(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("log_audit", *args, stdout=out)
    return out.getvalue()


def _fails(*args) -> str:
    with pytest.raises(CommandError) as failure:
        _audit(*args)
    return str(failure.value)


def _change_leaf(index: int, *, rehash: bool) -> None:
    leaf = LogLeaf.objects.get(index=index)
    data = bytearray(leaf.leaf_data)
    data[-1] ^= 0x01  # another certificate's hash
    leaf.leaf_data = bytes(data)
    if rehash:
        leaf.leaf_hash = leaf_hash(bytes(data))
    leaf.save()


def test_a_sound_log_passes(audited_log):
    assert _audit() == "The certificate log holds together: 20 leaves, 3 signed tree heads checked.\n"


def test_a_changed_leaf_is_named(audited_log):
    _change_leaf(7, rehash=False)
    assert _fails().splitlines()[1].strip() == "leaf 7: its stored hash is not SHA-256(0x00 || its data)"


def test_a_changed_leaf_with_its_hash_fails_at_the_first_head_covering_it(audited_log):
    _change_leaf(7, rehash=True)
    problems = [line.strip() for line in _fails().splitlines()[1:]]
    assert problems[0] == ("signed tree head of size 12: its root is not the root of leaves 0..11 (a leaf was "
                           "changed or history rewritten)")
    assert "the stored subtree of leaves 6..7 differs from the leaves: proofs built on it are wrong" in problems
    assert not any("size 5" in problem for problem in problems)  # the head before the change still holds


def test_a_forged_or_unsigned_head_is_named(audited_log):
    SignedTreeHead.objects.filter(tree_size=12).update(root_hash=b"\x07" * 32)
    problems = _fails()
    assert "signed tree head of size 12: the signature does not hold for its size, time and root" in problems
    assert "signed tree head of size 12: its root is not the root of leaves 0..11" in problems


def test_a_head_beyond_the_leaves_and_a_lost_leaf(audited_log):
    LogLeaf.objects.filter(index=19).delete()
    assert "signed tree head of size 20: the log holds only 19 leaves" in _fails()
    LogLeaf.objects.filter(index=10).delete()
    assert "leaf 10 is missing (the next stored leaf is 11)" in _fails()


def test_a_corrupted_stored_subtree_is_named(audited_log):
    LogNode.objects.filter(key=LogNode.key_for(3, 8)).update(hash=b"\x00" * 32)
    assert _fails().splitlines()[1].strip() == ("the stored subtree of leaves 8..15 differs from the leaves: "
                                                "proofs built on it are wrong")


def _rewrite_history(index: int) -> None:
    """What an insider holding the log key could do: change a leaf, rebuild every subtree and the head row from
    the leaves, and sign every head again. Nothing in the database then contradicts itself."""
    _change_leaf(index, rehash=True)
    frontier, roots = Frontier(), {}
    LogNode.objects.all().delete()
    for data in LogLeaf.objects.order_by("index").values_list("leaf_data", flat=True):
        LogNode.objects.bulk_create([LogNode(key=LogNode.key_for(level, offset), hash=value) for level, offset, value
                                     in frontier.append(leaf_hash(bytes(data))) if level])
        roots[frontier.size] = frontier.root()
    LogHead.objects.update(size=frontier.size, frontier=frontier.packed())
    key = log_key()
    for head in SignedTreeHead.objects.all():
        head.root_hash = roots[head.tree_size]
        head.signature = key.sign(head.signed_bytes())
        head.save()


def test_a_rewritten_history_is_caught_by_a_monitor_that_kept_the_heads(audited_log, client, tmp_path):
    kept = tmp_path / "heads.json"
    kept.write_text(json.dumps([client.get(f"/transparency/sth/{size}.json").json() for size in HEADS]))
    _rewrite_history(3)
    # the database alone now agrees with itself: only the heads published before show the rewrite
    assert "3 signed tree heads checked" in _audit()
    problems = [line.strip() for line in _fails("--kept-heads", str(kept)).splitlines()[1:]]
    assert problems[0] == ("kept head 1: its root is not the root of leaves 0..4 (a leaf was changed or history "
                           "rewritten)")
    assert len(problems) == 3


def test_heads_signed_by_another_key_fail_against_the_published_trust_list(audited_log, client, tmp_path):
    from certificates.transparency.keys import log_keygen

    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps(client.get("/certificates/trust-list.json").json()))
    assert "3 signed tree heads" in _audit("--trust-list", str(trust))
    other = log_keygen(tmp_path / "other.pem")  # a stolen database, heads re-signed with a key nobody trusts
    for head in SignedTreeHead.objects.all():
        head.key_id, head.signature = other.key_id, other.sign(head.signed_bytes())
        head.save()
    try:
        assert "signed tree head of size 5: signed by another key" in _fails("--trust-list", str(trust))
    finally:
        from certificates.transparency.keys import log_key_cache_clear

        log_key_cache_clear()


def test_unreadable_files_are_refused_clearly(audited_log, tmp_path):
    broken = tmp_path / "heads.json"
    broken.write_text("[{\"tree_size\": 5}]")
    assert _fails("--kept-heads", str(broken)).startswith("Cannot read the file given: kept head 1 cannot be read")
    assert _fails("--trust-list", str(tmp_path / "missing.json")).startswith("Cannot read the file given")
