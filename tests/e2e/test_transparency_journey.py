"""A verifier on a phone checks a certificate and sees it recorded in the public log, then anyone fetches the proof
the page links to and checks it against the signed tree head and the log key of the trust list."""
import base64
import hashlib
import os

import pytest

from certificates import dcc
from certificates.models import Certificate
from certificates.transparency import formats, merkle
from certificates.transparency.keys import load_public_key, signature_holds
from certificates.transparency.services import tree_head_sign
from citizens.demo import seed_demo
from registry.reference_data import load_reference_data
from vaccination.demo import seed_vaccination_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_verification_page_shows_recorded_in_the_public_log(live_server, page):
    load_reference_data()
    seed_demo()
    seed_vaccination_demo()
    head = tree_head_sign()  # beat's job; here at once
    certificate = Certificate.objects.get(person__id_number="001090000001", status="valid")
    url = live_server.url

    page.goto(url + "/certificates/verify/")
    page.get_by_label("Nội dung mã QR (bắt đầu bằng HC1:)").fill(certificate.qr_text)
    page.get_by_role("button", name="Kiểm tra").click()
    result = page.get_by_role("status")
    result.get_by_role("heading", name="Đã ghi vào sổ công khai").wait_for()
    text = result.inner_text()
    assert "Hợp lệ" in text and "Phạm Văn Đức" in text
    assert f"gồm {head.tree_size} mục" in text
    if os.environ.get("JOURNEY_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["JOURNEY_SCREENSHOTS"], "verify-log.png"), full_page=True)

    proof_url = result.get_by_role("link", name="Bằng chứng để bất kỳ ai cũng có thể kiểm tra").get_attribute("href")
    proof = page.request.get(url + proof_url).json()
    trust = page.request.get(url + "/certificates/trust-list.json").json()
    key_id, public_key = load_public_key(trust["log"])
    sth = proof["sth"]
    root = base64.b64decode(sth["root_hash"])
    assert base64.b64decode(sth["key_id"]) == key_id
    assert signature_holds(public_key, base64.b64decode(sth["signature"]), formats.tree_head_bytes(
        timestamp_ms=sth["timestamp"], tree_size=sth["tree_size"], root_hash=root))
    leaf_data = base64.b64decode(proof["leaf_data"])
    assert formats.Leaf.unpack(leaf_data).cose_sha256 == hashlib.sha256(
        dcc.message_bytes(certificate.qr_text)).digest()
    assert merkle.verify_inclusion(index=proof["leaf_index"], size=proof["tree_size"],
                                   leaf=merkle.leaf_hash(leaf_data),
                                   path=[base64.b64decode(node) for node in proof["audit_path"]], root_hash=root)
