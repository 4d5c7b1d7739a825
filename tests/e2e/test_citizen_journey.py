"""A citizen on a phone: sign up with the SMS code, sign in, fill in the profile, add a family member,
declare health on their behalf, and open the personal QR page."""
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore

from citizens.models import HealthDeclaration, Person
from registry.reference_data import load_reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Mat-khau-rat-manh-2021"


def _code_from_sms_file(path, phone: str) -> str:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if f"\t{phone}\t" in line]
    return re.search(r"\b(\d{6})\b", lines[-1].split("\t")[-1]).group(1)


def test_citizen_journey(live_server, page, settings, tmp_path):
    load_reference_data()
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    url = live_server.url

    page.goto(url + "/")
    page.get_by_role("main").get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    assert page.get_by_label("Mật khẩu", exact=True).count() == 0  # chosen with the code, on the next page
    page.get_by_role("button", name="Tiếp tục").click()

    page.get_by_role("heading", name="Xác nhận số điện thoại").wait_for()
    page.get_by_label("Mã OTP 6 số gửi qua tin nhắn").fill("12")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Xác nhận").click()
    assert "Mã gồm 6 chữ số." in page.get_by_role("alert").inner_text()
    page.get_by_label("Mã OTP 6 số gửi qua tin nhắn").fill(_code_from_sms_file(settings.SMS_FILE_PATH, "+84912345678"))
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Xác nhận").click()
    page.get_by_role("heading", name="Sổ sức khỏe").wait_for()

    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(url + "/signin/")
    page.get_by_label("Số điện thoại di động").fill("+84912345678")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Sổ sức khỏe").wait_for()

    page.get_by_role("link", name="Cập nhật thông tin").first.click()
    page.get_by_label("Ngày sinh").fill("1985-03-14")
    page.get_by_label("Giới tính").select_option("F")
    page.get_by_label("Loại giấy tờ").select_option("cccd")
    page.get_by_label("Số giấy tờ tùy thân").fill("001185000001")
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Hà Nội")
    page.get_by_label("Quận/huyện").locator("option", has_text="Quận Ba Đình").wait_for(state="attached")
    page.get_by_label("Quận/huyện").select_option(label="Quận Ba Đình")
    page.get_by_label("Phường/xã").locator("option", has_text="Phường Phúc Xá").wait_for(state="attached")
    page.get_by_label("Phường/xã").select_option(label="Phường Phúc Xá")
    page.get_by_label("Dị ứng").fill("Penicillin")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã lưu thông tin.").wait_for()
    assert "Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội" in page.get_by_role("main").inner_text()
    assert "•••••••••001" in page.get_by_role("main").inner_text()

    page.get_by_role("link", name="Sổ sức khỏe", exact=True).click()
    page.get_by_role("link", name="Thêm thành viên gia đình").click()
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Bà")
    page.get_by_label("Ngày sinh").fill("1940-01-02")
    page.get_by_label("Giới tính").select_option("F")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã thêm Nguyễn Thị Bà").wait_for()

    page.get_by_role("link", name="Khai báo y tế").first.click()
    page.get_by_label("Khai báo cho").select_option(label="Nguyễn Thị Bà")
    page.get_by_label("Sốt").check()
    page.get_by_role("group", name=re.compile("người bệnh")).get_by_label("Không").check()
    page.get_by_role("group", name=re.compile("vùng có dịch")).get_by_label("Có").check()
    page.get_by_label("Mã bảo mật trong hình").fill("WRONG")
    page.get_by_role("button", name="Gửi tờ khai").click()
    assert "Mã bảo mật không đúng" in page.get_by_role("alert").first.inner_text()
    assert not HealthDeclaration.objects.exists()
    session = SessionStore(session_key=next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid"))
    page.get_by_label("Mã bảo mật trong hình").fill(session["captcha:declaration"])
    page.get_by_role("button", name="Gửi tờ khai").click()
    page.get_by_text("Đã gửi tờ khai.").wait_for()
    declaration = HealthDeclaration.objects.get()
    assert declaration.person.full_name == "Nguyễn Thị Bà" and declaration.declared_by.phone == "+84912345678"

    page.get_by_role("link", name="Danh sách tờ khai").click()
    assert page.locator(".declaration svg").count() == 1
    assert "Nguyễn Thị Bà" in page.locator(".declaration").inner_text()

    page.get_by_role("link", name="Sổ sức khỏe", exact=True).click()
    page.get_by_role("link", name="Mã sổ sức khỏe").first.click()
    page.get_by_role("heading", name="Mã sổ sức khỏe").wait_for()
    assert page.locator(".qr-large svg").is_visible()
    own = Person.objects.get(account__phone="+84912345678")
    assert own.id_number not in page.content() and own.qr_token not in page.get_by_role("main").inner_text()
