"""Redis (cache and Celery broker) is down: sign-up, sign-in, codes and the console still answer, quickly, and no
SMS is lost; the outbox keeps every message pending until the beat sweep sends it."""
import time

import pytest
from django.urls import reverse

from citizens.models import SmsMessage
from citizens.tasks import sms_send_due
from config.celery import app
from tests.citizens.conftest import last_code
from tests.factories import PASSWORD

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1
PHONE = "+84912345678"
SLOW = 2.0  # seconds; kombu's default retries alone took 6 s per code request

# Real commits, so that the hand-over to the broker after commit (transaction.on_commit) really runs.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "registry.cache.ReusingRedisCache", "LOCATION": CLOSED}}
    settings.CELERY_BROKER_URL = CLOSED
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = CLOSED, False

    def fresh_connections():  # what Celery does after a fork, so the new broker address is used
        app._pool = None
        app.amqp._producer_pool = None

    fresh_connections()
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    fresh_connections()


@pytest.fixture
def timed(client):
    """The test client, refusing any answer that is a server error or slower than SLOW."""
    def request(method: str, path: str, data: dict | None = None):
        started = time.monotonic()
        response = getattr(client, method)(path, data or {})
        took = time.monotonic() - started
        assert response.status_code < 500, (path, response.status_code)
        assert took < SLOW, (path, round(took, 2))
        return response

    return request


def test_citizen_journey_through_codes_and_passwords_with_redis_down(redis_down, timed):
    response = timed("post", reverse("citizens:signup"), {"full_name": "Nguyễn Thị Lan", "phone": "0912345678"})
    assert response["Location"] == reverse("citizens:signup_verify")
    assert timed("post", reverse("citizens:signup_resend")).status_code == 302
    assert timed("post", reverse("citizens:signup_verify"), {
        "code": last_code(PHONE), "password1": PASSWORD, "password2": PASSWORD})["Location"] == reverse("citizens:book")
    assert timed("get", reverse("citizens:captcha")).status_code == 200
    timed("post", reverse("citizens:signout"))

    assert timed("post", reverse("citizens:signin"), {"phone": "0912345678", "password": "wrong"}).status_code == 200
    assert timed("post", reverse("citizens:signin"), {"phone": "0912345678", "password": PASSWORD}).status_code == 302
    timed("post", reverse("citizens:signout"))
    assert timed("post", reverse("citizens:password_forgot"), {"phone": "0912345678"}).status_code == 302
    new = "Another-Secret-77"
    response = timed("post", reverse("citizens:password_reset"),
                     {"code": last_code(PHONE), "password1": new, "password2": new})
    assert response["Location"] == reverse("citizens:signin")

    # Nothing reached a worker, and nothing was lost: every code waits in the outbox for the sweep.
    waiting = SmsMessage.objects.filter(phone=PHONE)
    assert [(m.status, m.attempts) for m in waiting] == [("pending", 0)] * 3
    assert sms_send_due() == 3
    assert set(waiting.values_list("status", flat=True)) == {"sent"}


def test_staff_sign_in_with_redis_down(redis_down, timed, django_user_model):
    django_user_model.objects.create_user("officer", PASSWORD, full_name="Officer")
    assert timed("post", reverse("console:login"), {"username": "officer", "password": "wrong"}).status_code == 200
    assert timed("post", reverse("console:login"), {"username": "officer", "password": PASSWORD}).status_code == 302
    assert timed("get", reverse("console:home")).status_code == 200
