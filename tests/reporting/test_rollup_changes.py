"""Rollups without a hot row: each writer INSERTs its change, the fold sums them, the figures stay exact."""
import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from registry.models import AdministrativeUnit, Vaccine
from registry.reference_data import load_reference_data
from reporting.models import DoseDaily, ReactionDaily, RegistrationCount
from reporting.rollups import rollups_fold, rollups_rebuild
from reporting.tasks import rollups_fold as rollups_fold_task
from tests.conftest import PHUC_XA, TRUC_BACH
from tests.reporting.test_dashboard import rollup_snapshot, facts  # noqa: F401
from tests.vaccination.conftest import citizen_person, department, lot, people, register  # noqa: F401
from vaccination.models import Dose, Registration
from vaccination.services.dose_recording import dose_record
from vaccination.services.stock import lot_receive, stock_transfer


def _dashboard_figures(client, **query):
    page = client.get(reverse("reporting:dashboard"), query).content.decode()
    return {name: page.split(f'data-figure="{name}">')[1].split("<")[0] for name in ("today", "week", "total")}


def test_figures_are_exact_before_and_after_the_fold(facts, world, console_client):  # noqa: F811
    national = console_client(world["national"])
    before = _dashboard_figures(national), _dashboard_figures(national, province=1, district=1), rollup_snapshot()
    assert DoseDaily.objects.filter(folded=False).exists() and RegistrationCount.objects.filter(folded=False).exists()
    assert int(before[0]["total"]) == Dose.objects.filter(voided=False).count()

    assert rollups_fold_task.delay().get() > 0  # the task beat runs

    after = _dashboard_figures(national), _dashboard_figures(national, province=1, district=1), rollup_snapshot()
    assert after == before
    for model in (DoseDaily, RegistrationCount, ReactionDaily):
        assert not model.objects.filter(folded=False).exists()
        keys = model.objects.values_list(*model.KEY)
        assert keys.count() == keys.distinct().count()  # one total per key
    assert rollups_fold() == 0
    waiting = Registration.objects.filter(status="submitted", ward__parent__code=1).count()
    assert RegistrationCount.objects.get(district__code=1, district__level="district", status="submitted").count \
        == waiting


def test_changes_after_a_fold_add_to_the_totals(facts, world, lot, django_user_model):  # noqa: F811
    rollups_fold()
    account, person = citizen_person(django_user_model, "0916299999", "Người sau", PHUC_XA)
    register(account, person)
    dose_record(actor=world["site_staff_phuc_xa"], person_id=person.pk, site_id=world["site_phuc_xa"].pk,
                lot_id=lot.pk, idempotency_key="after-fold")
    live = rollup_snapshot()
    rollups_fold(batch=1)  # one change per transaction: the batches add up the same
    assert rollup_snapshot() == live
    rollups_rebuild()
    assert rollup_snapshot() == live


def test_the_fold_runs_on_a_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["rollups-fold"]
    assert entry["task"] == rollups_fold_task.name and entry["schedule"] == settings.ROLLUP_FOLD_SECONDS


# On PostgreSQL, with real row locks and parallel writers.


@pytest.fixture
def tx_world(request, transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("world")


def _second_lot(world):
    """Another AstraZeneca lot at Phúc Xá: a second stock row, the same rollup key as the first lot."""
    national = world["national"]
    second = lot_receive(actor=national, vaccine=Vaccine.objects.get(code="astrazeneca"), lot_number="AZ-002",
                         expiry_date=timezone.localdate() + datetime.timedelta(days=120), quantity=100)
    stock_transfer(actor=national, to_facility_id=department(1).pk, lot_id=second.pk, quantity=100)
    stock_transfer(actor=world["province_ha_noi"], to_facility_id=world["centre_ba_dinh"].pk, lot_id=second.pk,
                   quantity=100)
    stock_transfer(actor=world["district_ba_dinh"], to_facility_id=world["site_phuc_xa"].pk, lot_id=second.pk,
                   quantity=100)
    return second


def _while_another_is_open(first, second):
    """Run `first` in a transaction left open, then `second` in another connection that gives up on any row
    lock after 2 s. Returns the error `second` raised, if any."""
    opened, finish, outcome = threading.Event(), threading.Event(), {}

    def hold():
        try:
            with transaction.atomic():
                first()
                opened.set()
                finish.wait(20)
        finally:
            opened.set()
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert opened.wait(20)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            second()
    except Exception as error:  # noqa: BLE001 - the lock timeout is what the old code raised
        outcome["error"] = error
    finally:
        finish.set()
        holder.join(30)
    return outcome.get("error")


@pytest.mark.postgres
def test_two_registrations_in_one_district_do_not_wait_for_each_other(tx_world, django_user_model):
    people = [citizen_person(django_user_model, f"09163{i:05d}", f"Người {i}", PHUC_XA) for i in range(2)]
    error = _while_another_is_open(lambda: register(*people[0]), lambda: register(*people[1]))
    assert error is None
    assert Registration.objects.filter(status="submitted").count() == 2


@pytest.mark.postgres
def test_two_doses_at_one_site_from_two_lots_do_not_wait_for_each_other(tx_world, lot,  # noqa: F811
                                                                       django_user_model):
    world, second = tx_world, _second_lot(tx_world)
    people = [citizen_person(django_user_model, f"09164{i:05d}", f"Người {i}", PHUC_XA)[1] for i in range(2)]
    record = [lambda p=p, lot_id=lot_id: dose_record(
        actor=world["site_staff_phuc_xa"], person_id=p.pk, site_id=world["site_phuc_xa"].pk, lot_id=lot_id,
        idempotency_key=f"two-lots-{p.pk}") for p, lot_id in zip(people, [lot.pk, second.pk])]
    assert _while_another_is_open(*record) is None
    assert Dose.objects.count() == 2
    assert sum(DoseDaily.objects.values_list("count", flat=True)) == 2


@pytest.mark.postgres
def test_rollups_agree_with_a_rebuild_after_parallel_writers_and_folds(tx_world, lot,  # noqa: F811
                                                                       django_user_model):
    world = tx_world
    second = _second_lot(world)
    stock_transfer(actor=world["district_ba_dinh"], to_facility_id=world["site_truc_bach"].pk, lot_id=lot.pk,
                   quantity=100)
    from registry.models import StaffAssignment
    from tests import factories as f

    truc_bach_staff = f.staff("tb", StaffAssignment.Role.SITE, facility=world["site_truc_bach"])
    vaccinated = [citizen_person(django_user_model, f"09165{i:05d}", f"Người {i}", [PHUC_XA, TRUC_BACH][i % 2])
                  for i in range(24)]
    for account, person in vaccinated[::3]:
        register(account, person)  # some have a registration the dose moves on
    newcomers = [citizen_person(django_user_model, f"09166{i:05d}", f"Mới {i}", PHUC_XA) for i in range(24)]

    def doses(chunk, site, staff, lot_id):
        def run():
            for _account, person in chunk:
                dose_record(actor=staff, person_id=person.pk, site_id=site.pk, lot_id=lot_id,
                            idempotency_key=f"par-{person.pk}")
        return run

    def registrations(chunk):
        def run():
            for account, person in chunk:
                register(account, person)
        return run

    stop = threading.Event()

    def fold_until_stopped():
        while not stop.is_set():
            rollups_fold(batch=5)

    jobs = [doses(vaccinated[0:12:2], world["site_phuc_xa"], world["site_staff_phuc_xa"], lot.pk),
            doses(vaccinated[12:24:2], world["site_phuc_xa"], world["site_staff_phuc_xa"], second.pk),
            doses(vaccinated[1::2], world["site_truc_bach"], truc_bach_staff, lot.pk)]
    jobs += [registrations(newcomers[i::4]) for i in range(4)]
    from tests.parallel import run_together

    folder = threading.Thread(target=lambda: (fold_until_stopped(), connection.close()))
    folder.start()
    errors = run_together(jobs)
    stop.set()
    folder.join(60)
    assert errors == []
    # Every vaccinated person is on a course: the 16 walk-ins got a registration with their dose.
    assert Dose.objects.count() == 24 and Registration.objects.count() == 24 + 24
    assert Registration.objects.filter(status="vaccinated").count() == 24

    live = rollup_snapshot()
    assert sum(n for *_key, n in live[0]) == 24
    assert sum(n for _district, status, n in live[1] if status == "submitted") == 24
    rollups_rebuild()
    assert rollup_snapshot() == live
