"""The SMS outbox: a row first, then delivery; failures are retried and nothing is lost."""
import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from citizens.models import SmsMessage
from citizens.services.messaging import _enqueue, sms_deliver, sms_queue
from citizens.tasks import sms_send, sms_send_due

Status = SmsMessage.Status


class Gateway:
    """A real HTTP SMS gateway on loopback that can be told to fail."""

    def __init__(self):
        self.failing = True
        self.accepted: list[dict] = []
        self.tokens: list[str] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.tokens.append(self.headers.get("Authorization", ""))
                if gateway.failing:
                    self.send_response(503)
                    self.end_headers()
                    return
                gateway.accepted.append(body)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    gateway = Gateway()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = gateway.url
    settings.SMS_HTTP_TOKEN = "secret-token"
    settings.SMS_HTTP_TIMEOUT = 2
    yield gateway
    gateway.close()


def _make_due(message):
    SmsMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def test_gateway_failing_then_recovering_loses_nothing(db, gateway, settings):
    message = sms_queue(phone="+84912345678", text="Ma xac thuc 123456", purpose="signup")
    assert sms_send(message.pk) == "retry"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "503" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert sms_send_due() == 0  # not due yet: back-off

    _make_due(message)
    assert sms_send_due() == 0  # still failing
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - timezone.now() > datetime.timedelta(seconds=settings.SMS_RETRY_BASE_SECONDS)

    gateway.failing = False
    _make_due(message)
    assert sms_send_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 3, "")
    assert gateway.accepted == [{"to": "+84912345678", "text": "Ma xac thuc 123456", "reference": f"sms-{message.pk}"}]
    assert gateway.tokens[-1] == "Bearer secret-token"
    assert sms_send(message.pk) == "skipped" and sms_send_due() == 0  # never sent twice
    assert len(gateway.accepted) == 1


def test_gateway_unreachable_is_retried(db, settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/send"  # nothing listens on the discard port
    message = sms_queue(phone="+84912345678", text="x", purpose="notice")
    assert sms_deliver(message_id=message.pk) == "retry"
    message.refresh_from_db()
    assert "unreachable" in message.last_error and message.status == Status.PENDING


def test_message_gives_up_after_the_attempt_limit(db, gateway, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    message = sms_queue(phone="+84912345678", text="x", purpose="notice")
    sms_deliver(message_id=message.pk)
    _make_due(message)
    assert sms_send_due() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.FAILED, 2, None)


def test_file_backend_writes_one_line_per_message(db, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    first = sms_queue(phone="+84912345678", text="Ma 111111", purpose="signup")
    second = sms_queue(phone="+84987654321", text="Ma 222222\nline two", purpose="signup")
    sms_deliver(message_id=first.pk)
    sms_deliver(message_id=second.pk)
    lines = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert lines[0].split("\t")[1:] == [f"sms-{first.pk}", "+84912345678", "Ma 111111"]
    assert lines[1].endswith("Ma 222222 line two")


def test_queued_message_is_sent_after_commit(db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_queue(phone="+84912345678", text="Ma 333333", purpose="signup")
        assert not (tmp_path / "sms.log").exists()  # nothing leaves before the transaction commits
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert "Ma 333333" in (tmp_path / "sms.log").read_text(encoding="utf-8")


def test_broker_down_keeps_the_message_for_the_sweep(db, settings, tmp_path):
    from config.celery import app

    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    message = sms_queue(phone="+84912345678", text="Ma 444444", purpose="signup")
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # no broker there
    try:
        _enqueue(message.pk)  # must not raise: the web request that queued it still succeeds
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert sms_send_due() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
