"""The public certificate log as its users meet it: leaves for every issue, re-issue and revocation, signed tree
heads, the JSON endpoints (and their refusals), and the verifier's page, API and offline command."""
import base64
import datetime
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certificates import dcc
from certificates.keys import signer
from certificates.models import Certificate
from certificates.services import certificates_revoke_for_lot
from certificates.tasks import certificates_issue, log_tree_head_sign
from certificates.transparency import formats, merkle
from certificates.transparency.keys import load_public_key, signature_holds
from certificates.transparency.models import LogLeaf, PendingLeaf, SignedTreeHead
from certificates.transparency.services import log_sequence, tree_head_sign
from vaccination.services.reactions import dose_correct


def _cose_sha256(qr: str) -> bytes:
    return hashlib.sha256(dcc.message_bytes(qr)).digest()


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


@pytest.fixture
def reissued(certified):
    """The certified person's certificate (leaf 0, in the head of size 1 its batch signed) and a re-issue of it
    (leaf 1) a moment later, within LOG_STH_MIN_SECONDS: that batch leaves its head to beat."""
    certificates_issue([certified["doses"][1].pk], force=True)
    return certified


@pytest.fixture
def logged(reissued):
    """Both certificates' leaves covered by a signed tree head (of size 2)."""
    tree_head_sign()
    return reissued


def test_every_issue_reissue_and_revocation_appends_one_leaf(certified, world, lot,
                                                             django_capture_on_commit_callbacks):
    person = certified["person"]
    current = certified["certificate"]
    # the two doses confirmed together signed one certificate: one "issued" leaf with the hash of its message
    leaves = list(LogLeaf.objects.order_by("index"))
    assert [(leaf.index, leaf.certificate_id, leaf.event) for leaf in leaves] == [(0, current.pk, formats.ISSUED)]
    data = formats.Leaf.unpack(bytes(leaves[0].leaf_data))
    assert data.cose_sha256 == _cose_sha256(current.qr_text)
    assert data.at_ms == formats.millis(current.issued_at)
    assert bytes(leaves[0].leaf_hash) == hashlib.sha256(b"\x00" + bytes(leaves[0].leaf_data)).digest()
    certificates_issue([d.pk for d in certified["doses"]])  # the task again: nothing new signed, nothing logged
    assert LogLeaf.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        dose_correct(actor=world["site_staff_phuc_xa"], dose_id=certified["doses"][1].pk,
                     given_at=certified["doses"][1].given_at - datetime.timedelta(hours=1), reason="giờ tiêm")
    reissued = Certificate.objects.get(person=person, status="valid")
    assert (LogLeaf.objects.get(index=1).certificate_id, LogLeaf.objects.get(index=1).event) == (
        reissued.pk, formats.ISSUED)

    # the recall revokes the superseded certificate too: one revocation leaf each, in certificate order, given
    # their indexes by the task that runs after the recall commits
    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_revoke_for_lot(actor=world["national"], lot_id=lot.pk, reason="Thu hồi lô") == 2
        assert LogLeaf.objects.count() == 2 and PendingLeaf.objects.count() == 2
    revocations = list(LogLeaf.objects.filter(index__gte=2).order_by("index"))
    assert [(leaf.certificate_id, leaf.event) for leaf in revocations] == [
        (current.pk, formats.REVOKED), (reissued.pk, formats.REVOKED)]
    assert formats.Leaf.unpack(bytes(revocations[1].leaf_data)).cose_sha256 == _cose_sha256(reissued.qr_text)
    assert LogLeaf.objects.count() == 4 and not PendingLeaf.objects.exists()


def test_a_recalled_lot_is_logged_set_wise(world, lot, django_user_model, django_assert_max_num_queries):
    """Revoking 12 certificates queues their 12 leaves in one statement, and one lock gives them their indexes."""
    from tests.certificates.test_transparency_concurrency import confirmed_people

    confirmed_people(world, lot, django_user_model, 12)
    before = LogLeaf.objects.count()
    with django_assert_max_num_queries(10):
        assert certificates_revoke_for_lot(actor=world["national"], lot_id=lot.pk, reason="Thu hồi") == 12
    assert PendingLeaf.objects.count() == 12
    with django_assert_max_num_queries(10):
        assert log_sequence() == 12
    revoked = list(LogLeaf.objects.filter(index__gte=before).order_by("index").values_list("event", "certificate_id"))
    assert [event for event, _pk in revoked] == [formats.REVOKED] * 12
    assert [pk for _event, pk in revoked] == sorted(pk for _event, pk in revoked)


def test_tree_heads_after_a_batch_and_from_beat(reissued, settings):
    # the first batch signed a head of size 1; the re-issue came within LOG_STH_MIN_SECONDS and was left to beat
    assert list(SignedTreeHead.objects.values_list("tree_size", flat=True)) == [1]
    assert log_tree_head_sign() == 2
    latest = SignedTreeHead.objects.get(tree_size=2)
    # nothing new: beat leaves the head alone until LOG_STH_MAX_MINUTES have passed, then signs it again
    assert log_tree_head_sign() == 2 and SignedTreeHead.objects.get(tree_size=2).timestamp_ms == latest.timestamp_ms
    later = timezone.now() + datetime.timedelta(minutes=settings.LOG_STH_MAX_MINUTES + 1)
    again = tree_head_sign(now=later, max_age_seconds=settings.LOG_STH_MAX_MINUTES * 60)
    assert again.tree_size == 2 and again.timestamp_ms > latest.timestamp_ms
    assert SignedTreeHead.objects.count() == 2


def test_signed_heads_verify_with_the_key_in_the_trust_list(logged, client):
    trust = client.get(reverse("certificates:trust_list")).json()
    assert dcc.trust_list_load(trust)[signer().kid]  # certificate keys unchanged by the log entry
    assert all(key["certificate"] != trust["log"]["public_key"] for key in trust["keys"])
    key_id, public_key = load_public_key(trust["log"])

    sth = client.get("/transparency/sth.json")
    assert sth.status_code == 200 and sth["Access-Control-Allow-Origin"] == "*"
    head = sth.json()
    assert head["tree_size"] == 2 and _b64(head["key_id"]) == key_id
    signed = formats.tree_head_bytes(timestamp_ms=head["timestamp"], tree_size=2, root_hash=_b64(head["root_hash"]))
    assert signature_holds(public_key, _b64(head["signature"]), signed)
    assert not signature_holds(public_key, _b64(head["signature"]),
                               formats.tree_head_bytes(timestamp_ms=head["timestamp"], tree_size=3,
                                                       root_hash=_b64(head["root_hash"])))
    leaves = [bytes(d) for d in LogLeaf.objects.order_by("index").values_list("leaf_data", flat=True)]
    assert _b64(head["root_hash"]) == merkle.node_hash(merkle.leaf_hash(leaves[0]), merkle.leaf_hash(leaves[1]))

    assert client.get("/transparency/sth/1.json").json()["tree_size"] == 1
    assert client.get("/transparency/sth/7.json").status_code == 404


def test_proof_of_a_certificate_checks_out_and_shows_its_revocation(logged, world, lot, client):
    certificate = Certificate.objects.get(person=logged["person"], status="valid")
    answer = client.get(f"/transparency/proof/{certificate.uvci}.json").json()
    assert (answer["leaf_index"], answer["tree_size"], answer["event"]) == (1, 2, "issued")
    assert formats.Leaf.unpack(_b64(answer["leaf_data"])).cose_sha256 == _cose_sha256(certificate.qr_text)
    assert merkle.verify_inclusion(index=1, size=2, leaf=merkle.leaf_hash(_b64(answer["leaf_data"])),
                                   path=[_b64(p) for p in answer["audit_path"]],
                                   root_hash=_b64(answer["sth"]["root_hash"]))
    assert answer["revocation"] is None

    certificates_revoke_for_lot(actor=world["national"], lot_id=lot.pk, reason="Thu hồi lô")  # leaves 2 and 3
    tree_head_sign()
    answer = client.get(f"/transparency/proof/{certificate.uvci}.json").json()
    assert answer["tree_size"] == 4 and answer["revocation"]["leaf_index"] == 3
    assert merkle.verify_inclusion(index=3, size=4, leaf=merkle.leaf_hash(_b64(answer["revocation"]["leaf_data"])),
                                   path=[_b64(p) for p in answer["revocation"]["audit_path"]],
                                   root_hash=_b64(answer["sth"]["root_hash"]))
    # against an older head, on request
    older = client.get(f"/transparency/proof/{certificate.uvci}.json?tree_size=2").json()
    assert older["tree_size"] == 2 and older["revocation"] is None


def test_consistency_and_leaves_for_monitors(logged, world, lot, client):
    certificates_revoke_for_lot(actor=world["national"], lot_id=lot.pk, reason="Thu hồi lô")
    tree_head_sign()
    heads = {size: client.get(f"/transparency/sth/{size}.json").json() for size in (1, 2, 4)}
    for first, second in ((1, 4), (2, 4), (1, 2)):
        proof = client.get(f"/transparency/consistency?first={first}&second={second}").json()
        assert merkle.verify_consistency(first=first, second=second, first_root=_b64(heads[first]["root_hash"]),
                                         second_root=_b64(heads[second]["root_hash"]),
                                         proof=[_b64(p) for p in proof["consistency_path"]])
    page = client.get("/transparency/leaves?start=1&end=4").json()
    assert [leaf["index"] for leaf in page["leaves"]] == [1, 2, 3]
    data = [bytes(LogLeaf.objects.get(index=0).leaf_data)] + [_b64(leaf["leaf_data"]) for leaf in page["leaves"]]
    assert [formats.Leaf.unpack(d).event for d in data] == [1, 1, 2, 2]
    hashes = [merkle.leaf_hash(d) for d in data]
    assert merkle.node_hash(merkle.node_hash(*hashes[:2]), merkle.node_hash(*hashes[2:])) == _b64(
        heads[4]["root_hash"])


@pytest.mark.parametrize("url, names", [
    ("/transparency/consistency", "first"),
    ("/transparency/consistency?first=1", "second"),
    ("/transparency/consistency?first=abc&second=2", "first"),
    ("/transparency/consistency?first=-1&second=2", "first"),
    ("/transparency/consistency?first=1&second=99999999999999999999999", "second"),
    ("/transparency/consistency?first=2&second=1", "2"),
    ("/transparency/consistency?first=1&second=3", "2"),
    ("/transparency/consistency?first=0&second=2", "2"),
    ("/transparency/leaves?start=0", "end"),
    ("/transparency/leaves?start=0&end=3", "2"),
    ("/transparency/leaves?start=1&end=1", "2"),
    ("/transparency/proof/URN:UVCI:01:VN:X.json?tree_size=x", "tree_size"),
])
def test_bad_parameters_get_a_json_problem_in_vietnamese(logged, client, url, names):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Yêu cầu không hợp lệ"
    assert names in problem["detail"]
    assert any(words in problem["detail"] for words in ("tham số", "Tham số", "Hãy hỏi"))


def test_bad_parameters_in_english_and_the_page_size_limit(logged, client, settings):
    settings.LOG_LEAVES_PER_PAGE = 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch; Vietnamese otherwise
    problem = client.get("/transparency/leaves?start=0&end=2").json()
    assert problem["detail"] == ("Ask for start < end ≤ 2 (the latest signed tree head), at most 1 leaves at a "
                                 "time.")


def test_unknown_certificates_and_heads_are_404(logged, client):
    for url in ("/transparency/proof/URN:UVCI:01:VN:0000.json", f"/transparency/proof/{'A' * 500}.json",
                "/transparency/sth/99999999999999999999999999.json",
                "/transparency/proof/URN:UVCI:01:VN:X.json?tree_size=5"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["status"] == 404


def test_a_leaf_not_yet_in_a_signed_head_says_so(reissued, client):
    current = Certificate.objects.get(person=reissued["person"], status="valid")  # leaf 1; the head has size 1
    response = client.get(f"/transparency/proof/{current.uvci}.json")
    assert response.status_code == 404 and response["Retry-After"] == "60"
    assert response.json()["detail"].startswith("Chứng nhận đang được thêm vào sổ")
    answer = client.post(reverse("certificates:verify_api"), {"qr": current.qr_text},
                         content_type="application/json").json()
    assert (answer["log"]["status"], answer["log"]["leaf_index"]) == ("pending", 1)


def test_a_leaf_still_queued_is_pending_too(logged, client):
    from certificates.services import certificate_issue

    waiting = certificate_issue(person_id=logged["person"].pk, force=True)  # the service alone: queued, no index
    assert PendingLeaf.objects.filter(certificate=waiting).exists()
    response = client.get(f"/transparency/proof/{waiting.uvci}.json")
    assert response.status_code == 404 and response["Retry-After"] == "60"
    log = client.post(reverse("certificates:verify_api"), {"qr": waiting.qr_text},
                      content_type="application/json").json()["log"]
    assert log == {"status": "pending", "recorded": False}
    page = client.post(reverse("certificates:verify"), {"qr": waiting.qr_text}).content.decode()
    assert "Đang được ghi vào sổ công khai" in page


def test_no_head_at_all(db, client):
    assert client.get("/transparency/sth.json").status_code == 404
    assert client.get("/transparency/consistency?first=1&second=1").status_code == 404


def test_the_verifier_page_shows_the_log(logged, client):
    current = Certificate.objects.get(person=logged["person"], status="valid")
    page = client.post(reverse("certificates:verify"), {"qr": current.qr_text}).content.decode()
    assert "Đã ghi vào sổ công khai" in page
    assert "Mục số 1 của sổ công khai chứng nhận" in page and "gồm 2 mục" in page
    assert f"/transparency/proof/{current.uvci}.json" in page


def test_the_verifier_api_gives_a_log_object(logged, client):
    current = Certificate.objects.get(person=logged["person"], status="valid")
    answer = client.post(reverse("certificates:verify_api"), {"qr": current.qr_text},
                         content_type="application/json").json()
    log = answer["log"]
    assert (log["status"], log["recorded"], log["leaf_index"], log["tree_size"]) == ("recorded", True, 1, 2)
    assert log["root_hash"] == base64.b64encode(bytes(SignedTreeHead.objects.get(tree_size=2).root_hash)).decode()


def test_a_certificate_signed_with_our_key_but_never_logged_is_flagged(logged, client):
    key = signer()
    now = timezone.now()
    unlogged = dcc.sign(hcert=logged["certificate"].payload, private_key=key.private_key,
                        certificate_der=key.certificate_der, issuer="VN", issued_at=now,
                        expires_at=now + datetime.timedelta(days=30))
    answer = client.post(reverse("certificates:verify_api"), {"qr": unlogged},
                         content_type="application/json").json()
    assert answer["status"] == "valid" and answer["log"] == {"status": "not_found", "recorded": False}
    page = client.post(reverse("certificates:verify"), {"qr": unlogged}).content.decode()
    assert "Không có trong sổ công khai" in page and "Đã ghi vào sổ công khai" not in page


def test_a_broken_stored_proof_is_not_shown_as_recorded(logged, client):
    from certificates.transparency.models import LogHead

    # a corrupted head root: the server's own check of the proof fails, and says so
    SignedTreeHead.objects.filter(tree_size=2).update(root_hash=b"\x00" * 32)
    current = Certificate.objects.get(person=logged["person"], status="valid")
    log = client.post(reverse("certificates:verify_api"), {"qr": current.qr_text},
                      content_type="application/json").json()["log"]
    assert (log["status"], log["recorded"]) == ("proof_failed", False)
    assert LogHead.objects.get().size == 2


def _command(*args) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("verify_certificate", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def test_the_offline_command_checks_a_saved_proof_against_the_trust_list(logged, client, tmp_path):
    current = Certificate.objects.get(person=logged["person"], status="valid")
    trust, proof = tmp_path / "trust.json", tmp_path / "proof.json"
    trust.write_text(json.dumps(client.get(reverse("certificates:trust_list")).json()))
    document = client.get(f"/transparency/proof/{current.uvci}.json").json()
    proof.write_text(json.dumps(document))

    code, answer = _command(current.qr_text, "--trust-list", str(trust), "--log-proof", str(proof), "--require-log")
    assert code == 0 and answer["log"]["status"] == "recorded" and answer["log"]["tree_size"] == 2

    # the proof of the other (superseded) certificate does not prove this one
    first = Certificate.objects.get(person=logged["person"], status="superseded")
    proof.write_text(json.dumps(client.get(f"/transparency/proof/{first.uvci}.json").json()))
    code, answer = _command(current.qr_text, "--trust-list", str(trust), "--log-proof", str(proof), "--require-log")
    assert code == 1 and answer["valid"] is True and answer["log"]["status"] == "proof_failed"

    # a forged head (another root) fails on its signature
    document["sth"]["root_hash"] = base64.b64encode(b"\x01" * 32).decode()
    proof.write_text(json.dumps(document))
    code, answer = _command(current.qr_text, "--trust-list", str(trust), "--log-proof", str(proof))
    assert code == 0 and answer["log"] == {"status": "proof_failed", "recorded": False,
                                           "reason": "the tree head's signature does not hold"}


def test_the_command_looks_the_log_up_on_the_platform(logged):
    current = Certificate.objects.get(person=logged["person"], status="valid")
    code, answer = _command(current.qr_text, "--require-log")
    assert code == 0 and answer["log"]["recorded"] is True and answer["log"]["leaf_index"] == 1
