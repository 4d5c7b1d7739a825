"""The portal home in Vietnamese, the switch to English, and a province officer signing into the console."""
import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from citizens.demo import DEMO_PASSWORD, seed_demo
from registry.reference_data import load_reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_language_switch_and_staff_sign_in(live_server, page):
    load_reference_data()
    seed_demo()

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text() == "Cổng thông tin tiêm chủng COVID-19"

    page.get_by_label("Ngôn ngữ").select_option("en")
    page.get_by_role("button", name="Đổi").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "COVID-19 vaccination portal"

    page.get_by_role("link", name="Sign in to the staff console").click()
    assert page.locator("html").get_attribute("lang") == "en"  # the choice sticks on the next page
    page.get_by_label("Username").fill("soyte.hanoi")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "The username or password is not correct."

    page.get_by_label("Username").fill("soyte.hanoi")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Second factor").wait_for()

    device = TOTPDevice.objects.get(user__username="soyte.hanoi", confirmed=True)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("6-digit code from your authenticator app").fill(token)
    page.get_by_role("button", name="Verify").click()

    page.get_by_role("heading", name="Hello, Trần Thị Hà").wait_for()
    assert "Thành phố Hà Nội" in page.locator(".role").inner_text()
    page.get_by_role("link", name="Facilities and vaccination sites").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 7  # the department, two district centres, four sites of Hà Nội
    assert "Huế" not in page.locator("tbody").inner_text()
