"""A representative registers their company on a phone, choosing its ward province → district → ward from lists,
as on the profile, instead of typing a statistics-office code."""
import pytest

from citizens.demo import DEMO_PASSWORD, seed_demo
from registry.models import AdministrativeUnit, Organisation
from registry.reference_data import load_reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_representative_registers_an_organisation_with_the_ward_picker(live_server, page):
    load_reference_data()
    seed_demo()
    url = live_server.url
    page.goto(url + "/signin/")
    page.get_by_label("Số điện thoại di động").fill("0912000003")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Tổ chức").first.click()

    page.get_by_role("heading", name="Đăng ký tổ chức").wait_for()
    assert page.get_by_label("Mã phường", exact=False).count() == 0
    page.get_by_label("Tên tổ chức").fill("Công ty TNHH Sông Hương")
    page.get_by_label("Loại").select_option(label="Doanh nghiệp")
    page.get_by_label("Mã số thuế hoặc số đăng ký").fill("3300123456")
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Huế")
    # the district and ward lists follow the province chosen, without leaving the page
    page.get_by_label("Quận/huyện").locator("option", has_text="Quận Thuận Hóa").wait_for(state="attached")
    assert page.get_by_label("Quận/huyện").locator("option", has_text="Quận Ba Đình").count() == 0
    page.get_by_label("Quận/huyện").select_option(label="Quận Thuận Hóa")
    page.get_by_label("Phường/xã").locator("option", has_text="Phường Vỹ Dạ").wait_for(state="attached")
    page.get_by_label("Phường/xã").select_option(label="Phường Vỹ Dạ")
    page.get_by_label("Địa chỉ").fill("12 Nguyễn Sinh Cung")
    page.get_by_label("Người liên hệ").fill("Lê Thị Hương")
    page.get_by_role("main").get_by_role("button", name="Đăng ký").click()

    page.get_by_role("heading", name="Công ty TNHH Sông Hương").wait_for()
    organisation = Organisation.objects.get(registration_number="3300123456")
    assert organisation.unit == AdministrativeUnit.objects.get(level="ward", code=19777)
