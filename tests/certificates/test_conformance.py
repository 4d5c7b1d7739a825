"""Conformance with the EU DCC: the schema, and every test vector through `verify_certificate`."""
import datetime
import glob
import io
import json
import zlib
from contextlib import redirect_stdout
from pathlib import Path

import base45
import cbor2
import jsonschema
import pytest
from dateutil import parser as dateparser
from django.core.management import call_command

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "dcc"
needs_testdata = pytest.mark.skipif(not TESTDATA.exists(),
                                    reason=f"EU DCC test data not found at {TESTDATA} (CI always has it)")
VECTORS = sorted(glob.glob(str(TESTDATA / "vectors" / "*" / "*.json")))


def _run_verify(qr: str, *args) -> tuple[int, dict]:
    out = io.StringIO()
    code = 0
    with redirect_stdout(out):
        try:
            call_command("verify_certificate", qr, *args, stdout=out)
        except SystemExit as exit_:
            code = exit_.code
    return code, json.loads(out.getvalue())


@needs_testdata
@pytest.mark.parametrize("path", [v for v in VECTORS if "EXPECTEDVERIFY" in json.loads(Path(v).read_text()).get(
    "EXPECTEDRESULTS", {})], ids=lambda p: "/".join(p.split("/")[-2:]))
def test_every_vector_agrees(path, tmp_path):
    vector = json.loads(Path(path).read_text())
    expected, context = vector["EXPECTEDRESULTS"], vector["TESTCTX"]
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps({"keys": [{"alg": "ES256", "certificate": context["CERTIFICATE"]}]}))
    clock = dateparser.isoparse(context["VALIDATIONCLOCK"])
    if clock.tzinfo is None:
        clock = clock.replace(tzinfo=datetime.UTC)
    code, answer = _run_verify(vector["PREFIX"], "--trust-list", str(trust), "--at", clock.isoformat())
    signature_ok = answer["status"] not in ("malformed", "unknown_key", "invalid_signature")
    assert signature_ok is expected["EXPECTEDVERIFY"], answer
    if "EXPECTEDEXPIRATIONCHECK" in expected and signature_ok:
        assert (answer["status"] == "valid") is expected["EXPECTEDEXPIRATIONCHECK"], answer
    assert code == (0 if answer["status"] == "valid" else 1)


def _schema(version: str) -> dict:
    folder = TESTDATA / "schema" / version
    return json.loads(next(folder.glob("*.json")).read_text())


@needs_testdata
def test_issued_payloads_validate_against_the_eu_schema(certified):
    certificate = certified["certificate"]
    schema = _schema("1.3.0")
    validator = jsonschema.validators.validator_for(schema)(schema)  # no strict format checker (dob may be partial)
    validator.validate(certificate.payload)
    # and what is inside the QR is that very payload
    cose = cbor2.loads(zlib.decompress(base45.b45decode(certificate.qr_text[4:])))
    claims = cbor2.loads(cose.value[2])
    hcert = claims[-260][1]
    validator.validate(json.loads(json.dumps(hcert, default=str)))
    assert hcert["v"][0]["ci"].startswith("URN:UVCI:01:VN:")


@needs_testdata
def test_schema_vectors_the_validator_must_refuse():
    vector = json.loads((TESTDATA / "vectors" / "common" / "DGC2.json").read_text())
    schema = _schema("1.3.0")
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert not validator.is_valid(vector["JSON"])

