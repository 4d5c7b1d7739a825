"""Places visited, end to end: a venue's owner registers it and opens its poster; a citizen on her phone checks in
with her son by typing the poster's code; the district officer declares an exposure there; the citizen reads the
notice in her notifications and under Places visited."""
import datetime

import pytest
from django.utils import timezone

from citizens.demo import DEMO_PASSWORD, seed_demo
from citizens.models import SmsMessage
from places.models import Venue
from registry.reference_data import load_reference_data
from tests.e2e.conftest import staff_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _citizen_sign_in(page, url, phone):
    page.goto(url + "/signin/")
    page.get_by_label("Số điện thoại di động").fill(phone)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Sổ sức khỏe").wait_for()


def _sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def test_venue_check_in_exposure_and_notice(live_server, page, browser):
    load_reference_data()
    seed_demo()
    url = live_server.url

    # The owner of a shop in Trúc Bạch registers it from his health book and opens its poster (on his phone).
    _citizen_sign_in(page, url, "0912000002")
    page.get_by_role("link", name="Địa điểm của tôi").click()
    page.get_by_role("link", name="Đăng ký địa điểm").click()
    page.get_by_label("Loại địa điểm").select_option("shop")
    page.get_by_label("Tên địa điểm").fill("Tạp hóa Minh Trúc Bạch")
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Hà Nội")
    page.get_by_label("Quận/huyện").select_option(label="Quận Ba Đình")
    page.get_by_label("Phường/xã").select_option(label="Phường Trúc Bạch")
    page.get_by_label("Số nhà, đường phố").fill("5 Trúc Bạch")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name="Tạp hóa Minh Trúc Bạch").wait_for()
    venue = Venue.objects.get(name="Tạp hóa Minh Trúc Bạch")
    poster = page.locator("article.poster")
    assert venue.code_display in poster.inner_text()
    assert "Quét mã để khai báo nơi đã đến" in poster.inner_text() and "Scan to record your visit" in poster.inner_text()
    assert poster.locator("figure svg").count() == 1
    assert "Phường Trúc Bạch" in poster.inner_text()
    _sign_out(page)

    # Lan, on her phone, types the code from the poster and checks in with her son.
    _citizen_sign_in(page, url, "0912000001")
    page.get_by_role("link", name="Nơi đã đến").first.click()
    page.get_by_label("Mã trên áp phích").fill(venue.code_display.lower())
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_role("heading", name="Khai báo đến Tạp hóa Minh Trúc Bạch").wait_for()
    assert page.get_by_label("Nguyễn Thị Lan").is_checked()
    page.get_by_label("Nguyễn Minh Khôi").check()
    page.get_by_role("button", name="Ghi nhận lượt đến").click()
    page.get_by_text("Đã ghi nhận lượt đến Tạp hóa Minh Trúc Bạch cho 2 người.").wait_for()
    assert page.locator("li.visit").count() == 2
    _sign_out(page)

    # The district officer of Ba Đình (console, authenticator code) sees counts, not names, and declares an exposure.
    officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    officer.set_default_timeout(15_000)
    staff_sign_in(officer, url, "ttyt.badinh", DEMO_PASSWORD)
    officer.get_by_role("link", name="Nơi đã đến").click()
    officer.get_by_role("link", name="Tạp hóa Minh Trúc Bạch").click()
    days = officer.locator("table").first.inner_text()
    assert "2" in days and "Nguyễn" not in officer.locator("main").inner_text()
    now = timezone.localtime()
    officer.get_by_label("Bắt đầu khoảng thời gian").fill((now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    officer.get_by_label("Kết thúc khoảng thời gian").fill((now + datetime.timedelta(minutes=1)).strftime(
        "%Y-%m-%dT%H:%M"))
    officer.get_by_label("Lý do").fill("Ca bệnh COVID-19 xác nhận đã đến cửa hàng")
    officer.get_by_role("button", name="Công bố và báo cho mọi người").click()
    officer.get_by_text("Đã công bố phơi nhiễm.").wait_for()
    told = officer.locator("td.exposure-told").first.inner_text()
    assert "2 người đã đến trong khoảng thời gian này đã được báo" in told
    assert "Nguyễn" not in officer.locator("main").inner_text()
    officer.context.close()
    assert SmsMessage.objects.filter(purpose="notice", text__contains="Tap hoa Minh Truc Bach").count() == 2

    # Lan reads the notice: in her notifications, and under Places visited.
    _citizen_sign_in(page, url, "0912000001")
    page.get_by_role("link", name="Thông báo").first.click()
    page.get_by_text("Có thể đã phơi nhiễm tại Tạp hóa Minh Trúc Bạch").first.wait_for()
    page.get_by_role("link", name="Nơi đã đến").first.click()
    notices = page.locator("li.exposure")
    assert notices.count() == 2  # herself and her son
    assert "Ca bệnh COVID-19 xác nhận đã đến cửa hàng" in notices.first.inner_text()
