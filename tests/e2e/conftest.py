"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server."""
import os
import shutil

import pytest

from . import axe

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium"))


# Content-Security-Policy refusals seen by any page of the running journey ("Refused to execute inline script…",
# "Refused to apply inline style…"). The portal runs under its real policy in the tests; a journey that the policy
# breaks fails even when its own assertions happen to pass.
_CSP_REFUSALS: list[str] = []
# Chromium also logs a refusal to the console, but an event raised in the page is harder to miss.
_REPORT_REFUSALS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Refused by Content Security Policy: " + event.effectiveDirective + " " + (event.blockedURI || "inline")
                + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


def _watch_for_refusals(context) -> None:
    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            _CSP_REFUSALS.append(f"{message.text} ({message.location.get('url', '')})")

    context.add_init_script(_REPORT_REFUSALS)
    context.on("console", on_console)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        new_context = browser.new_context

        def new_watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            _watch_for_refusals(context)
            axe.watch(context)
            return context

        def new_watched_page(*args, **kwargs):
            return new_watched_context(*args, **kwargs).new_page()

        # Journeys that open their own contexts (two people at once) are watched too.
        browser.new_context = new_watched_context
        browser.new_page = new_watched_page
        axe.install()
        yield browser
        axe.uninstall()
        browser.close()


@pytest.fixture(autouse=True)
def csp_refusals():
    """Fails the journey on any Content-Security-Policy refusal; a test that provokes one on purpose empties it."""
    _CSP_REFUSALS.clear()
    yield _CSP_REFUSALS
    refusals, _CSP_REFUSALS[:] = list(_CSP_REFUSALS), []
    if refusals:
        pytest.fail("The Content-Security-Policy blocked part of a page:\n" + "\n".join(dict.fromkeys(refusals)))


@pytest.fixture(autouse=True)
def axe_violations():
    """Fails the journey if axe-core finds a serious or critical violation on any page it visited."""
    axe.violations.clear()
    yield axe.violations
    axe.check_open_contexts()
    found, axe.violations[:] = list(axe.violations), []
    if found:
        pytest.fail("axe-core found accessibility violations:\n" + "\n".join(dict.fromkeys(found)))


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")  # a phone
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def staff_sign_in(page, url: str, username: str, password: str) -> None:
    """Sign a demo officer into the console, typing the authenticator code when the role asks for one."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(url + "/console/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    if page.get_by_role("heading", name="Xác thực hai lớp").count():
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Mã 6 số trên ứng dụng xác thực").fill(
            f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
        page.get_by_role("button", name="Xác thực").click()
    page.get_by_role("heading", name="Xin chào", exact=False).wait_for()
