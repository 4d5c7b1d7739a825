"""The look-up of a family member's certificate on a phone: a grandfather vaccinated without an account of his
own; his daughter types his ID number and date of birth, gets the code on the phone recorded with his
vaccination, sees his certificate and downloads the PDF — and nobody else's."""
import datetime
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from citizens.demo import seed_demo
from citizens.models import Person, User
from registry.models import Facility, PriorityGroup
from registry.reference_data import load_reference_data
from vaccination.demo import LOT_NUMBER, seed_vaccination_demo
from vaccination.models import Lot
from vaccination.services.dose_recording import dose_record
from vaccination.services.registrations import registration_submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _code_from_sms_file(path, phone: str) -> str:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if f"\t{phone}\t" in line]
    return re.search(r"\b(\d{6})\b", lines[-1].split("\t")[-1]).group(1)


def _grandfather() -> Person:
    """Nguyễn Văn Ông, cared for by the demo citizen 0912000001 (his daughter's phone is recorded with him)."""
    daughter = User.objects.get(phone="+84912000001")
    person = Person.objects.create(full_name="Nguyễn Văn Ông", date_of_birth=datetime.date(1948, 3, 12),
                                   id_kind="cccd", id_number="001048000321", phone=daughter.phone,
                                   managed_by=daughter, ward=daughter.person.ward)
    registration_submit(actor=daughter, person_id=person.pk, priority_group=PriorityGroup.objects.get(number=5),
                        ward=person.ward, wished_date=None, consent=True)
    for number, days_ago in ((1, 80), (2, 20)):
        dose_record(actor=User.objects.get(username="tram.phucxa"), person_id=person.pk,
                    site_id=Facility.objects.get(code="site-1").pk, lot_id=Lot.objects.get(lot_number=LOT_NUMBER).pk,
                    idempotency_key=f"ong-{number}", dose_number=number, confirm=True,
                    given_at=timezone.now() - datetime.timedelta(days=days_ago))
    return person


def test_the_look_up_of_a_family_members_certificate(live_server, page, settings, tmp_path):
    load_reference_data()
    seed_demo()
    seed_vaccination_demo()  # Phạm Văn Đức's certificate: someone else's, never shown here
    grandfather = _grandfather()
    other = Person.objects.get(id_number="001090000001")
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    url = live_server.url

    page.goto(url + "/")
    page.get_by_role("link", name="Tra cứu chứng nhận tiêm chủng bằng số định danh").click()
    page.get_by_role("heading", name="Tra cứu chứng nhận tiêm chủng").wait_for()
    page.get_by_label("Số định danh (CCCD, CMND hoặc hộ chiếu) hoặc số điện thoại di động").fill("0010 4800 0321")
    page.get_by_label("Ngày sinh").fill("1948-03-12")
    session = SessionStore(session_key=next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid"))
    page.get_by_label("Mã bảo mật trong hình").fill(session["captcha:certificate_lookup"])
    page.get_by_role("button", name="Gửi mã").click()

    page.get_by_role("heading", name="Nhập mã xác thực").wait_for()
    assert "Nếu thông tin khớp với một người đã tiêm" in page.get_by_role("status").inner_text()
    page.get_by_label("Mã OTP 6 số gửi qua tin nhắn").fill(_code_from_sms_file(settings.SMS_FILE_PATH,
                                                                              "+84912000001"))
    page.get_by_role("button", name="Xem chứng nhận").click()

    page.get_by_role("heading", name="Chứng nhận tiêm chủng COVID-19").wait_for()
    assert "Nguyễn Văn Ông · 12/03/1948" in page.locator(".qr-name").inner_text()
    assert page.locator(".level").inner_text() == "Đã tiêm 2 mũi vắc xin"
    qr = page.get_by_role("img", name="Mã QR chứng nhận")
    for _ in range(100):  # the QR picture itself loads (polled: the CSP forbids wait_for_function's eval)
        if qr.evaluate("img => img.complete && img.naturalWidth") > 0:
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the certificate's QR picture did not load")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải bản PDF").click()
    target = tmp_path / "chung-nhan.pdf"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "wider than the phone"

    # The look-up opened the grandfather's certificate only.
    assert page.request.get(f"{url}/certificates/lookup/{other.pk}/certificate.pdf").status == 404
    assert page.request.get(f"{url}/certificates/lookup/{grandfather.pk}/certificate.png").status == 200
