"""Recording N doses through the real service function, against a plain single-row INSERT loop.

    python bench/doses.py [--n 20000]

`dose_record` does what a site does for each person: locks the person and the site's stock of the lot,
checks history and intervals, writes the dose, the ledger line and the registration's next step, audits,
and queues the certificate after commit — one transaction per dose, as at a real site. The baseline inserts
the same number of rows one statement at a time (autocommit) into a scratch table of the same shape.
The last line is `ratio doses = VALUE`: our seconds divided by the baseline's seconds.
"""
import argparse
import datetime
import time

from _django import bench_site, scratch_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()

    with scratch_database() as connection:
        from django.utils import timezone

        from citizens.models import Person
        from config.celery import app
        from registry.models import PriorityGroup
        from vaccination.models import Dose, Registration
        from vaccination.services.doses import dose_record

        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"
        n = args.n
        world = bench_site(doses=n)
        staff, site, lot, district, ward = (world[k] for k in ("staff", "site", "lot", "district", "ward"))
        people = Person.objects.bulk_create([Person(full_name=f"Người {i}", ward=ward) for i in range(n)],
                                            batch_size=5000)
        group = PriorityGroup.objects.get(number=9)
        Registration.objects.bulk_create([
            Registration(person=p, priority_group=group, ward=ward, consent_at=timezone.now(), status="allocated",
                         allocated_district=district) for p in people], batch_size=5000)

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_dose (id bigserial PRIMARY KEY, person_id bigint, lot_id bigint, "
                           "site_id bigint, dose_number smallint, given_at timestamptz, idempotency_key text UNIQUE)")
            started = time.perf_counter()
            for person in people:
                cursor.execute(
                    "INSERT INTO bench_dose (person_id, lot_id, site_id, dose_number, given_at, idempotency_key) "
                    "VALUES (%s, %s, %s, 1, now(), %s)", [person.pk, lot.pk, site.pk, f"b-{person.pk}"])
            baseline = time.perf_counter() - started

        started = time.perf_counter()
        for person in people:
            dose_record(actor=staff["site"], person_id=person.pk, site_id=site.pk, lot_id=lot.pk,
                        idempotency_key=f"d-{person.pk}")
        ours = time.perf_counter() - started
        assert Dose.objects.count() == n

        print(f"dose_record        {n / ours:>10,.0f} doses/s ({ours:7.2f} s for {n:,})")
        print(f"plain INSERT loop  {n / baseline:>10,.0f} rows/s  ({baseline:7.2f} s for {n:,})")
        print(f"ratio doses = {ours / baseline:.2f}")


if __name__ == "__main__":
    main()
