"""Tampering, expiry, revocation, re-issue, the public verifier, and what the citizen gets."""
import datetime
import json
import os
import zlib

import base45
import cbor2
import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import dcc
from certificates.keys import keygen, signer
from certificates.models import Certificate
from certificates.pdf import qr_png
from certificates.services import (
    certificate_issue, certificates_revoke_for_lot, icao_name, series_doses,
)
from certificates.tasks import certificates_issue
from certificates.verification import verify_text
from vaccination.services.reactions import dose_correct


def _mutate(qr: str, index: int) -> str:
    raw = bytearray(zlib.decompress(base45.b45decode(qr[4:])))
    raw[index] ^= 0x01
    return "HC1:" + base45.b45encode(zlib.compress(bytes(raw))).decode()


def test_a_valid_certificate_and_what_it_holds(certified):
    certificate = certified["certificate"]
    answer = verify_text(certificate.qr_text).as_json()
    assert answer["status"] == "valid"
    assert answer["holder"] == {"name": "Đặng Thị Ánh", "standardised_name": "DANG<<THI<ANH",
                                "date_of_birth": "1988-02-29"}
    assert [(v["dn"], v["sd"], v["mp"]) for v in answer["vaccinations"]] == [(2, 2, "EU/1/21/1529")]
    payload = json.dumps(certificate.payload, ensure_ascii=False)
    assert "001188000777" not in payload and "0912000601" not in payload and "Phúc Xá" not in payload
    assert certificate.expires_at - certificate.issued_at == datetime.timedelta(days=365)
    assert certificate.kid == dcc.base64.b64encode(signer().kid).decode()


def test_any_changed_byte_is_caught(certified):
    qr = certified["certificate"].qr_text
    raw_length = len(zlib.decompress(base45.b45decode(qr[4:])))
    statuses = {verify_text(_mutate(qr, index)).status for index in range(0, raw_length, 7)}
    assert "valid" not in statuses
    assert statuses <= {"malformed", "invalid_signature", "unknown_key"}


def test_another_key_is_refused(certified, tmp_path):
    other = keygen(key_path=tmp_path / "k.pem", cert_path=tmp_path / "c.pem")
    forged = dcc.sign(hcert=certified["certificate"].payload, private_key=other.private_key,
                      certificate_der=other.certificate_der, issuer="VN", issued_at=timezone.now(),
                      expires_at=timezone.now() + datetime.timedelta(days=30))
    assert verify_text(forged).status == "unknown_key"
    # the same key id but a different key: the signature does not match
    mine = signer()
    forged_same_kid = dcc.sign(hcert=certified["certificate"].payload, private_key=other.private_key,
                               certificate_der=mine.certificate_der, issuer="VN", issued_at=timezone.now(),
                               expires_at=timezone.now() + datetime.timedelta(days=30))
    assert verify_text(forged_same_kid).status == "invalid_signature"


def test_expired_and_not_yet_valid(certified):
    certificate = certified["certificate"]
    trust = {signer().kid: [dcc.TrustedKey(kid=signer().kid, certificate_der=signer().certificate_der)]}
    later = certificate.expires_at + datetime.timedelta(seconds=1)
    assert dcc.verify(certificate.qr_text, trust=trust, at=later).status == "expired"
    earlier = certificate.issued_at - datetime.timedelta(days=1)
    assert dcc.verify(certificate.qr_text, trust=trust, at=earlier).status == "not_yet_valid"


@pytest.mark.parametrize("garbage", [
    "", "HC1:", "hello", "HC1:" + "A" * 5, "HC1:%%%%", "HC1:" + "Z" * 3000, "HC1:" + "0" * 7999,
    "HC1:" + base45.b45encode(os.urandom(200)).decode(),
    "HC1:" + base45.b45encode(zlib.compress(os.urandom(300))).decode(),
    "HC1:" + base45.b45encode(zlib.compress(cbor2.dumps([1, 2, 3]))).decode(),
    "HC1:" + base45.b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b"\xa0", b"x"])))).decode(),
])
def test_garbage_is_malformed_not_an_error(db, garbage):
    result = verify_text(garbage)
    assert result.status in ("malformed", "unknown_key")


def test_huge_input_is_refused_at_once(db, client):
    assert verify_text("HC1:" + "A" * 1_000_000).status == "malformed"
    response = client.post(reverse("certificates:verify_api"), data=json.dumps({"qr": "HC1:" + "A" * 100_000}),
                           content_type="application/json")
    assert response.status_code == 413 and response.json()["status"] == "malformed"
    # a zip bomb: a small text that would inflate to gigabytes
    bomb = "HC1:" + base45.b45encode(zlib.compress(b"\x00" * 50_000_000, 9)).decode()
    assert len(bomb) < dcc.MAX_QR_CHARS * 10
    assert verify_text(bomb).status == "malformed"


def test_task_twice_signs_once_and_correction_reissues(certified, world, lot, django_capture_on_commit_callbacks):
    person = certified["person"]
    certificates_issue([d.pk for d in certified["doses"]])
    assert Certificate.objects.filter(person=person).count() == 1
    old = certified["certificate"]
    with django_capture_on_commit_callbacks(execute=True):
        dose_correct(actor=world["site_staff_phuc_xa"], dose_id=certified["doses"][1].pk, reason="Sai giờ tiêm",
                     given_at=timezone.now() - datetime.timedelta(days=9))
    old.refresh_from_db()
    new = Certificate.objects.get(person=person, status="valid")
    assert old.status == "superseded" and new.pk != old.pk and new.uvci != old.uvci
    assert verify_text(new.qr_text).status == "valid"
    assert Certificate.objects.filter(person=person).count() == 2  # every certificate is kept


def test_recalled_lot_revokes_in_one_action_and_stays_revoked(certified, world, lot):
    assert certificates_revoke_for_lot(actor=world["national"], lot_id=lot.pk, reason="Thu hồi lô") == 1
    certificate = Certificate.objects.get(pk=certified["certificate"].pk)
    assert certificate.status == "revoked"
    assert verify_text(certificate.qr_text).status == "revoked"
    assert certificate_issue(person_id=certified["person"].pk) is None  # the task running again signs nothing
    assert not Certificate.objects.filter(person=certified["person"], status="valid").exists()
    with pytest.raises(Exception):
        certificates_revoke_for_lot(actor=world["province_ha_noi"], lot_id=lot.pk, reason="x")


def test_unconfirmed_doses_get_no_certificate(world, lot, people):
    from vaccination.services.dose_recording import dose_record, doses_confirm

    dose, _created = dose_record(actor=world["site_staff_phuc_xa"], person_id=people["lan"]["person"].pk,
                                 site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key="unconfirmed")
    assert certificate_issue(person_id=people["lan"]["person"].pk) is None
    assert doses_confirm(actor=world["site_staff_phuc_xa"], dose_ids=[dose.pk]) == 1
    certificate = certificate_issue(person_id=people["lan"]["person"].pk)
    assert certificate.payload["v"][0]["dn"] == 1 and certificate.payload["v"][0]["sd"] == 2


def test_names_and_dose_numbers():
    assert icao_name("Nguyễn Văn An") == "NGUYEN<VAN<AN"
    assert icao_name("Đỗ Thị Hồng-Nhung") == "DO<THI<HONG<NHUNG"

    class V:
        def __init__(self, series):
            self.doses_in_series = series

    class D:
        def __init__(self, number, series):
            self.dose_number, self.vaccine = number, V(series)

    assert [series_doses(D(n, 2)) for n in (1, 2, 3, 4)] == [2, 2, 3, 4]
    assert [series_doses(D(n, 1)) for n in (1, 2, 3)] == [1, 1, 3]


def test_trust_list_and_api(certified, client):
    trust = client.get(reverse("certificates:trust_list")).json()
    assert trust["keys"][0]["alg"] == "ES256"
    assert dcc.base64.b64decode(trust["keys"][0]["kid"]) == signer().kid
    answer = client.post(reverse("certificates:verify_api"), {"qr": certified["certificate"].qr_text},
                         content_type="application/json").json()
    assert answer["status"] == "valid" and answer["holder"]["date_of_birth"] == "1988-02-29"
    assert client.post(reverse("certificates:verify_api"), "nope", content_type="application/json").status_code == 400


def test_public_page_with_text_or_photo(certified, client):
    qr = certified["certificate"].qr_text
    page = client.post(reverse("certificates:verify"), {"qr": qr}).content.decode()
    assert "Hợp lệ" in page and "Đặng Thị Ánh" in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("qr.png", qr_png(qr), content_type="image/png")
    page = client.post(reverse("certificates:verify"), {"qr": "", "photo": photo}).content.decode()
    assert "Hợp lệ" in page
    page = client.post(reverse("certificates:verify"), {"qr": _mutate(qr, 40)}).content.decode()
    assert "Hợp lệ" not in page.split('class="verdict"')[1][:200]


def test_citizen_downloads(certified, client):
    client.force_login(certified["account"])
    person = certified["person"]
    page = client.get(reverse("certificates:person_certificate", args=[person.pk])).content.decode()
    assert "Đã tiêm 2 mũi vắc xin" in page and "level-full" in page
    png = client.get(reverse("certificates:certificate_png", args=[person.pk]))
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    pdf = client.get(reverse("certificates:certificate_pdf", args=[person.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    assert b"BeVietnam" in pdf.content  # the Vietnamese font is embedded
    my = client.get(reverse("vaccination:person_vaccinations", args=[person.pk])).content.decode()
    assert reverse("certificates:person_certificate", args=[person.pk]) in my


def test_other_people_cannot_download(certified, people, client):
    client.force_login(people["lan"]["account"])
    person = certified["person"]
    for name in ("person_certificate", "certificate_png", "certificate_pdf"):
        assert client.get(reverse(f"certificates:{name}", args=[person.pk])).status_code == 404


def test_recall_page_is_national_only(certified, world, lot, console_client):
    url = reverse("certificates_console:recall")
    for role in ("province_ha_noi", "district_ba_dinh", "site_staff_phuc_xa"):
        assert console_client(world[role]).post(url, {"lot": lot.pk, "reason": "x"}).status_code == 403
    assert Certificate.objects.get(pk=certified["certificate"].pk).status == "valid"
    response = console_client(world["national"]).post(url, {"lot": lot.pk, "reason": "Lô bị thu hồi"})
    assert response.status_code == 302
    assert Certificate.objects.get(pk=certified["certificate"].pk).status == "revoked"


def test_my_vaccinations_offers_the_downloads(certified, client):
    client.force_login(certified["account"])
    person = certified["person"]
    page = client.get(reverse("vaccination:person_vaccinations", args=[person.pk])).content.decode()
    assert reverse("certificates:certificate_pdf", args=[person.pk]) in page
    assert reverse("certificates:certificate_png", args=[person.pk]) in page
