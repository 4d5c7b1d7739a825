"""Citizens submitting registrations at once, through the real service, against plain single-row INSERTs.

    python bench/registrations.py --workers 8 [--n 4000] [--rounds 3]

`registration_submit` does what the portal does for each citizen: locks the person, checks that nothing is
open, writes the registration, its event, the rollup change and the audit row, one transaction each. The
citizen's account is loaded before the clock starts (in a request the session middleware does it). The
baseline inserts the same number of rows one statement at a time (autocommit) into a scratch table of the
registration's shape, from the same number of processes.

  `ratio registrations`              = registrations per second of N processes, people spread over 50
                                       districts / plain INSERTs per second of N processes;
  `ratio registrations_one_district` = registrations per second of N processes, everyone in one district
                                       / the spread figure of the same round.
Each round runs every figure once; the printed ratio is the median over the rounds.
"""
import argparse

from _django import scratch_database
from _workers import median, run_parallel, split

PLAIN_INSERT = ("INSERT INTO bench_registration (person_id, priority_group_id, ward_id, consent_at, status, "
                "next_dose_number, created_at) VALUES (%s, %s, %s, now(), 'submitted', 1, now())")


def _citizens(wards: list, count: int, tag: str) -> list[tuple]:
    """`count` citizens with an account and a person of their own, spread evenly over `wards`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from citizens.models import Person

    password = make_password(None)  # unusable: nobody signs in here
    accounts = get_user_model().objects.bulk_create([
        get_user_model()(phone=f"+849{tag}{i:07d}", full_name=f"Công dân {tag} {i}", is_staff=False,
                         password=password) for i in range(count)], batch_size=5000)
    people = Person.objects.bulk_create([
        Person(full_name=account.full_name, account=account, managed_by=account, phone=account.phone,
               ward=wards[i % len(wards)]) for i, account in enumerate(accounts)], batch_size=5000)
    return [(account, person.pk, wards[i % len(wards)]) for i, (account, person) in enumerate(zip(accounts, people))]


_GROUP: list = []  # the priority group, loaded once before the processes fork


def _submit(item) -> None:
    from vaccination.services.registrations import registration_submit

    account, person_id, ward = item
    registration_submit(actor=account, person_id=person_id, priority_group=_GROUP[0], ward=ward, wished_date=None,
                        consent=True)


def _plain_insert(item) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(PLAIN_INSERT, item)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=4000, help="registrations per figure and round")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    n, workers, rounds = args.n, args.workers, args.rounds

    with scratch_database() as connection:
        from config.celery import app
        from registry.models import AdministrativeUnit, PriorityGroup
        from registry.reference_data import load_reference_data
        from vaccination.models import Registration

        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://localhost/"
        load_reference_data()
        _GROUP.append(PriorityGroup.objects.get(number=9))
        Level = AdministrativeUnit.Level
        # The first ward of 50 districts taken across the country, and every ward of one district.
        districts = list(AdministrativeUnit.objects.filter(level=Level.DISTRICT).order_by("code"))
        step = max(1, len(districts) // 50)
        spread_wards = [AdministrativeUnit.objects.filter(level=Level.WARD, parent=district).order_by("code").first()
                        for district in districts[::step][:50]]
        spread_wards = [ward for ward in spread_wards if ward is not None]
        one_district = list(AdministrativeUnit.objects.filter(level=Level.WARD, parent=districts[0]))
        print(f"{len(spread_wards)} districts for the spread figure, {len(one_district)} wards of "
              f"{districts[0].name} for the other; setting up {2 * rounds * n:,} citizens …", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_registration (id bigserial PRIMARY KEY, person_id bigint, "
                           "priority_group_id bigint, ward_id bigint, consent_at timestamptz, status varchar(12), "
                           "next_dose_number smallint, created_at timestamptz)")
        ratios: dict[str, list[float]] = {}
        for round_number in range(1, rounds + 1):
            spread_people = _citizens(spread_wards, n, f"{round_number}1")
            one_people = _citizens(one_district, n, f"{round_number}2")
            base = run_parallel(_plain_insert, split(
                [(i, _GROUP[0].pk, spread_wards[i % len(spread_wards)].pk) for i in range(n)], workers))
            spread = run_parallel(_submit, split(spread_people, workers))
            one = run_parallel(_submit, split(one_people, workers))
            print(f"round {round_number}: {workers} processes\n"
                  f"  plain INSERT                     {base.describe('rows         ')}\n"
                  f"  registration_submit, 50 districts {spread.describe('registrations')}\n"
                  f"  registration_submit, one district {one.describe('registrations')}", flush=True)
            ratios.setdefault("registrations", []).append(spread.per_second / base.per_second)
            ratios.setdefault("registrations_one_district", []).append(one.per_second / spread.per_second)
        assert Registration.objects.count() == 2 * rounds * n
        for name, values in ratios.items():
            print(f"ratio {name} = {median(values):.3f}")


if __name__ == "__main__":
    main()
