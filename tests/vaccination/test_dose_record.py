"""The dose transaction: few statements, the site's stock row taken last, and every fact still right."""
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from registry.models import AuditEvent
from reporting.models import DoseDaily, RegistrationCount
from tests.vaccination.test_site import booked  # noqa: F401
from vaccination.models import Appointment, Dose, Registration, RegistrationEvent, StockBalance, StockMovement
from vaccination.services import dose_recording
from vaccination.services.dose_recording import dose_record


def _record(world, person, lot_id, key="k"):
    return dose_record(actor=world["site_staff_phuc_xa"], person_id=person.pk, site_id=world["site_phuc_xa"].pk,
                       lot_id=lot_id, idempotency_key=key)


@pytest.mark.postgres
def test_the_stock_row_is_taken_by_the_last_statement_before_commit(world, lot, people, booked):  # noqa: F811
    _record(world, people["minh"]["person"], lot.pk, key="warm-up")  # the staff member's rights, loaded once
    with CaptureQueriesContext(connection) as statements:
        _record(world, people["lan"]["person"], lot.pk)
    sql = [s["sql"] for s in statements.captured_queries
           if not s["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT"))]
    touching_stock = [index for index, text in enumerate(sql) if "vaccination_stockbalance" in text]
    assert touching_stock == [len(sql) - 1]  # the balance row is locked from there to COMMIT only
    assert len(sql) <= 10


def test_every_fact_of_a_dose_in_one_transaction(world, lot, people, booked):  # noqa: F811
    before = StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity
    dose, created = _record(world, people["lan"]["person"], lot.pk)
    assert created and str(dose) == "Nguyễn Thị Lan · AstraZeneca (Vaxzevria) #1"
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == before - 1
    line = StockMovement.objects.get(kind="administered")
    assert (line.quantity, line.balance_after, line.reason) == (-1, before - 1, "Nguyễn Thị Lan #1")
    registration = Registration.objects.get(pk=people["lan"]["registration"].pk)
    assert (registration.status, registration.next_dose_number, registration.required_vaccine_id) == (
        "vaccinated", 2, lot.vaccine_id)
    assert Appointment.objects.get(registration=registration).status == "attended"
    assert RegistrationEvent.objects.filter(registration=registration, from_status="scheduled",
                                            to_status="vaccinated").count() == 1
    assert AuditEvent.objects.filter(action="dose.record", target_id=str(dose.pk)).get().changes["lot"] == "AZ-001"
    assert DoseDaily.objects.aggregate(n=Sum("count"))["n"] == 1


def test_a_lot_that_does_not_exist_is_refused_with_a_message(world, lot, people):
    with pytest.raises(ValidationError) as refused:
        _record(world, people["lan"]["person"], lot.pk + 1000)
    assert refused.value.message_dict == {"lot": ["Hãy chọn một lô vắc xin mà cơ sở này đang có."]}
    assert not Dose.objects.exists()


def test_a_registration_moved_by_the_district_meanwhile_still_moves_on(world, lot, people, booked,  # noqa: F811
                                                                         monkeypatch):
    """The registration's status is read without its lock; had the district changed it since, the dose takes
    the locking path and the event and the counts start from the status it really had."""
    registration = people["lan"]["registration"]
    read = dose_recording.facts_read

    def stale(*args, **kwargs):
        facts = read(*args, **kwargs)
        facts.registration = (facts.registration[0], "allocated", facts.registration[2])  # as read earlier
        return facts

    monkeypatch.setattr(dose_recording, "facts_read", stale)
    waiting = RegistrationCount.objects.filter(status="scheduled").aggregate(n=Sum("count"))["n"]
    _record(world, people["lan"]["person"], lot.pk)
    registration.refresh_from_db()
    assert registration.status == "vaccinated"
    assert RegistrationEvent.objects.filter(registration=registration, to_status="vaccinated").get().from_status \
        == "scheduled"
    assert RegistrationCount.objects.filter(status="scheduled").aggregate(n=Sum("count"))["n"] == waiting - 1


@pytest.fixture
def tx_world(request, transactional_db):
    from registry.models import AdministrativeUnit
    from registry.reference_data import load_reference_data

    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("world")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_key_sent_for_two_people_at_once_is_refused_with_a_message(tx_world, lot, django_user_model):
    from tests.conftest import PHUC_XA
    from tests.vaccination.conftest import citizen_person
    from tests.parallel import run_together

    world = tx_world
    people = [citizen_person(django_user_model, f"09167{i:05d}", f"Người {i}", PHUC_XA)[1] for i in range(2)]
    errors = run_together([lambda p=p: _record(world, p, lot.pk, key="shared") for p in people])
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert errors[0].messages == ["Mã yêu cầu này đã được dùng cho người khác."]
    assert Dose.objects.count() == 1


@pytest.mark.postgres
def test_the_dose_statements_are_prepared_once_per_connection(world, lot, django_user_model):
    from tests.conftest import PHUC_XA
    from tests.vaccination.conftest import citizen_person

    for index in range(8):
        person = citizen_person(django_user_model, f"09168{index:05d}", f"Người {index}", PHUC_XA)[1]
        _record(world, person, lot.pk, key=f"prepared-{index}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        runs = {statement: count for statement, count in cursor.fetchall()}
    facts = [count for statement, count in runs.items() if "LEFT JOIN vaccination_lot" in statement]
    stock = [count for statement, count in runs.items() if "UPDATE vaccination_stockbalance" in statement]
    assert facts and facts[0] >= 2 and stock and stock[0] >= 2
    assert Dose.objects.count() == 8
