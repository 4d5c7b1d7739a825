"""A citizen registers → the province officer approves and allocates → the district officer plans a session and
schedules → the citizen sees the appointment, and the SMS is in the outbox."""
import datetime

import pytest
from django.utils import timezone

from citizens.demo import DEMO_PASSWORD, seed_demo
from citizens.models import SmsMessage
from registry.reference_data import load_reference_data
from tests.e2e.conftest import staff_sign_in
from vaccination.demo import seed_vaccination_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _staff_sign_in(page, url, username):
    staff_sign_in(page, url, username, DEMO_PASSWORD)


def _sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def test_register_approve_allocate_plan_schedule(live_server, browser):
    load_reference_data()
    seed_demo()
    seed_vaccination_demo()
    url = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)

    # The citizen registers herself (her address is in Phường Phúc Xá, Ba Đình).
    page.goto(url + "/signin/")
    page.get_by_label("Số điện thoại di động").fill("0912000001")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Lịch sử tiêm chủng").first.click()
    page.get_by_role("link", name="Đăng ký tiêm chủng").click()
    page.get_by_label("Nhóm đối tượng ưu tiên").select_option(index=9)  # group 9 (after the empty choice)
    page.get_by_label("Tôi đồng ý tiêm chủng").check()
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.get_by_text("Đã gửi đăng ký tiêm của Nguyễn Thị Lan").wait_for()
    assert "Đã gửi đăng ký" in page.locator(".status").inner_text()
    _sign_out(page)

    # The province officer approves and allocates her to her own district.
    _staff_sign_in(page, url, "soyte.hanoi")
    page.get_by_role("link", name="Đăng ký tiêm").first.click()
    page.get_by_label("Chọn Nguyễn Thị Lan").check()
    page.get_by_role("button", name="Duyệt").click()
    page.get_by_text("1 đăng ký đã được duyệt.").wait_for()
    page.get_by_label("Trạng thái", exact=True).select_option("approved")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_label("Chọn Nguyễn Thị Lan").check()
    page.get_by_role("button", name="Phân bổ", exact=True).click()
    page.get_by_text("1 đăng ký đã được phân bổ.").wait_for()
    # Her history says what happened in words, in the officer's language, and in one language only.
    page.get_by_label("Trạng thái", exact=True).select_option("")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name="Nguyễn Thị Lan").click()
    history = page.locator("table").last.inner_text()
    for phrase in ("Đã gửi đăng ký", "Đã duyệt", "Đã phân bổ"):
        assert phrase in history
    assert not {"submitted", "approved", "allocated"} & set(history.split())
    page.get_by_label("Ngôn ngữ").select_option("en")
    page.get_by_role("button", name="Đổi").click()
    history = page.locator("table").last.inner_text()
    assert "Submitted" in history and "Approved" in history and "Allocated to a district" in history
    assert "Đã duyệt" not in history and "Đã gửi" not in history
    page.get_by_label("Language").select_option("vi")
    page.get_by_role("button", name="Change").click()
    _sign_out(page)

    # The district officer plans a session at Phúc Xá for tomorrow and schedules the waiting list.
    _staff_sign_in(page, url, "ttyt.badinh")
    page.get_by_role("link", name="Buổi tiêm", exact=True).click()
    page.get_by_label("Cơ sở tiêm chủng").select_option(label="Trạm Y tế Phường Phúc Xá")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("Ngày", exact=True).fill(tomorrow.isoformat())
    page.get_by_label("Lô vắc xin").select_option(index=1)
    page.get_by_role("button", name="Tạo buổi tiêm").click()
    page.get_by_text("Đã tạo buổi tiêm với 160 chỗ.").wait_for()
    assert "Nguyễn Thị Lan" in page.locator(".waiting").inner_text()
    page.get_by_role("button", name="Xếp lịch cho danh sách chờ").click()
    page.get_by_text("Đã xếp lịch cho 1 người").wait_for()
    assert page.locator(".booked").inner_text() == "1 / 160"
    _sign_out(page)

    # The citizen sees her appointment; the SMS is in the outbox.
    page.goto(url + "/signin/")
    page.get_by_label("Số điện thoại di động").fill("0912000001")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Lịch sử tiêm chủng").first.click()
    appointment = page.locator(".appointment").inner_text()
    assert tomorrow.strftime("%d/%m/%Y") in appointment and "Trạm Y tế Phường Phúc Xá" in appointment
    assert "07:30" in appointment
    sms = SmsMessage.objects.get(phone="+84912000001", purpose="appointment")
    assert "Tram Y te Phuong Phuc Xa" in sms.text and tomorrow.strftime("%d/%m/%Y") in sms.text
    context.close()
