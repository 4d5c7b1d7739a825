"""Site staff types a scanned QR token → screens → injects → records observation; the citizen then sees the dose
and the new status and reports a reaction, which the site sees."""
import datetime

import pytest
from django.utils import timezone

from citizens.demo import DEMO_PASSWORD, seed_demo
from citizens.models import Person
from registry.models import Facility
from registry.reference_data import load_reference_data
from tests.e2e.conftest import staff_sign_in
from vaccination.demo import seed_vaccination_demo
from vaccination.models import Dose, Lot
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import session_create, session_schedule_auto

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_site_four_steps_then_citizen_reports_a_reaction(live_server, browser):
    from django.contrib.auth import get_user_model

    load_reference_data()
    seed_demo()
    seed_vaccination_demo()
    User = get_user_model()
    minh = Person.objects.get(account__phone="+84912000002")  # registered by the demo data
    # What Minh wrote in his profile; the nurse must see it at check-in, before screening.
    Person.objects.filter(pk=minh.pk).update(chronic_conditions="Tăng huyết áp", allergies="Penicillin")
    registrations_approve(officer=User.objects.get(username="soyte.hanoi"), ids=[minh.registrations.get().pk])
    registrations_allocate(officer=User.objects.get(username="soyte.hanoi"), ids=[minh.registrations.get().pk])
    district = User.objects.get(username="ttyt.badinh")
    site = Facility.objects.get(code="site-4")  # Trúc Bạch: Minh lives there
    lot = Lot.objects.get(lot_number="DEMO-AZ-2021")
    session = session_create(actor=district, site_id=site.pk, date=timezone.localdate(),
                             start_time=datetime.time(0, 0), end_time=datetime.time(23, 0), slot_minutes=60,
                             people_per_slot=10, lot_id=lot.pk)
    assert session_schedule_auto(actor=district, session_id=session.pk) == 1
    from tests import factories as f
    from registry.models import StaffAssignment

    staff_user = f.staff("tram.trucbach", StaffAssignment.Role.SITE, facility=site)
    staff_user.set_password(DEMO_PASSWORD)
    staff_user.save()

    url = live_server.url
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    staff_sign_in(page, url, "tram.trucbach", DEMO_PASSWORD)
    page.get_by_role("link", name="Buổi tiêm hôm nay").first.click()
    page.get_by_label("Quét mã QR, hoặc nhập số giấy tờ hoặc số điện thoại").fill(minh.qr_text)  # the scanner types
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Trần Văn Minh").wait_for()
    card = page.locator(".person-card").inner_text()
    assert "Bệnh mạn tính" in card and "Tăng huyết áp" in card and "Penicillin" in card
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    page.get_by_role("heading", name="Khám sàng lọc").wait_for()
    # A contraindication ticked by mistake with "eligible": refused, and nothing the nurse typed is lost.
    anaphylaxis = page.get_by_label("Tiền sử phản vệ từ độ 2 trở lên", exact=False)
    anaphylaxis.check()
    page.get_by_label("Nhiệt độ (°C)").fill("36.7")
    page.get_by_label("Mạch (lần/phút)").fill("82")
    page.get_by_label("Đủ điều kiện tiêm chủng ngay").check()
    page.get_by_role("button", name="Lưu kết quả khám sàng lọc").click()
    page.get_by_text("Có dấu hiệu chống chỉ định").wait_for()
    assert anaphylaxis.is_checked() and page.get_by_label("Đủ điều kiện tiêm chủng ngay").is_checked()
    assert page.get_by_label("Nhiệt độ (°C)").input_value() == "36.7"
    assert page.get_by_label("Mạch (lần/phút)").input_value() == "82"
    anaphylaxis.uncheck()  # asked again: no anaphylaxis
    page.get_by_role("button", name="Lưu kết quả khám sàng lọc").click()
    page.get_by_role("heading", name="Tiêm chủng", exact=True).wait_for()
    page.get_by_role("button", name="Ghi nhận mũi tiêm").click()
    page.get_by_text("Đã ghi nhận mũi 1").wait_for()
    # Ending observation at once: the page warns, keeps the note, and asks for the reason.
    page.get_by_text("phút theo dõi. Muốn kết thúc ngay, cần ghi lý do").wait_for()
    page.get_by_label("Theo dõi sau tiêm", exact=True).fill("Bình thường")
    page.get_by_role("button", name="Kết thúc theo dõi").click()
    page.get_by_text("Chưa hết thời gian theo dõi").wait_for()
    assert page.get_by_label("Theo dõi sau tiêm", exact=True).input_value() == "Bình thường"
    page.get_by_label("Lý do kết thúc sớm").fill("Chuyển lên bệnh viện huyện theo dõi tiếp")
    page.get_by_role("button", name="Kết thúc theo dõi").click()
    page.get_by_text("Đã lưu kết quả theo dõi.").wait_for()
    assert Dose.objects.get(person=minh).dose_number == 1

    citizen = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    citizen.set_default_timeout(15_000)
    citizen.goto(url + "/signin/")
    citizen.get_by_label("Số điện thoại di động").fill("0912000002")
    citizen.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.get_by_role("link", name="Lịch sử tiêm chủng").first.click()
    assert citizen.locator(".dose-level").inner_text() == "Đã tiêm 1 mũi vắc xin"
    assert "Trạm Y tế Phường Trúc Bạch" in citizen.locator(".doses").inner_text()
    assert timezone.localdate().strftime("%d/%m/%Y") in citizen.locator(".doses").inner_text()
    # The next dose and its date, instead of a button that would start the course again.
    due = timezone.localdate() + datetime.timedelta(days=28)  # AstraZeneca: 4 weeks at least
    assert f"Mũi 2, từ ngày {due:%d/%m/%Y}" in citizen.locator(".next-dose").inner_text()
    assert citizen.get_by_role("link", name="Đăng ký tiêm chủng").count() == 0
    citizen.get_by_role("link", name="Báo phản ứng sau tiêm").click()
    citizen.get_by_label("Bắt đầu từ lúc nào?").fill(timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M"))
    citizen.get_by_label("Sốt").check()
    citizen.get_by_label("Trung bình: ảnh hưởng một phần sinh hoạt").check()
    citizen.get_by_label("Mô tả diễn biến").fill("Sốt 38.5 độ từ tối")
    citizen.get_by_role("button", name="Gửi báo cáo").click()
    citizen.get_by_text("Cảm ơn bạn").wait_for()

    page.get_by_role("link", name="Phản ứng sau tiêm").first.click()
    assert "Trần Văn Minh" in page.locator("tbody").inner_text()
    context.close()
    citizen.context.close()
