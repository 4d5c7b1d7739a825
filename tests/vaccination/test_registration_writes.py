"""A registration's rows written together (the registration, its event, its audit row and the district's count):
all of them or none, and one open registration per person when two tabs send the form at the same moment."""
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.models import AdministrativeUnit, AuditEvent, PriorityGroup
from registry.reference_data import load_reference_data
from reporting.models import RegistrationCount
from tests.conftest import PHUC_XA
from tests.parallel import run_together
from tests.vaccination.conftest import citizen_person, register
from vaccination.models import Registration, RegistrationEvent
from vaccination.services.registrations import _submitted_write

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tx_world(request, transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("world")


def _written() -> tuple[int, int, int, int]:
    return (Registration.objects.count(), RegistrationEvent.objects.count(),
            AuditEvent.objects.filter(action="registration.submit").count(),
            sum(RegistrationCount.objects.values_list("count", flat=True)))


def test_the_rows_of_a_registration_are_written_as_save_would(tx_world, django_user_model):
    account, person = citizen_person(django_user_model, "0917000001", "Nguyễn Văn Ghi", PHUC_XA)
    registration = register(account, person, group=1)
    stored = Registration.objects.get(pk=registration.pk)
    ward = person.ward
    assert (stored.province_code, stored.district_code, stored.priority_number) == (
        ward.province_code, ward.district_code, 1)  # the copied columns the queues read
    assert stored.status == "submitted" and stored.created_by_id == account.pk and stored.created_at is not None
    assert list(RegistrationEvent.objects.filter(registration=stored).values_list("actor_id", "to_status")) == [
        (account.pk, "submitted")]
    audit = AuditEvent.objects.get(action="registration.submit")
    assert (audit.actor_id, audit.target_id, audit.target_label) == (account.pk, str(stored.pk), str(stored))
    assert RegistrationCount.objects.get(district_id=ward.parent_id, status="submitted").count == 1


def test_a_refused_registration_writes_nothing(tx_world, django_user_model):
    account, person = citizen_person(django_user_model, "0917000002", "Trần Thị Hai", PHUC_XA)
    register(account, person)
    before = _written()
    second = Registration(person=person, priority_group=PriorityGroup.objects.get(number=9), ward=person.ward,
                          consent_at=timezone.now(), created_by=account)
    with pytest.raises(IntegrityError), transaction.atomic():  # one open registration per person, in the database
        _submitted_write(second, actor=account, now=timezone.now())
    assert _written() == before


@pytest.mark.postgres
def test_two_tabs_sending_the_form_at_once_make_one_registration(tx_world, django_user_model):
    account, person = citizen_person(django_user_model, "0917000003", "Lê Văn Ba", PHUC_XA)
    errors = run_together([lambda: register(account, person) for _ in range(4)])
    assert len(errors) == 3 and all(isinstance(error, ValidationError) for error in errors)
    assert "đã có đăng ký đang được xử lý" in errors[0].messages[0]
    assert _written() == (1, 1, 1, 1)
