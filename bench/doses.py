"""Recording doses through the real service, against plain single-row INSERTs, in one process or in several.

    python bench/doses.py [--n 2000]                # one process
    python bench/doses.py --workers 8 [--n 2000]    # 8 processes, each its own connection

`dose_record` does what a site does for each person: locks the person, reads the rules' facts, writes the
dose, the registration's next step and its event, the rollup changes and the audit row, and takes the
dose from the site's stock with its ledger line, one transaction per dose (autocommit around it, as at a
real station). Every person has an allocated registration that the dose moves on. The baseline inserts
the same number of rows one statement at a time (autocommit) into a scratch table of the dose's shape.

One process: `ratio doses` = doses per second / plain INSERTs per second.
With --workers N:
  `ratio doses_spread`   = doses per second of N processes at N×2 sites (no two processes share a site)
                           / plain INSERTs per second of N processes;
  `ratio doses_one_site` = doses per second of N processes all at one site (one stock row for all)
                           / the spread figure of the same round.
Each round runs every figure once; the printed ratio is the median over --rounds rounds (default 3).
"""
import argparse
import datetime

from _django import scratch_database
from _workers import median, run_parallel, run_serial, split

PLAIN_INSERT = ("INSERT INTO bench_dose (person_id, lot_id, site_id, dose_number, given_at, idempotency_key) "
                "VALUES (%s, %s, %s, 1, now(), %s)")
_actors: dict = {}


def _world(*, sites: int, doses_per_site: int) -> dict:
    """Hà Nội's first districts, one district centre each, vaccination sites in their wards with a site staff
    member each and `doses_per_site` AstraZeneca doses sent down through the real services."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from registry.models import AdministrativeUnit, StaffAssignment, Vaccine
    from registry.reference_data import load_reference_data
    from registry.services import facility_create, staff_assignment_set
    from vaccination.services.stock import lot_receive, stock_transfer

    Role, Level = StaffAssignment.Role, AdministrativeUnit.Level
    load_reference_data()
    users = get_user_model().objects

    def staff(name, role, **where):
        user = users.create_user(name, "x", full_name=name)
        staff_assignment_set(actor=None, user=user, role=role, **where)
        return user

    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, code=1)
    districts = list(AdministrativeUnit.objects.filter(level=Level.DISTRICT, parent=province).order_by("code"))
    national, provincial = staff("nat", Role.NATIONAL), staff("prov", Role.PROVINCE, unit=province)
    dept = facility_create(actor=None, kind="province_department", code="dept", name="Sở Y tế", unit=province)
    lot = lot_receive(actor=national, vaccine=Vaccine.objects.get(code="astrazeneca"), lot_number="BENCH",
                      expiry_date=timezone.localdate() + datetime.timedelta(days=365),
                      quantity=sites * doses_per_site)
    stock_transfer(actor=national, to_facility_id=dept.pk, lot_id=lot.pk, quantity=sites * doses_per_site)
    world = {"lot": lot, "sites": []}
    per_district = -(-sites // len(districts[:8]))
    for district in districts[:8]:
        wards = list(AdministrativeUnit.objects.filter(level=Level.WARD, parent=district).order_by("code"))
        wards = wards[:min(per_district, sites - len(world["sites"]))]
        if not wards:
            break
        centre = facility_create(actor=None, kind="district_centre", code=f"c{district.code}", name="TTYT",
                                 unit=district)
        officer = staff(f"d{district.code}", Role.DISTRICT, unit=district)
        stock_transfer(actor=provincial, to_facility_id=centre.pk, lot_id=lot.pk,
                       quantity=len(wards) * doses_per_site)
        for ward in wards:
            site = facility_create(actor=None, kind="site", site_type="commune_station", code=f"s{ward.code}",
                                   name=f"Trạm {ward.name}", unit=ward)
            stock_transfer(actor=officer, to_facility_id=site.pk, lot_id=lot.pk, quantity=doses_per_site)
            world["sites"].append({"site": site, "ward": ward, "district": district,
                                   "staff": staff(f"s{ward.code}", Role.SITE, facility=site)})
    return world


def _people(place: dict, count: int, tag: str) -> list[int]:
    """`count` people of the site's ward, each with a registration allocated to its district."""
    from django.utils import timezone

    from citizens.models import Person
    from registry.models import PriorityGroup
    from vaccination.models import Registration

    people = Person.objects.bulk_create(
        [Person(full_name=f"Người {tag} {i}", ward=place["ward"]) for i in range(count)], batch_size=5000)
    group = PriorityGroup.objects.get(number=9)
    Registration.objects.bulk_create([
        Registration(person=p, priority_group=group, ward=place["ward"], consent_at=timezone.now(),
                     status="allocated", allocated_district=place["district"]) for p in people], batch_size=5000)
    return [p.pk for p in people]


def _record(item) -> None:
    """One dose, as a station sends it (the staff member's user is loaded once per process)."""
    from django.contrib.auth import get_user_model

    from vaccination.services.dose_recording import dose_record

    staff_id, person_id, site_id, lot_id = item
    if staff_id not in _actors:
        _actors[staff_id] = get_user_model().objects.get(pk=staff_id)
    dose_record(actor=_actors[staff_id], person_id=person_id, site_id=site_id, lot_id=lot_id,
                idempotency_key=f"d-{person_id}")


def _plain_insert(item) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(PLAIN_INSERT, item)


def _doses(place: dict, lot, count: int, tag: str) -> list[tuple]:
    return [(place["staff"].pk, person_id, place["site"].pk, lot.pk) for person_id in _people(place, count, tag)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000, help="doses per figure and round")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n, workers, rounds = args.n, args.workers, args.rounds

    with scratch_database() as connection:
        from config.celery import app
        from vaccination.models import Dose

        # Certificates and reminders are queued for workers, as in production; not part of these figures.
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://localhost/"
        sites = 1 if workers == 1 else 2 * workers
        print(f"setting up {sites} site(s) …", flush=True)
        world = _world(sites=sites, doses_per_site=2 * rounds * n)  # the first site serves both figures
        lot, places = world["lot"], world["sites"]
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_dose (id bigserial PRIMARY KEY, person_id bigint, lot_id bigint, "
                           "site_id bigint, dose_number smallint, given_at timestamptz, idempotency_key text UNIQUE)")
        plain = iter(range(10**9))

        def baseline_rows(count):
            return [(i, lot.pk, places[0]["site"].pk, f"b-{i}") for i in (next(plain) for _ in range(count))]

        ratios: dict[str, list[float]] = {}
        for round_number in range(1, rounds + 1):
            if workers == 1:
                doses = _doses(places[0], lot, n, f"r{round_number}")
                base = run_serial(_plain_insert, baseline_rows(n))
                ours = run_serial(_record, doses)
                print(f"round {round_number}: dose_record {ours.describe('doses')}\n"
                      f"         plain INSERT {base.describe('rows ')}", flush=True)
                ratios.setdefault("doses", []).append(ours.per_second / base.per_second)
                continue
            spread_items = []
            for worker in range(workers):
                mine = places[2 * worker:2 * worker + 2]
                spread_items.append([item for index, place in enumerate(mine)
                                     for item in _doses(place, lot, n // workers // len(mine),
                                                        f"s{round_number}-{worker}-{index}")])
            one_site = split(_doses(places[0], lot, n, f"o{round_number}"), workers)
            base = run_parallel(_plain_insert, split(baseline_rows(n), workers))
            spread = run_parallel(_record, spread_items)
            one = run_parallel(_record, one_site)
            print(f"round {round_number}: {workers} processes\n"
                  f"  plain INSERT          {base.describe('rows ')}\n"
                  f"  dose_record, spread   {spread.describe('doses')}\n"
                  f"  dose_record, one site {one.describe('doses')}", flush=True)
            ratios.setdefault("doses_spread", []).append(spread.per_second / base.per_second)
            ratios.setdefault("doses_one_site", []).append(one.per_second / spread.per_second)
        expected = rounds * n if workers == 1 else rounds * (n // workers // 2 * 2 * workers + n)
        assert Dose.objects.count() == expected, (Dose.objects.count(), expected)
        for name, values in ratios.items():
            print(f"ratio {name} = {median(values):.3f}")


if __name__ == "__main__":
    main()
