"""A medical booking end to end: the commune station's staff publish a day's paediatric slots; a mother on her phone
books one for her child, moves it, and finds it in Appointments; on the day the staff mark it attended and record
their advice; she reads both in the consultation history."""
import datetime

import pytest
from django.utils import timezone

from citizens.demo import DEMO_PASSWORD, seed_demo
from clinics.models import Booking, Slot
from registry.reference_data import load_reference_data
from tests.e2e.conftest import staff_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_publish_book_move_attend_and_read_the_history(live_server, browser, page):
    load_reference_data()
    seed_demo()
    url = live_server.url
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    staff = browser.new_context(viewport={"width": 1024, "height": 800}, locale="vi-VN").new_page()
    staff.set_default_timeout(15_000)
    staff_sign_in(staff, url, "tram.phucxa", DEMO_PASSWORD)
    staff.get_by_role("navigation").get_by_role("link", name="Lịch khám bệnh").click()
    staff.get_by_role("link", name="Mở khung giờ khám").click()
    staff.get_by_label("Dịch vụ khám").select_option(label="Nhi khoa")
    staff.get_by_label("Ngày", exact=True).fill(tomorrow.isoformat())
    staff.get_by_label("Khung giờ đầu bắt đầu lúc").fill("08:00")
    staff.get_by_label("Khung giờ cuối kết thúc lúc").fill("07:00")  # before the start: refused, by field
    staff.get_by_label("Độ dài khung giờ (phút)").fill("30")
    staff.get_by_label("Số người mỗi khung giờ").fill("1")
    staff.get_by_role("button", name="Mở đặt lịch").click()
    staff.get_by_text("Giờ kết thúc phải sau giờ bắt đầu.").wait_for()
    staff.get_by_label("Khung giờ cuối kết thúc lúc").fill("09:00")
    staff.get_by_role("button", name="Mở đặt lịch").click()
    staff.get_by_text("Đã mở 2 khung giờ khám.").wait_for()
    assert Slot.objects.count() == 2

    # The mother, on her phone: the health book → book a consultation for her son.
    page.goto(url + "/signin/")
    page.get_by_label("Số điện thoại di động").fill("0912000001")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Sổ sức khỏe").wait_for()
    page.get_by_role("link", name="Đặt khám").click()
    page.get_by_label("Dịch vụ khám").select_option(label="Nhi khoa")
    assert page.get_by_label("Quận/huyện").locator("option:checked").inner_text() == "Quận Ba Đình"  # her own
    page.get_by_role("button", name="Tìm giờ khám").click()
    results = page.locator(".slots")
    assert "Trạm Y tế Phường Phúc Xá" in results.inner_text() and "Còn 1 chỗ" in results.inner_text()
    page.get_by_role("link", name="Đặt giờ này").first.click()
    page.get_by_label("Nguyễn Minh Khôi").check()
    page.get_by_role("button", name="Đặt lịch khám").click()
    page.get_by_text("Đã đặt lịch khám cho Nguyễn Minh Khôi.").wait_for()
    assert "08:00" in page.locator(".appointments").inner_text()

    page.get_by_role("link", name="Đổi giờ khám").click()
    page.get_by_label(f"08:30 {tomorrow:%d/%m/%Y}").check()
    page.get_by_role("button", name="Đổi sang giờ này").click()
    page.get_by_text("Đã đổi giờ khám.").wait_for()
    listed = page.locator(".appointments").inner_text()
    assert "Nguyễn Minh Khôi" in listed and "Lịch khám: Nhi khoa" in listed
    assert f"{tomorrow:%d/%m/%Y} 08:30" in listed and "Hủy lịch hẹn này" in listed
    booking = Booking.objects.get()

    # The day comes (the appointment's hour has passed): the staff mark it and write their advice.
    moment = timezone.now() - datetime.timedelta(minutes=10)
    Slot.objects.filter(pk=booking.slot_id).update(starts_at=moment, ends_at=moment + datetime.timedelta(minutes=30))
    Booking.objects.filter(pk=booking.pk).update(starts_at=moment)
    staff.get_by_role("navigation").get_by_role("link", name="Lịch khám bệnh").click()
    staff.get_by_role("button", name="Nguyễn Minh Khôi đã đến").click()
    staff.get_by_text("Nguyễn Minh Khôi đã đến khám.").wait_for()
    staff.get_by_role("link", name="Ghi lời khuyên cho Nguyễn Minh Khôi").click()
    staff.get_by_label("Lý do tư vấn").fill("Ho, sốt nhẹ")
    staff.get_by_label("Lời khuyên").fill("Uống nhiều nước, theo dõi nhiệt độ")
    staff.get_by_label("Ngày tái khám (nếu có)").fill((timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    staff.get_by_role("button", name="Lưu buổi tư vấn").click()
    staff.get_by_text("Đã ghi nhận buổi tư vấn").wait_for()
    assert Booking.objects.get().status == Booking.Status.ATTENDED

    page.get_by_role("navigation").get_by_role("link", name="Sổ sức khỏe", exact=True).click()
    page.get_by_role("link", name="Lịch sử tư vấn").click()
    history = page.locator(".history").inner_text()
    assert "Tư vấn: Ho, sốt nhẹ" in history and "Uống nhiều nước, theo dõi nhiệt độ" in history
    assert "Lịch khám: Nhi khoa" in history and "Trạm Y tế Phường Phúc Xá" in history
    assert history.index("Tư vấn: Ho, sốt nhẹ") < history.index("Lịch khám: Nhi khoa")  # newest first
    staff.context.close()
