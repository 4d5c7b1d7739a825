"""Doses partitioned by month of `given_at` (PostgreSQL): the rules that span months stay whole. One dose per
request key and one valid dose per (person, dose number) hold whatever months the doses fall in, also when two
stations pass the checks at the same moment; a query for some days reads those months only; a dose still cannot
be deleted from under its certificate or reactions."""
import datetime
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from registry.partitions import partition_name
from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person
from vaccination.models import Dose, DoseClaim, Reaction, StockBalance
from vaccination.selectors import doses_given_between
from vaccination.services import dose_recording
from vaccination.services.dose_recording import dose_record
from vaccination.services.reactions import dose_correct

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pg = pytest.mark.postgres


def _last_month() -> datetime.datetime:
    """10:00 in Viet Nam on a day of the month before this one."""
    day = timezone.localdate().replace(day=1) - datetime.timedelta(days=10)
    return datetime.datetime.combine(day, datetime.time(10), VN)


def _record(world, person, lot, key, **kwargs):
    return dose_record(actor=world["site_staff_phuc_xa"], person_id=person.pk, site_id=world["site_phuc_xa"].pk,
                       lot_id=lot.pk, idempotency_key=key, **kwargs)


def _partition_of(dose: Dose) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM vaccination_dose WHERE id = %s", [dose.pk])
        return cursor.fetchone()[0]


def _claims_mirror_doses():
    """Every dose has its claim, with the same person, number, key, voided flag, time and vaccine."""
    fields = ("person_id", "dose_number", "idempotency_key", "voided", "given_at", "vaccine_id")
    doses = {row[0]: row[1:] for row in Dose.objects.values_list("pk", *fields)}
    claims = {row[0]: row[1:] for row in DoseClaim.objects.values_list("pk", *fields)}
    assert claims == doses


def _forgetful(monkeypatch):
    """The rules' facts read as if no dose had been recorded yet: what a check that missed one would see."""
    read = dose_recording.facts_read

    def forget(*args, **kwargs):
        facts = read(*args, **kwargs)
        facts.key_dose_id = facts.key_person_id = None
        facts.recorded = []
        return facts

    monkeypatch.setattr(dose_recording, "facts_read", forget)


@pytest.fixture
def two(world, django_user_model):
    return [citizen_person(django_user_model, f"09171{i:05d}", f"Người {i}", PHUC_XA)[1] for i in range(2)]


def test_a_request_key_records_one_dose_over_every_month(world, lot, two):
    first, _created = _record(world, two[0], lot, "key-1", given_at=_last_month())
    with pytest.raises(ValidationError) as refused:
        _record(world, two[1], lot, "key-1")
    assert refused.value.messages == ["Mã yêu cầu này đã được dùng cho người khác."]
    again, created = _record(world, two[0], lot, "key-1")  # the same request sent again, this month
    assert (again.pk, created) == (first.pk, False)
    assert list(Dose.objects.values_list("person_id", flat=True)) == [two[0].pk]
    _claims_mirror_doses()


def test_a_dose_number_is_one_dose_over_every_month_until_voided(world, lot, two):
    person = two[0]
    first, _created = _record(world, person, lot, "n-1", dose_number=1, given_at=_last_month())
    with pytest.raises(ValidationError) as refused:
        _record(world, person, lot, "n-2", dose_number=1)
    assert refused.value.message_dict == {"dose_number": ["Mũi 1 của người này đã được ghi nhận."]}

    dose_correct(actor=world["site_staff_phuc_xa"], dose_id=first.pk, reason="Ghi nhầm người", void=True)
    assert DoseClaim.objects.get(pk=first.pk).voided
    instead, created = _record(world, person, lot, "n-2", dose_number=1)  # the voided dose frees its number
    assert created and instead.dose_number == 1
    assert sorted(Dose.objects.filter(person=person).values_list("dose_number", "voided")) == [(1, False), (1, True)]
    _claims_mirror_doses()


@pytest.mark.parametrize("kind", ["key", "number"])
def test_the_database_refuses_what_the_checks_missed(world, lot, two, monkeypatch, kind):
    """Each rule holds in the database itself, not only in the checks before the INSERT (on SQLite too)."""
    _record(world, two[0], lot, "held", dose_number=1, given_at=_last_month())
    stock = StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity
    _forgetful(monkeypatch)
    with pytest.raises(ValidationError) as refused:
        if kind == "key":
            _record(world, two[1], lot, "held")
        else:
            _record(world, two[0], lot, "other-key", dose_number=1)
    expected = {"key": ["Mã yêu cầu này đã được dùng cho người khác."],
                "number": ["Mũi 1 của người này đã được ghi nhận."]}[kind]
    assert refused.value.messages == expected
    assert Dose.objects.count() == DoseClaim.objects.count() == 1  # nothing partial
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == stock


@pg
def test_a_correction_moves_the_dose_to_its_month_and_keeps_its_claim(world, lot, two):
    dose, _created = _record(world, two[0], lot, "moved")
    assert _partition_of(dose) == partition_name("vaccination_dose", timezone.localdate().replace(day=1))
    dose_correct(actor=world["site_staff_phuc_xa"], dose_id=dose.pk, reason="Ghi nhầm ngày", given_at=_last_month())
    assert _partition_of(dose) != partition_name("vaccination_dose", timezone.localdate().replace(day=1))
    assert Dose.objects.get(pk=dose.pk).given_at == _last_month()
    _claims_mirror_doses()
    with pytest.raises(ValidationError):
        _record(world, two[0], lot, "moved-again", dose_number=1)


def test_a_dose_is_not_deleted_from_under_its_reactions_and_certificate(world, lot, two):
    """No database foreign key points into the partitioned table; Django's PROTECT still holds."""
    from certificates.models import Certificate

    dose, _created = _record(world, two[0], lot, "kept", confirm=True)
    Reaction.objects.create(dose=dose, person=two[0], site=world["site_phuc_xa"], onset_at=timezone.now(),
                            severity=Reaction.Severity.MILD)
    with pytest.raises(ProtectedError):
        Dose.objects.get(pk=dose.pk).delete()
    Reaction.objects.all().delete()
    Certificate.objects.create(person=two[0], dose=dose, uvci="URN:UVCI:01:VN:TEST", payload={}, qr_text="HC1:x",
                               kid="x", issued_at=timezone.now(), expires_at=timezone.now())
    with pytest.raises(ProtectedError):
        Dose.objects.get(pk=dose.pk).delete()
    Certificate.objects.all().delete()
    Dose.objects.get(pk=dose.pk).delete()  # nothing names it any more: it goes, and its claim with it
    assert not DoseClaim.objects.exists()
    again, created = _record(world, two[0], lot, "kept")
    assert created and again.dose_number == 1


def _plan_partitions(queryset) -> set[str]:
    return set(re.findall(r"\bvaccination_dose_(?:p\d{4}_\d{2}|default)\b", queryset.explain()))


@pg
@pytest.mark.django_db
def test_a_query_for_some_days_reads_only_their_months():
    today = timezone.localdate()
    this_month = today.replace(day=1)
    next_month = (this_month + datetime.timedelta(days=32)).replace(day=1)
    assert _plan_partitions(doses_given_between(start=today, end=today)) == {
        partition_name("vaccination_dose", this_month)}
    assert _plan_partitions(doses_given_between(start=next_month - datetime.timedelta(days=1), end=next_month)) == {
        partition_name("vaccination_dose", this_month), partition_name("vaccination_dose", next_month)}


@pg
@pytest.mark.django_db(transaction=True)
def test_one_key_for_two_people_in_two_months_at_once_records_one_dose(tx_world, lot, django_user_model,
                                                                        monkeypatch):
    """Both stations pass the key check before either writes (held at a barrier there); the doses would land in
    different monthly partitions, so only a rule over every month can refuse the second."""
    world = tx_world
    people = [citizen_person(django_user_model, f"09172{i:05d}", f"Người {i}", PHUC_XA)[1] for i in range(2)]
    read, barrier = dose_recording.facts_read, threading.Barrier(2, timeout=30)

    def checked_together(*args, **kwargs):
        facts = read(*args, **kwargs)
        barrier.wait()
        return facts

    monkeypatch.setattr(dose_recording, "facts_read", checked_together)
    from tests.parallel import run_together

    errors = run_together([lambda: _record(world, people[0], lot, "shared", given_at=_last_month()),
                           lambda: _record(world, people[1], lot, "shared")])
    assert [error.messages for error in errors] == [["Mã yêu cầu này đã được dùng cho người khác."]]
    assert Dose.objects.count() == DoseClaim.objects.count() == 1
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == 999


@pg
@pytest.mark.django_db(transaction=True)
def test_one_person_recorded_at_two_stations_in_two_months_at_once_gets_one_dose_1(tx_world, lot,
                                                                                   django_user_model):
    world = tx_world
    person = citizen_person(django_user_model, "0917300001", "Người hai trạm", PHUC_XA)[1]
    from tests.parallel import run_together

    errors = run_together([lambda: _record(world, person, lot, "station-a", dose_number=1, given_at=_last_month()),
                           lambda: _record(world, person, lot, "station-b", dose_number=1)])
    assert [error.message_dict for error in errors] == [{"dose_number": ["Mũi 1 của người này đã được ghi nhận."]}]
    assert Dose.objects.filter(person=person).count() == DoseClaim.objects.filter(person=person).count() == 1


@pytest.fixture
def tx_world(request, transactional_db):
    from registry.models import AdministrativeUnit
    from registry.reference_data import load_reference_data

    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("world")
