"""Importing an organisation's staff list of N rows: validation and write rates, against a plain COPY.

    python bench/imports.py [--n 100000]

Validation reads the xlsx with openpyxl and checks every row (`staff.check_rows`); the write is
`staff.apply_rows` (people and registrations, set-wise, one transaction). The baseline is PostgreSQL `COPY`
of the same rows into a scratch table. Last lines: `ratio NAME = VALUE`, our seconds ÷ COPY's seconds.
"""
import argparse
import io
import time

from _django import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    n = parser.parse_args().n

    with scratch_database() as connection:
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.utils import timezone
        from openpyxl import Workbook

        from registry.models import AdministrativeUnit, Organisation
        from registry.reference_data import load_reference_data
        from vaccination.imports import staff
        from vaccination.imports.sheets import read_sheet

        settings.IMPORT_MAX_ROWS = n
        settings.IMPORT_MAX_BYTES = 1 << 30
        load_reference_data()
        user = get_user_model().objects.create_citizen("0912000999", "x", full_name="Đại diện")
        organisation = Organisation.objects.create(
            kind="company", name="Bench", registration_number="0100000001",
            unit=AdministrativeUnit.objects.get(level="ward", code=1), confirmed_at=timezone.now())
        rows = [[f"Nhân viên {i}", "01/01/1990", "Nam", f"{i:012d}", f"09{i % 10**8:08d}", str(1 + i % 16), "1",
                 "Công nhân"] for i in range(n)]
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(staff.headers())
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
        print(f"{n:,} rows, {len(content) / 2**20:.1f} MB xlsx", flush=True)

        started = time.perf_counter()
        parsed = read_sheet(name="bench.xlsx", content=content, columns=staff.headers())
        valid, errors = staff.check_rows(parsed.rows, parsed.formula_cells)
        validation = time.perf_counter() - started
        assert len(valid) == n and not errors

        started = time.perf_counter()
        results = staff.apply_rows(actor=user, organisation=organisation, rows=valid)
        write = time.perf_counter() - started
        assert len(results) == n

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_staff (full_name text, date_of_birth date, sex text, id_number text, "
                           "phone text, priority_group int, ward_code int, occupation text)")
            started = time.perf_counter()
            with cursor.connection.cursor().copy("COPY bench_staff FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[0], "1990-01-01", row[2], row[3], row[4], int(row[5]), int(row[6]), row[7]])
            baseline = time.perf_counter() - started

        print(f"validation   {n / validation:>10,.0f} rows/s ({validation:6.2f} s)")
        print(f"write        {n / write:>10,.0f} rows/s ({write:6.2f} s)")
        print(f"COPY         {n / baseline:>10,.0f} rows/s ({baseline:6.2f} s)")
        print(f"ratio validation = {validation / baseline:.2f}")
        print(f"ratio write = {write / baseline:.2f}")


if __name__ == "__main__":
    main()
