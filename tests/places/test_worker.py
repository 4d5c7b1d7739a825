"""An exposure told through a real Celery worker on Redis, as in production: the declaration commits, the task runs
in the worker, the people are told and their SMS leave through the outbox."""
import datetime
import time

import pytest
from django.db import transaction
from django.utils import timezone

from citizens.models import Notification, SmsMessage
from places.models import Exposure
from places.services import exposure_declare
from registry.models import AdministrativeUnit
from registry.reference_data import load_reference_data
from tests.workers import celery_worker

from .conftest import visit_at

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tx_places(request, transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("places")


def test_an_exposure_is_told_by_a_real_worker(tx_places, world, tmp_path):
    places, now = tx_places, timezone.now()
    visit_at(places["ba_dinh"], places["lan_person"], places["lan"], now - datetime.timedelta(minutes=20))
    visit_at(places["ba_dinh"], places["son"], places["lan"], now - datetime.timedelta(minutes=20))
    with celery_worker(tmp_path) as (sms_log, lines):
        with transaction.atomic():
            exposure = exposure_declare(officer=world["district_ba_dinh"], venue_id=places["ba_dinh"].pk,
                                        starts_at=now - datetime.timedelta(hours=1), ends_at=now,
                                        reason="Ca bệnh xác nhận", advice="Theo dõi sức khỏe")
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and (
                Exposure.objects.get(pk=exposure.pk).status != Exposure.Status.SENT
                or SmsMessage.objects.filter(status=SmsMessage.Status.SENT).count() < 2):
            time.sleep(0.2)
        assert Exposure.objects.get(pk=exposure.pk).notified_count == 2, "".join(lines[-40:])
        assert SmsMessage.objects.filter(status=SmsMessage.Status.SENT).count() == 2, "".join(lines[-40:])
        assert sms_log.read_text(encoding="utf-8").count("Cho Chau Long") == 2
    assert Notification.objects.filter(recipient=places["lan"]).count() == 2
