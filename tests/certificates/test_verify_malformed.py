"""Fuzz-like inputs to the public verifier: every one gets its own answer, none a server error.

Unsigned messages may carry any claim at all (an expiry of 1e30, NaN, a huge negative issue time): nothing in
them may be trusted, or even converted, before the signature is checked. Messages that our own key signed
with nonsense in them are refused as malformed, not crashed on.
"""
import io
import json
import math
import zlib

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.core.management import call_command
from django.urls import reverse

from certificates import dcc
from certificates.keys import signer

HCERT = {"ver": "1.3.0", "nam": {"fn": "Lê", "fnt": "LE", "gn": "Văn Tám", "gnt": "VAN<TAM"}, "dob": "1970-01-01",
         "v": [{"tg": "840539006", "vp": "J07BX03", "mp": "EU/1/21/1529", "ma": "ORG-100001699", "dn": 1,
                "sd": 2, "dt": "2021-09-01", "co": "VN", "is": "Bộ Y tế", "ci": "URN:UVCI:01:VN:FUZZ"}]}
GOOD_CLAIMS = {1: "VN", 6: 1_700_000_000, 4: 4_000_000_000, -260: {1: HCERT}}


def hc1(raw: bytes, *, compress: bool = True) -> str:
    return dcc.PREFIX + base45.b45encode(zlib.compress(raw) if compress else raw).decode()


def cose(*, protected=None, unprotected=None, payload=None, signature=b"\x00" * 64, tag=dcc.TAG_SIGN1) -> str:
    """A COSE_Sign1 message with our key id but a signature that is not ours (unless given)."""
    protected = cbor2.dumps({1: -7, 4: signer().kid}) if protected is None else protected
    payload = cbor2.dumps(GOOD_CLAIMS) if payload is None else payload
    body = [protected, {} if unprotected is None else unprotected, payload, signature]
    return hc1(cbor2.dumps(cbor2.CBORTag(tag, body) if tag else body))


def signed(claims) -> str:
    """Really signed with the platform's key: the signature holds, whatever the claims say."""
    key = signer()
    protected = cbor2.dumps({1: -7, 4: key.kid})
    payload = claims if isinstance(claims, bytes) else cbor2.dumps(claims)
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    r, s = decode_dss_signature(key.private_key.sign(to_sign, ec.ECDSA(hashes.SHA256())))
    return cose(protected=protected, payload=payload, signature=r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def claims(**changes) -> dict:
    named = {"iss": 1, "exp": 4, "iat": 6, "hcert": -260}
    result = dict(GOOD_CLAIMS)
    for name, value in changes.items():
        result[named[name]] = value
    return result


def _nested(depth: int) -> bytes:
    return b"\x81" * depth + b"\x00"  # [[[[…0…]]]]


def _self_referencing() -> bytes:
    # tag 28 marks a shareable value, tag 29 points back at it: a list that contains itself
    return b"\xd8\x1c\x81\xd8\x1d\x00"


# (name, QR text, status) — what a person checking the code must be told.
UNSIGNED_CLAIMS = [
    ("exp 1e30", lambda: cose(payload=cbor2.dumps(claims(exp=1e30)))),
    ("exp NaN", lambda: cose(payload=cbor2.dumps(claims(exp=math.nan)))),
    ("exp infinity", lambda: cose(payload=cbor2.dumps(claims(exp=math.inf)))),
    ("iat huge negative", lambda: cose(payload=cbor2.dumps(claims(iat=-(10 ** 20))))),
    ("iat -1e300", lambda: cose(payload=cbor2.dumps(claims(iat=-1e300)))),
    ("exp bignum", lambda: cose(payload=cbor2.dumps(claims(exp=10 ** 40)))),
    ("exp text", lambda: cose(payload=cbor2.dumps(claims(exp="2030-01-01")))),
    ("iss a map", lambda: cose(payload=cbor2.dumps(claims(iss={1: 2})))),
    ("claims a list", lambda: cose(payload=cbor2.dumps([1, 2, 3]))),
    ("payload not CBOR", lambda: cose(payload=b"\xff\xfe\xfd")),
    ("hcert a list", lambda: cose(payload=cbor2.dumps(claims(hcert=[1])))),
    ("payload nested deep", lambda: cose(payload=_nested(20_000))),
]
MALFORMED = [
    ("empty", lambda: ""),
    ("no prefix", lambda: "hello"),
    ("prefix only", lambda: "HC1:"),
    ("lower-case base45", lambda: "HC1:abc"),
    ("base45 one char over", lambda: "HC1:ABCD"),
    ("base45 triple above 65535", lambda: "HC1:ZZZ"),
    ("base45 pair above 255", lambda: "HC1:ZZ"),
    ("not zlib, not CBOR", lambda: hc1(b"\x78\x9c\x00\x01\x02", compress=False)),
    ("truncated zlib", lambda: dcc.PREFIX + base45.b45encode(zlib.compress(
        cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b"x" * 300, b"y" * 64])))[:-30]).decode()),
    ("zip bomb", lambda: hc1(b"\x00" * 5_000_000)),
    ("huge base45 within the length limit", lambda: "HC1:" + "0" * 7995),
    ("CBOR an integer", lambda: hc1(cbor2.dumps(5))),
    ("CBOR text", lambda: hc1(cbor2.dumps("HC1"))),
    ("CBOR a map", lambda: hc1(cbor2.dumps({1: 2}))),
    ("CBOR nested deep", lambda: hc1(_nested(20_000))),
    ("CBOR refers to itself", lambda: hc1(_self_referencing())),
    ("COSE of 3 parts", lambda: hc1(cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b""])))),
    ("COSE of 5 parts", lambda: hc1(cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b"", b"", b""])))),
    ("COSE_Sign tag 98", lambda: cose(tag=98)),
    ("protected header a map, not bytes", lambda: cose(protected={1: -7})),
    ("protected header an integer", lambda: cose(protected=7)),
    ("protected header bytes of a list", lambda: cose(protected=cbor2.dumps([1, -7]))),
    ("protected header bytes not CBOR", lambda: cose(protected=b"\xff\xfe")),
    ("protected header refers to itself", lambda: cose(protected=_self_referencing())),
    ("unprotected header a list", lambda: cose(unprotected=[1, 2])),
    ("payload not bytes", lambda: cose(payload=7)),
    ("signature not bytes", lambda: cose(signature="x" * 64)),
    ("alg a list", lambda: cose(protected=cbor2.dumps({1: [-7, -37], 4: signer().kid}))),
    ("alg a map", lambda: cose(protected=cbor2.dumps({1: {1: -7}, 4: signer().kid}))),
    ("alg text", lambda: cose(protected=cbor2.dumps({1: "ES256", 4: signer().kid}))),
    ("alg NaN", lambda: cose(protected=cbor2.dumps({1: math.nan, 4: signer().kid}))),
    ("alg unknown", lambda: cose(protected=cbor2.dumps({1: -8, 4: signer().kid}))),
    ("no alg", lambda: cose(protected=cbor2.dumps({4: signer().kid}))),
    ("kid an integer", lambda: cose(protected=cbor2.dumps({1: -7, 4: 12345678}))),
    ("kid a list", lambda: cose(protected=cbor2.dumps({1: -7, 4: [1, 2]}))),
    ("kid a map", lambda: cose(protected=cbor2.dumps({1: -7, 4: {1: 2}}))),
    ("kid text", lambda: cose(protected=cbor2.dumps({1: -7, 4: "12345678"}))),
    ("signed, exp 1e30", lambda: signed(claims(exp=1e30))),
    ("signed, exp NaN", lambda: signed(claims(exp=math.nan))),
    ("signed, exp infinity", lambda: signed(claims(exp=math.inf))),
    ("signed, iat huge negative", lambda: signed(claims(iat=-(10 ** 20)))),
    ("signed, exp bignum", lambda: signed(claims(exp=10 ** 40))),
    ("signed, exp text", lambda: signed(claims(exp="2030-01-01"))),
    ("signed, exp true", lambda: signed(claims(exp=True))),
    ("signed, claims a list", lambda: signed([1, 2, 3])),
    ("signed, payload not CBOR", lambda: signed(b"\xff\xfe\xfd")),
    ("signed, payload refers to itself", lambda: signed(_self_referencing())),
    ("signed, no hcert", lambda: signed({1: "VN", 4: 4_000_000_000})),
    ("signed, hcert a list", lambda: signed(claims(hcert=[1]))),
    ("signed, hcert 1 a list", lambda: signed(claims(hcert={1: [HCERT]}))),
]
SIGNED_ODDITIES = [  # signed by us, odd inside, still shown without an error
    ("nam a list", {**HCERT, "nam": ["Lê", "Tám"]}),
    ("names numbers", {**HCERT, "nam": {"fn": 7, "gn": {"x": 1}}}),
    ("dob a number", {**HCERT, "dob": 1970}),
    ("v a map", {**HCERT, "v": {"dn": 1}}),
    ("v entries numbers", {**HCERT, "v": [1, 2]}),
    ("v entry with bytes, sets and NaN", {**HCERT, "v": [{**HCERT["v"][0], "dt": b"\x00\x01", "dn": math.nan,
                                                        "mp": frozenset({"a"}), "ci": ["x"]}]}),
    ("map keys of odd kinds", {**HCERT, 7: {b"k": 1, 2.5: 2}}),
]


def _params(table, status):
    return [pytest.param(make, status, id=name) for name, make in table]


ALL = _params(UNSIGNED_CLAIMS, "invalid_signature") + _params(MALFORMED, "malformed")


@pytest.mark.parametrize(("make", "status"), ALL)
def test_the_api_answers_every_variant_with_its_status(db, client, make, status):
    response = client.post(reverse("certificates:verify_api"), {"qr": make()}, content_type="application/json")
    assert response.status_code == (400 if status == "malformed" else 200)
    answer = response.json()
    assert answer["status"] == status and answer["valid"] is False
    assert "holder" not in answer and "vaccinations" not in answer  # nothing of an unproven message is shown


@pytest.mark.parametrize(("make", "status"), ALL)
def test_the_page_answers_every_variant_with_a_verdict(db, client, make, status):
    page = client.post(reverse("certificates:verify"), {"qr": make()})
    assert page.status_code == 200
    text = page.content.decode()
    if make() == "":
        assert "Hãy dán nội dung mã QR hoặc chọn ảnh đọc được mã QR." in text
        return
    verdict = text.split('class="verdict"')[1][:200]
    expected = {"malformed": "Không phải mã QR chứng nhận", "invalid_signature": "Chữ ký không hợp lệ"}[status]
    assert expected in verdict and "Lê Văn Tám" not in text


@pytest.mark.parametrize(("make", "status"), ALL)
def test_the_offline_command_answers_every_variant(db, make, status):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_certificate", make(), stdout=out)
    assert exit_.value.code == 1
    assert json.loads(out.getvalue())["status"] == status


@pytest.mark.parametrize(("hcert",), [pytest.param(h, id=name) for name, h in SIGNED_ODDITIES])
def test_a_signed_certificate_with_odd_contents_is_shown_not_crashed_on(db, client, hcert):
    qr = signed(claims(hcert={1: hcert}))
    response = client.post(reverse("certificates:verify_api"), {"qr": qr}, content_type="application/json")
    assert response.status_code == 200
    answer = json.loads(response.content)  # strict JSON: no NaN, every key text
    assert answer["status"] == "valid"
    assert "NaN" not in response.content.decode()
    assert client.post(reverse("certificates:verify"), {"qr": qr}).status_code == 200


def test_text_over_the_length_limit_is_refused_before_decoding(db, client):
    too_long = "HC1:" + "0" * dcc.MAX_QR_CHARS
    api = client.post(reverse("certificates:verify_api"), {"qr": too_long}, content_type="application/json")
    assert api.status_code == 413 and api.json()["status"] == "malformed"
    page = client.post(reverse("certificates:verify"), {"qr": too_long})
    assert page.status_code == 200 and 'class="verdict"' not in page.content.decode()
    assert "8000" in page.content.decode()  # the form says how long the text may be


def test_an_unknown_key_is_reported_as_such(db, client):
    qr = cose(protected=cbor2.dumps({1: -7, 4: b"\x01" * 8}))
    response = client.post(reverse("certificates:verify_api"), {"qr": qr}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "unknown_key"


def test_a_well_formed_signed_message_still_passes(db, client):
    """The fuzz helpers are right: with sane claims the same construction verifies."""
    answer = client.post(reverse("certificates:verify_api"), {"qr": signed(GOOD_CLAIMS)},
                         content_type="application/json").json()
    assert answer["status"] == "valid" and answer["holder"]["name"] == "Lê Văn Tám"


@pytest.mark.parametrize("body", [b"[1, 2]", b'"HC1:"', b"{\"qr\": 5}", b"{\"qr\": null}", b"\xff\xfe",
                                  b"{\"qr\": [\"HC1:\"]}", b"1e999999", b"[" * 100_000])
def test_the_api_refuses_bodies_that_are_not_a_request(db, client, body):
    response = client.post(reverse("certificates:verify_api"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["status"] == "malformed" and response.json()["reason"]


def test_the_command_refuses_a_broken_trust_list_clearly(db, tmp_path):
    from django.core.management.base import CommandError

    for content in ("not json", '{"keys": [{"certificate": "%%%"}]}', '{"keys": 5}', "[1]"):
        path = tmp_path / "trust.json"
        path.write_text(content)
        with pytest.raises(CommandError, match="trust list"):
            call_command("verify_certificate", signed(GOOD_CLAIMS), "--trust-list", str(path),
                         stdout=io.StringIO())
