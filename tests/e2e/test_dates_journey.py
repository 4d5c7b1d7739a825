"""A dose given at 00:30 Viet Nam time (17:30 the day before in UTC), as everyone then sees it: the citizen's "My
vaccinations" with the next dose, the certificate page and its PDF, the site's visit page and the officer's
export all say the local day; the PDF's "valid until" is the page's."""
import csv
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone

from certificates.services import certificate_issue
from citizens.demo import DEMO_PASSWORD, seed_demo
from citizens.models import Person
from registry.models import Facility, PriorityGroup
from registry.reference_data import load_reference_data
from tests.e2e.conftest import staff_sign_in
from vaccination.demo import LOT_NUMBER, seed_vaccination_demo
from vaccination.models import Lot
from vaccination.services.dose_recording import dose_record
from vaccination.services.registrations import registration_submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _lan_vaccinated_at_half_past_midnight() -> tuple[Person, datetime.date, datetime.date]:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    lan = Person.objects.get(account__phone="+84912000001")
    registration_submit(actor=lan.account, person_id=lan.pk, priority_group=PriorityGroup.objects.get(number=9),
                        ward=lan.ward, wished_date=None, consent=True)
    day = timezone.localdate() - datetime.timedelta(days=1)
    given_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 30)))
    dose_record(actor=User.objects.get(username="tram.phucxa"), person_id=lan.pk,
                site_id=Facility.objects.get(code="site-1").pk, lot_id=Lot.objects.get(lot_number=LOT_NUMBER).pk,
                idempotency_key="night-journey", given_at=given_at, confirm=True)
    certificate = certificate_issue(person_id=lan.pk, now=given_at, force=True)  # signed at that minute
    return lan, day, timezone.localtime(certificate.expires_at).date()


def test_a_dose_at_half_past_midnight_reads_the_local_day_everywhere(live_server, browser, tmp_path):
    from pypdf import PdfReader

    load_reference_data()
    seed_demo()
    seed_vaccination_demo()
    lan, day, valid_until = _lan_vaccinated_at_half_past_midnight()
    local, utc = f"{day:%d/%m/%Y}", f"{day - datetime.timedelta(days=1):%d/%m/%Y}"
    url = live_server.url

    citizen = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True).new_page()
    citizen.set_default_timeout(15_000)
    citizen.goto(url + "/signin/")
    citizen.get_by_label("Số điện thoại di động").fill("0912000001")
    citizen.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.get_by_role("link", name="Lịch sử tiêm chủng").first.click()
    doses = citizen.locator(".doses").inner_text()
    assert local in doses and utc not in doses
    due = day + datetime.timedelta(days=28)
    assert f"Mũi 2, từ ngày {due:%d/%m/%Y}" in citizen.locator(".next-dose").inner_text()
    assert citizen.get_by_role("link", name="Đăng ký tiêm chủng").count() == 0

    citizen.get_by_role("link", name="Xem chứng nhận").click()
    certificate = citizen.locator(".certificate").inner_text()
    assert local in certificate and utc not in certificate
    assert f"Có hiệu lực đến {valid_until:%d/%m/%Y}" in certificate
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="Tải bản PDF").first.click()
    pdf = tmp_path / "chung-nhan.pdf"
    download.value.save_as(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert local in text and utc not in text and f"{valid_until:%d/%m/%Y}" in text
    citizen.context.close()

    site = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    site.set_default_timeout(15_000)
    staff_sign_in(site, url, "tram.phucxa", DEMO_PASSWORD)
    site.get_by_role("link", name="Buổi tiêm hôm nay").first.click()
    site.get_by_label("Quét mã QR, hoặc nhập số giấy tờ hoặc số điện thoại").fill(lan.qr_text)
    site.keyboard.press("Enter")
    site.get_by_role("heading", name="Nguyễn Thị Lan").wait_for()
    assert f"1: AstraZeneca (Vaxzevria) {local}" in site.locator(".person-card").inner_text()
    site.get_by_role("button", name="Tiếp nhận", exact=True).click()
    site.get_by_role("heading", name="Khám sàng lọc").wait_for()
    assert f"1: AstraZeneca (Vaxzevria) {local}" in site.locator(".facts").inner_text()
    site.context.close()

    officer = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    officer.set_default_timeout(15_000)
    staff_sign_in(officer, url, "soyte.hanoi", DEMO_PASSWORD)
    officer.get_by_role("link", name="Bảng điều hành").first.click()
    officer.get_by_label("Từ ngày").fill(day.isoformat())
    officer.get_by_label("Đến ngày").fill(day.isoformat())
    with officer.expect_download() as download:
        officer.get_by_role("button", name="Danh sách mũi tiêm trong kỳ (csv)").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [f"{day.isoformat()}T00:30:00+07:00"]
    officer.context.close()
