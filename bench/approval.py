"""Bulk approval, allocation and automatic scheduling of N submitted registrations, against plain UPDATEs.

    python bench/approval.py [--n 100000] [--session-size 2000] [--profile approval|allocation|scheduling]

Each step runs through the real service (row locks, an event row per registration, rollup changes, notices and
SMS rows for scheduling, audit rows); the baseline is a plain `UPDATE` of the same rows' status on the same
database in the same run. Every step is run three times (the state put back in between) and the medians are
printed, in registrations per second. The last lines are `ratio NAME = VALUE`: our throughput divided by the
plain UPDATE's (higher is better; 1.0 would be a service as cheap as the bare UPDATE).
"""
import argparse
import cProfile
import datetime
import pstats
import statistics
import time

from _django import bench_site, scratch_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--session-size", type=int, default=2000)
    parser.add_argument("--profile", choices=["approval", "allocation", "scheduling"])
    args = parser.parse_args()

    with scratch_database() as connection:
        from _data import insert_series
        from django.utils import timezone

        from registry.models import PriorityGroup
        from vaccination.models import Registration, Session
        from vaccination.services.registrations import registrations_allocate, registrations_approve
        from vaccination.services.sessions import session_schedule_auto

        from config.celery import app

        # Notices and SMS are queued for workers, as in production; their delivery is not part of these figures.
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://localhost/"
        n = args.n
        world = bench_site(doses=n, site_capacity=args.session_size)
        staff, site, lot, ward = (world[k] for k in ("staff", "site", "lot", "ward"))

        print(f"setting up {n:,} submitted registrations …", flush=True)
        from citizens.models import Person

        insert_series(Person, n, {"full_name": "'Người ' || i", "ward": ("%s", [ward.pk]),
                                  "phone": "'+8491' || lpad(i::text, 7, '0')", "qr_token": "'bench-' || i"})
        group = PriorityGroup.objects.get(number=9)
        insert_series(Registration, n, {
            "person": "(SELECT min(id) FROM citizens_person) + i", "priority_group": ("%s", [group.pk]),
            "ward": ("%s", [ward.pk]), "consent_at": "now()", "status": "'submitted'", "created_at": "now()",
            "province_code": ("%s", [ward.province_code]), "district_code": ("%s", [ward.district_code]),
            "priority_number": ("%s", [group.number]), "next_dose_number": "1"})

        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        size = args.session_size
        sessions = Session.objects.bulk_create([
            Session(site=site, date=tomorrow, start_time=datetime.time(7), end_time=datetime.time(17),
                    slot_minutes=10, people_per_slot=-(-size // 60), vaccine=lot.vaccine, lot=lot,
                    capacity=size, created_by=staff["dist"]) for _ in range(-(-n // size))])

        def sql(statement: str, params=()) -> float:
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(statement, params)
                return time.perf_counter() - started

        def unschedule() -> None:
            sql("DELETE FROM citizens_notification")
            sql("DELETE FROM citizens_smsmessage")
            sql("DELETE FROM vaccination_appointment")
            sql("UPDATE vaccination_session SET booked = 0")

        def schedule() -> int:
            return sum(session_schedule_auto(actor=staff["dist"], session_id=s.pk) for s in sessions)

        district = world["district"].pk
        steps = [
            ("approval", lambda: registrations_approve(officer=staff["prov"], rows=Registration.objects.all()),
             "UPDATE vaccination_registration SET status = 'approved' WHERE status = 'submitted'",
             lambda: sql("UPDATE vaccination_registration SET status = 'submitted'")),
            ("allocation", lambda: registrations_allocate(officer=staff["prov"], rows=Registration.objects.all()),
             f"UPDATE vaccination_registration SET status = 'allocated', allocated_district_id = {district} "
             "WHERE status = 'approved'",
             lambda: sql("UPDATE vaccination_registration SET status = 'approved', allocated_district_id = NULL")),
            ("scheduling", schedule,
             "UPDATE vaccination_registration SET status = 'scheduled' WHERE status = 'allocated'",
             lambda: (sql("UPDATE vaccination_registration SET status = 'allocated'"), unschedule())),
        ]
        figures = {}
        for name, run, baseline_sql, undo in steps:
            ours_times, base_times = [], []
            for attempt in range(3):
                base_times.append(sql(baseline_sql))
                undo()
                sql("VACUUM ANALYZE vaccination_registration")
                profiler = cProfile.Profile() if args.profile == name and attempt == 0 else None
                started = time.perf_counter()
                changed = profiler.runcall(run) if profiler else run()
                ours_times.append(time.perf_counter() - started)
                assert changed == n, f"{name}: {changed} of {n} rows changed"
                if profiler:
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
                if attempt < 2:
                    undo()
            ours, base = n / statistics.median(ours_times), n / statistics.median(base_times)
            print(f"{name:<12} ours {ours:>10,.0f} registrations/s   plain UPDATE {base:>10,.0f} rows/s", flush=True)
            figures[name] = ours / base

        for name, value in figures.items():
            print(f"ratio {name} = {value:.3f}")


if __name__ == "__main__":
    main()
