"""The SMS outbox through a real Celery worker on Redis, as in production."""
import time

import pytest
from django.db import transaction

from citizens.models import SmsMessage
from citizens.services.messaging import sms_queue
from citizens.tasks import sms_send_due
from tests.workers import celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    """One worker consuming every queue (in production each queue group has workers of its own)."""
    with celery_worker(tmp_path) as (sms_log, lines):
        yield sms_log, lines


def _wait_sent(pk: int, lines) -> SmsMessage:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message = SmsMessage.objects.get(pk=pk)
        if message.status == SmsMessage.Status.SENT:
            return message
        time.sleep(0.2)
    raise AssertionError("not sent by the worker:\n" + "".join(lines[-40:]))


def test_outbox_is_delivered_by_a_real_worker(worker):
    sms_log, lines = worker
    with transaction.atomic():
        message = sms_queue(phone="+84912345678", text="Ma xac thuc 654321", purpose="signup")
    _wait_sent(message.pk, lines)
    assert "Ma xac thuc 654321" in sms_log.read_text(encoding="utf-8")

    # A message whose task was lost (written while the broker was down) is found by the periodic sweep.
    lost = SmsMessage.objects.create(phone="+84912345678", text="Ma 111222", purpose="signup",
                                     next_attempt_at=SmsMessage.objects.get(pk=message.pk).created_at)
    sms_send_due.apply_async()
    _wait_sent(lost.pk, lines)
    text = sms_log.read_text(encoding="utf-8")
    assert text.count("Ma xac thuc 654321") == 1 and "Ma 111222" in text


def test_a_failed_send_is_retried_by_the_worker_itself(tmp_path):
    """The gateway refuses the first try: Celery's own retry sends it after the back-off, with no beat running."""
    from tests.citizens.test_outbox import Gateway

    gateway = Gateway()
    gateway.failures_left = 1
    env = {"SMS_BACKEND": "http", "SMS_HTTP_URL": gateway.url, "SMS_RETRY_BASE_SECONDS": "1"}
    try:
        with celery_worker(tmp_path, env=env) as (_sms_log, lines):
            with transaction.atomic():
                message = sms_queue(phone="+84912345678", text="Ma 777888", purpose="signup")
            sent = _wait_sent(message.pk, lines)
    finally:
        gateway.close()
    assert (sent.attempts, len(gateway.tokens), len(gateway.accepted)) == (2, 2, 1)
    assert any("citizens.tasks.sms_send" in line and "retry" in line.lower() for line in lines), "".join(lines[-20:])


def test_certificate_is_signed_by_a_real_worker(worker, django_user_model):
    """A confirmed dose → after commit → the signing task runs in the worker → a valid certificate."""
    import datetime

    from django.utils import timezone

    from certificates.models import Certificate
    from citizens.models import Person
    from registry.models import AdministrativeUnit, StaffAssignment, Vaccine
    from registry.reference_data import load_reference_data
    from tests import factories as f
    from vaccination.models import Lot, StockBalance
    from vaccination.services.dose_recording import dose_record

    _sms_log, lines = worker
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    site = f.site(1)
    staff = f.staff("worker_site", StaffAssignment.Role.SITE, facility=site)
    lot = Lot.objects.create(vaccine=Vaccine.objects.get(code="pfizer"), lot_number="W-1",
                             expiry_date=timezone.localdate() + datetime.timedelta(days=30), quantity=5)
    StockBalance.objects.create(facility=site, lot=lot, quantity=5)
    person = Person.objects.create(full_name="Ngô Thị Mười", date_of_birth=datetime.date(1970, 10, 10))
    with transaction.atomic():
        dose_record(actor=staff, person_id=person.pk, site_id=site.pk, lot_id=lot.pk, idempotency_key="w",
                    confirm=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not Certificate.objects.filter(person=person).exists():
        time.sleep(0.2)
    certificate = Certificate.objects.filter(person=person).first()
    assert certificate is not None, "no certificate signed by the worker:\n" + "".join(lines[-40:])
    assert certificate.qr_text.startswith("HC1:") and certificate.payload["v"][0]["mp"] == "EU/1/20/1528"
