import datetime

import pytest
from django.utils import timezone

from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person, lot, people, register  # noqa: F401 - fixtures
from vaccination.services.dose_recording import dose_record


@pytest.fixture
def certified(world, lot, django_user_model, django_capture_on_commit_callbacks):
    """Đặng Thị Ánh, two confirmed AstraZeneca doses at Phúc Xá, and the certificate signed after commit."""
    from certificates.models import Certificate

    account, person = citizen_person(django_user_model, "0912000601", "Đặng Thị Ánh", PHUC_XA,
                                     born=datetime.date(1988, 2, 29))
    person.id_number, person.id_kind = "001188000777", "cccd"
    person.save()
    register(account, person)
    doses = []
    with django_capture_on_commit_callbacks(execute=True):
        for number, days_ago in ((1, 70), (2, 10)):
            dose, _created = dose_record(
                actor=world["site_staff_phuc_xa"], person_id=person.pk, site_id=world["site_phuc_xa"].pk,
                lot_id=lot.pk, idempotency_key=f"cert-{number}", dose_number=number, confirm=True,
                given_at=timezone.now() - datetime.timedelta(days=days_ago))
            doses.append(dose)
    return {"account": account, "person": person, "doses": doses,
            "certificate": Certificate.objects.get(person=person, status="valid")}
