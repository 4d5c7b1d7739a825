"""Bulk approval, allocation and automatic scheduling of N submitted registrations, against plain UPDATEs.

    python bench/approval.py [--n 100000]

Each step is timed through the real service (locks, events, notices, SMS rows); the baseline is a plain
`UPDATE` of the same rows on the same database in the same run. The last lines are
`ratio NAME = VALUE`: our seconds divided by the baseline's seconds.
"""
import argparse
import datetime
import time

from _django import bench_site, scratch_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--session-size", type=int, default=2000)
    args = parser.parse_args()

    with scratch_database() as connection:
        from django.utils import timezone

        from citizens.models import Person
        from registry.models import PriorityGroup
        from vaccination.models import Registration, Session, StockBalance
        from vaccination.services.registrations import registrations_allocate, registrations_approve
        from vaccination.services.sessions import session_schedule_auto

        from config.celery import app

        # Notices and SMS are queued for workers, as in production; their delivery is not part of these figures.
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"
        n = args.n
        world = bench_site(doses=n, site_capacity=args.session_size)
        staff, site, lot, district, ward = (world[k] for k in ("staff", "site", "lot", "district", "ward"))

        print(f"setting up {n:,} submitted registrations …", flush=True)
        group = PriorityGroup.objects.get(number=9)
        now = timezone.now()
        people = Person.objects.bulk_create(
            [Person(full_name=f"Người {i}", ward=ward, phone=f"+8491{i:07d}") for i in range(n)], batch_size=5000)
        Registration.objects.bulk_create(
            [Registration(person=p, priority_group=group, ward=ward, consent_at=now) for p in people],
            batch_size=5000)
        ids_sql = "SELECT id FROM vaccination_registration"

        def plain_update(sql: str, undo: str) -> float:
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(sql)
                elapsed = time.perf_counter() - started
                cursor.execute(undo)
            return elapsed

        figures = {}

        def step(name, run, baseline_sql, undo_sql):
            baseline = plain_update(baseline_sql, undo_sql)
            started = time.perf_counter()
            changed = run()
            ours = time.perf_counter() - started
            assert changed == n, f"{name}: {changed} of {n} rows changed"
            print(f"{name:<12} ours {n / ours:>10,.0f} rows/s ({ours:6.2f} s)   "
                  f"plain UPDATE {n / baseline:>10,.0f} rows/s ({baseline:6.2f} s)", flush=True)
            figures[name] = ours / baseline

        all_rows = Registration.objects.all()
        step("approval", lambda: registrations_approve(officer=staff["prov"], rows=all_rows),
             "UPDATE vaccination_registration SET status = 'approved' WHERE status = 'submitted'",
             "UPDATE vaccination_registration SET status = 'submitted'")
        step("allocation", lambda: registrations_allocate(officer=staff["prov"], rows=all_rows),
             f"UPDATE vaccination_registration SET status = 'allocated', allocated_district_id = {district.pk} "
             "WHERE status = 'approved'",
             "UPDATE vaccination_registration SET status = 'approved', allocated_district_id = NULL")

        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        sessions = Session.objects.bulk_create([
            Session(site=site, date=tomorrow, start_time=datetime.time(7), end_time=datetime.time(17),
                    slot_minutes=10, people_per_slot=-(-args.session_size // 60), vaccine=lot.vaccine, lot=lot,
                    capacity=args.session_size, created_by=staff["dist"])
            for _ in range(-(-n // args.session_size))
        ])
        assert StockBalance.objects.get(facility=site, lot=lot).quantity == n

        def schedule() -> int:
            return sum(session_schedule_auto(actor=staff["dist"], session_id=s.pk) for s in sessions)

        step("scheduling", schedule,
             "UPDATE vaccination_registration SET status = 'scheduled' WHERE status = 'allocated'",
             "UPDATE vaccination_registration SET status = 'allocated'")

        for name, value in figures.items():
            print(f"ratio {name} = {value:.2f}")


if __name__ == "__main__":
    main()
