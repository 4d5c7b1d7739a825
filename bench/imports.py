"""Importing an organisation's staff list of N rows: validation and write rates, against a plain COPY.

    python bench/imports.py [--n 100000] [--profile]

Validation reads the xlsx with openpyxl and checks every row (`staff.check_rows`); the write is
`staff.apply_rows` (people, the organisation's list, registrations and their events, one transaction). The
baseline is PostgreSQL `COPY` of the same rows into a scratch table. Each is run three times (new people each
time) and the medians are printed in rows per second. Last lines: `ratio NAME = VALUE`, our throughput ÷
COPY's (higher is better).

`import_floor` is not ours: it is the same rows COPYed straight into the four real tables (ids drawn from their
sequences, one transaction with its commit), with no Python beyond the COPY lines and none of the rules, the
lookups or the refusal of a number taken meanwhile. It is what PostgreSQL alone spends on this schema (its
indexes and its deferred foreign-key checks), so no write of these rows into these tables can reach more than it.
"""
import argparse
import cProfile
import io
import pstats
import statistics
import time

from _django import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="profile the first write")
    args = parser.parse_args()
    n = args.n

    with scratch_database() as connection:
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import transaction
        from django.utils import timezone
        from openpyxl import Workbook

        from citizens.models import Person
        from citizens.models.people import new_qr_token
        from registry.bulk import copy_rows, reserve_ids
        from registry.models import AdministrativeUnit, Organisation, PriorityGroup
        from registry.reference_data import load_reference_data
        from vaccination.imports import staff
        from vaccination.imports.sheets import read_sheet
        from vaccination.models import OrganisationPerson, Registration, RegistrationEvent

        settings.IMPORT_MAX_ROWS = n
        settings.IMPORT_MAX_BYTES = 1 << 30
        settings.IMPORT_MAX_PARSE_SECONDS = 3600  # a shared, busy machine: the bench measures rates, not limits
        load_reference_data()
        user = get_user_model().objects.create_citizen("0912000999", "x", full_name="Đại diện")
        organisation = Organisation.objects.create(
            kind="company", name="Bench", registration_number="0100000001",
            unit=AdministrativeUnit.objects.get(level="ward", code=1), confirmed_at=timezone.now())

        def sheet_rows(attempt: int) -> list[list[str]]:
            base = attempt * n
            return [[f"Nhân viên {i}", "01/01/1990", "Nam", f"{base + i:012d}", f"09{(base + i) % 10**8:08d}",
                     str(1 + i % 16), "1", "Công nhân"] for i in range(n)]

        def workbook(rows) -> bytes:
            book = Workbook(write_only=True)
            sheet = book.create_sheet()
            sheet.append(staff.headers())
            for row in rows:
                sheet.append(row)
            buffer = io.BytesIO()
            book.save(buffer)
            return buffer.getvalue()

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_staff (full_name text, date_of_birth date, sex text, id_number text, "
                           "phone text, priority_group int, ward_code int, occupation text)")

        ward = AdministrativeUnit.objects.get(level="ward", code=1)
        group_ids = dict(PriorityGroup.objects.values_list("number", "id"))

        def floor_write(rows) -> None:
            """The rows into the four tables by COPY alone (see the module's docstring)."""
            now = timezone.now()
            with transaction.atomic():
                people = reserve_ids(Person, len(rows))
                copy_rows(Person, ["id", *staff.PERSON_COLUMNS], (
                    (pk, f"F{row[3]}", row[7], new_qr_token(), row[0], "1990-01-01", "M", "cccd", row[4],
                     ward.pk) for pk, row in zip(people, rows)))
                copy_rows(OrganisationPerson, ["organisation", "person", "origin"],
                          ((organisation.pk, pk, OrganisationPerson.Origin.ADDED) for pk in people))
                registrations = reserve_ids(Registration, len(rows))
                copy_rows(Registration, ["id", "person", "priority_group", "ward", "organisation", "consent_at",
                                         "created_by", "province_code", "district_code", "priority_number"], (
                    (pk, person, group_ids[int(row[5])], ward.pk, organisation.pk, now, user.pk,
                     ward.province_code, ward.district_code, int(row[5]))
                    for pk, person, row in zip(registrations, people, rows)))
                copy_rows(RegistrationEvent, ["registration", "actor", "at", "to_status", "reason"],
                          ((pk, user.pk, now, Registration.Status.SUBMITTED, "floor") for pk in registrations))

        validation, write, copy_times, floor_times = [], [], [], []
        for attempt in range(3):
            rows = sheet_rows(attempt)
            content = workbook(rows)
            if attempt == 0:
                print(f"{n:,} rows, {len(content) / 2**20:.1f} MB xlsx", flush=True)
            started = time.perf_counter()
            parsed = read_sheet(name="bench.xlsx", content=content, columns=staff.COLUMNS)
            valid, errors = staff.check_rows(parsed.rows, parsed.formula_cells, organisation=organisation)
            validation.append(time.perf_counter() - started)
            assert len(valid) == n and not errors, errors[:3]

            profiler = cProfile.Profile() if args.profile and attempt == 0 else None
            started = time.perf_counter()
            run = lambda: staff.apply_rows(actor=user, organisation=organisation, rows=valid)  # noqa: E731
            if args.profile:
                timings = []

                def timer(execute, sql, params, many, context):
                    started = time.perf_counter()
                    try:
                        return execute(sql, params, many, context)
                    finally:
                        timings.append((time.perf_counter() - started, sql[:100]))
                with connection.execute_wrapper(timer):
                    results = profiler.runcall(run) if profiler else run()
                for elapsed, sql in sorted(timings, reverse=True)[:12]:
                    print(f"{elapsed * 1000:8.1f} ms  {sql}")
            else:
                results = run()
            write.append(time.perf_counter() - started)
            assert sum(r["status"] == "created" for r in results) == n, results[:3]
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

            started = time.perf_counter()
            floor_write(rows)
            floor_times.append(time.perf_counter() - started)

            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE bench_staff")
                started = time.perf_counter()
                with cursor.connection.cursor().copy("COPY bench_staff FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([row[0], "1990-01-01", row[2], row[3], row[4], int(row[5]), int(row[6]),
                                        row[7]])
                copy_times.append(time.perf_counter() - started)

        rate = {name: n / statistics.median(times)
                for name, times in (("validation", validation), ("write", write), ("copy", copy_times),
                                    ("floor", floor_times))}
        print(f"validation   {rate['validation']:>10,.0f} rows/s")
        print(f"write        {rate['write']:>10,.0f} rows/s")
        print(f"floor        {rate['floor']:>10,.0f} rows/s  (COPY into the four real tables, no rules)")
        print(f"COPY         {rate['copy']:>10,.0f} rows/s")
        print(f"ratio import_validation = {rate['validation'] / rate['copy']:.3f}")
        print(f"ratio import_write = {rate['write'] / rate['copy']:.3f}")
        print(f"ratio import_floor = {rate['floor'] / rate['copy']:.3f}")


if __name__ == "__main__":
    main()
