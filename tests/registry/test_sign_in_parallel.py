"""Staff password limits under real parallel requests, in the console and at /admin/login/ alike."""
import pytest

from registry.models import AuditEvent
from tests.factories import PASSWORD
from tests.live_http import browsers, no_server_error, password_checks, together  # noqa: F401 - a fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CONSOLE, ADMIN = "/console/login/", "/admin/login/"


@pytest.fixture
def officer(django_user_model, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 5
    return django_user_model.objects.create_superuser("officer", PASSWORD, full_name="Cán bộ Sở Y tế")


def _guess(browser, path, number):
    return browser.post(path, {"username": "officer", "password": f"guess-{number}", "next": "/console/"})


def test_wrong_console_passwords_at_once_get_at_most_the_limit_of_checks(live_server, officer, password_checks):
    people = browsers(live_server.url, 15, CONSOLE)
    answers = together([lambda b=b, n=n: _guess(b, CONSOLE, n) for n, b in enumerate(people)])

    no_server_error(answers)
    assert len(password_checks) <= 5
    assert AuditEvent.objects.filter(action="staff.sign_in_failed").count() <= 5
    assert sum("Thử lại sau" in answer.text for answer in answers) >= 10


def test_admin_login_is_held_to_the_same_limit_as_the_console(live_server, officer, password_checks):
    """Tries at /admin/login/ and at the console count together: one limit, whichever door is used."""
    console, admin = browsers(live_server.url, 8, CONSOLE), browsers(live_server.url, 8, ADMIN)
    answers = together([lambda b=b, n=n: _guess(b, CONSOLE, n) for n, b in enumerate(console)]
                       + [lambda b=b, n=n: _guess(b, ADMIN, n) for n, b in enumerate(admin)])

    no_server_error(answers)
    assert len(password_checks) <= 5
    admin_answers = answers[8:]
    assert all(answer.status == 200 for answer in admin_answers)  # nobody got in
    assert sum("Thử lại sau" in answer.text for answer in answers) >= 11


def test_wrong_admin_passwords_at_once_get_at_most_the_limit_of_checks(live_server, officer, password_checks):
    people = browsers(live_server.url, 15, ADMIN)
    answers = together([lambda b=b, n=n: _guess(b, ADMIN, n) for n, b in enumerate(people)])

    no_server_error(answers)
    assert len(password_checks) <= 5
    assert sum("Thử lại sau" in answer.text for answer in answers) >= 10


def test_authenticator_codes_at_once_get_at_most_the_limit_of_checks(live_server, officer, settings, monkeypatch):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.STAFF_OTP_MAX_FAILURES = 5
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    people = browsers(live_server.url, 12, CONSOLE)
    for browser in people:  # each signs in with the password, then types a code
        assert browser.post(CONSOLE, {"username": "officer", "password": PASSWORD}).status == 302
        browser.open_form("/console/otp/")
    checked = []
    original = TOTPDevice.verify_token
    monkeypatch.setattr(TOTPDevice, "verify_token", lambda device, token: checked.append(token) or original(
        device, token))
    answers = together([lambda b=b, n=n: b.post("/console/otp/", {"token": f"{n:06d}"}) for n, b in enumerate(people)])

    no_server_error(answers)
    assert len(checked) <= 5
    assert all(answer.status == 200 for answer in answers)
    # Every other code was refused unchecked, saying until when: the limit, or django-otp's pause after a wrong one.
    refused = [answer for answer in answers
               if "Nhập sai mã quá nhiều lần. Thử lại sau" in answer.text or "Hãy chờ đến" in answer.text]
    assert len(refused) >= 12 - len(checked)
