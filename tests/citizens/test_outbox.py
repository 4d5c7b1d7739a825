"""The SMS outbox: a row first, then delivery; failures are retried and nothing is lost."""
import datetime
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from citizens.models import SmsMessage
from citizens.services.messaging import sms_deliver, sms_enqueue, sms_queue
from citizens.tasks import sms_send, sms_send_due

Status = SmsMessage.Status


class Gateway:
    """A real HTTP SMS gateway on loopback that can be told to fail."""

    def __init__(self):
        self.failing = True
        self.failures_left: int | None = None  # a number: fail that many requests, then accept
        self.accepted: list[dict] = []
        self.tokens: list[str] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.tokens.append(self.headers.get("Authorization", ""))
                if gateway.failures_left is not None:
                    gateway.failing = gateway.failures_left > 0
                    gateway.failures_left -= 1
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


def test_message_gives_up_after_the_attempt_limit(db, gateway, settings, caplog):
    settings.SMS_MAX_ATTEMPTS = 2
    message = sms_queue(phone="+84912345678", text="x", purpose="notice")
    sms_deliver(message_id=message.pk)
    _make_due(message)
    with caplog.at_level(logging.ERROR, logger="citizens.services.messaging"):
        assert sms_send_due() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.FAILED, 2, None)
    assert f"SMS {message.pk} failed for good after 2 attempts" in caplog.text  # seen, not swallowed


def test_in_process_a_failed_send_is_tried_once_and_waits_in_the_outbox(db, gateway, caplog,
                                                                        django_capture_on_commit_callbacks):
    """Without a broker (tasks run eagerly) a retry would come at once, without its back-off: the task tries once,
    the log says when the next try is, and the row waits for the sweep, spending no attempt before then."""
    with caplog.at_level(logging.WARNING, logger="citizens.services.messaging"):
        with django_capture_on_commit_callbacks(execute=True):
            message = sms_queue(phone="+84912345678", text="Ma 555555", purpose="signup")
    message.refresh_from_db()
    assert len(gateway.tokens) == 1
    assert (message.status, message.attempts) == (Status.PENDING, 1) and message.next_attempt_at > timezone.now()
    assert f"SMS {message.pk} not sent (attempt 1), next try at" in caplog.text
    assert sms_send.apply(args=(message.pk,)).get() == "skipped"  # its back-off is not over
    assert len(gateway.tokens) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_in_a_worker_a_failed_send_is_retried_by_celery_when_its_back_off_is_over(db, gateway, settings,
                                                                                  monkeypatch):
    """The task asks Celery for its own retry, at the time the outbox row says, within the setting's limit."""
    from celery.exceptions import Retry

    asked = {}

    def retry(**options):
        asked.update(options)
        return Retry("retry", when=options["eta"])

    message = sms_queue(phone="+84912345678", text="x", purpose="notice")
    monkeypatch.setattr(sms_send, "retry", retry)
    sms_send.push_request(called_directly=False, is_eager=False, retries=0, id="sms-task")  # as a worker runs it
    try:
        with pytest.raises(Retry):
            sms_send.run(message.pk)
    finally:
        sms_send.pop_request()
    message.refresh_from_db()
    assert asked == {"eta": message.next_attempt_at, "max_retries": settings.SMS_MAX_ATTEMPTS}
    assert message.next_attempt_at - timezone.now() > datetime.timedelta(seconds=settings.SMS_RETRY_BASE_SECONDS - 5)


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
        sms_enqueue(message.pk)  # must not raise: the web request that queued it still succeeds
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert sms_send_due() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
