"""Behind a load balancer every request comes from the proxy; limits, the outbox and audit rows must use the
client's address as the proxy saw it, and never an address the client wrote itself."""
import pytest
from django.urls import reverse

from citizens.models import SmsMessage
from registry.models import AuditEvent
from tests.factories import PASSWORD, CitizenFactory

PROXY = "10.0.0.5"
ALICE, BOB = "203.0.113.10", "203.0.113.20"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def _signup(client, phone: str, forwarded: str):
    client.cookies.clear()
    return client.post(reverse("citizens:signup"), {"full_name": "Nguyễn Thị Lan", "phone": phone},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def test_code_limits_are_per_client_and_a_forged_forwarded_address_is_ignored(client, db, settings,
                                                                             behind_one_proxy):
    settings.OTP_SMS_SENDS_PER_IP = 2
    # Alice writes a different address of her own in front of what the proxy appends, every time.
    assert _signup(client, "0912345601", f"198.51.100.1, {ALICE}").status_code == 302
    assert _signup(client, "0912345602", f"198.51.100.2, {ALICE}").status_code == 302
    refused = _signup(client, "0912345603", f"198.51.100.3, {ALICE}")
    assert "Có quá nhiều yêu cầu gửi mã từ kết nối này" in refused.content.decode()
    # Bob, behind the same proxy, has a limit of his own.
    assert _signup(client, "0912345604", BOB).status_code == 302
    assert sorted(SmsMessage.objects.values_list("requested_ip", flat=True)) == [ALICE, ALICE, BOB]


def test_password_tries_per_address_are_per_client(client, db, settings, behind_one_proxy):
    settings.PASSWORD_TRIES_PER_IP = 2
    citizens = [CitizenFactory() for _ in range(4)]

    def sign_in(citizen, forwarded):
        return client.post(reverse("citizens:signin"), {"phone": citizen.phone, "password": "Matkhau@2021"},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).content.decode()

    assert "không đúng" in sign_in(citizens[0], f"198.51.100.1, {ALICE}")
    assert "không đúng" in sign_in(citizens[1], f"198.51.100.2, {ALICE}")
    assert "Có quá nhiều lần đăng nhập từ kết nối này" in sign_in(citizens[2], f"198.51.100.3, {ALICE}")
    assert "không đúng" in sign_in(citizens[3], BOB)


def test_audit_rows_record_the_client_not_the_proxy(client, db, django_user_model, behind_one_proxy):
    django_user_model.objects.create_user("officer", PASSWORD, full_name="Officer")
    client.post(reverse("console:login"), {"username": "officer", "password": PASSWORD},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.9, {ALICE}")
    assert AuditEvent.objects.get(action="staff.sign_in").ip == ALICE
