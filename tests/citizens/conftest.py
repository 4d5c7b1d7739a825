import re

import pytest
from django.urls import reverse

from citizens.models import SmsMessage
from tests.factories import PASSWORD


def last_code(phone: str) -> str:
    """The 6-digit code in the newest outbox message to `phone`, as the person would read it."""
    message = SmsMessage.objects.filter(phone=phone).order_by("-pk").first()
    assert message is not None, f"no SMS to {phone}"
    return re.search(r"\b(\d{6})\b", message.text).group(1)


@pytest.fixture
def signed_up(client, db):
    """A citizen who went through sign-up and is signed in; returns the client."""
    client.post(reverse("citizens:signup"), {"full_name": "Nguyễn Thị Lan", "phone": "0912345678"})
    client.post(reverse("citizens:signup_verify"), {
        "code": last_code("+84912345678"), "password1": PASSWORD, "password2": PASSWORD})
    return client
