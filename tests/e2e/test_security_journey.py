"""The portal runs in the browser under its real Content-Security-Policy: injected inline script and style do
nothing, the refusal is caught by the journeys' watcher, and the pages' own scripts (print, address selects) work."""
import pytest
from django.urls import reverse

from citizens.demo import DEMO_PASSWORD, seed_demo
from citizens.models import User
from registry.reference_data import load_reference_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = true";
  document.body.appendChild(script);
  document.body.insertAdjacentHTML("beforeend", '<p id="painted" style="color: rgb(255, 0, 0)">x</p>');
}"""


def test_injected_inline_script_and_style_are_refused_and_reported(live_server, page, csp_refusals):
    page.goto(live_server.url + "/")
    page.evaluate(INJECT)  # as an HTML injection would, past the template's escaping
    page.wait_for_function("document.getElementById('painted') !== null")
    assert page.evaluate("window.injected") is None
    assert page.evaluate("getComputedStyle(document.getElementById('painted')).color") != "rgb(255, 0, 0)"
    page.wait_for_timeout(300)  # console messages arrive asynchronously
    refused = "\n".join(csp_refusals)
    assert "script-src" in refused, refused
    assert "style-src" in refused, refused
    csp_refusals.clear()  # provoked on purpose; anything else fails the journey


def test_print_button_works_without_inline_handler(live_server, page):
    load_reference_data()
    seed_demo()
    holder = User.objects.get(phone="+84912000001")
    page.goto(live_server.url + reverse("citizens:signin"))
    page.get_by_label("Số điện thoại di động").fill("0912000001")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Sổ sức khỏe").wait_for()

    page.goto(live_server.url + reverse("citizens:person_qr", args=[holder.person.pk]))
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")  # no dialog in a headless run
    page.get_by_role("button", name="In", exact=True).click()
    assert page.evaluate("window.printed") is True
