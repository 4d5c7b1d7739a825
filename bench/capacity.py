"""What one operation costs, for docs/capacity.md: CPU of the application and of PostgreSQL, and bytes on disk.

    python bench/capacity.py [--n 3000]

In a scratch database, through the real services and views, one at a time on one connection: N citizens register
(`registration_submit`), are approved and allocated in bulk, get a dose (`dose_record`, the whole station
transaction), a signed certificate (`certificates_issue`, the worker's task) and an SMS in the outbox; then the
national dashboard and the public verification API are requested through Django's test client.

CPU is counted, not the wall clock, so a machine shared with other work gives the same figures: the application's
is this process's CPU time, PostgreSQL's is its backend's (the connection's pg_backend_pid, read from /proc, so
PostgreSQL must run on this machine). Bytes per row are each table's growth (heap, indexes, TOAST, after VACUUM)
divided by the rows it gained. Last lines: `cpu_ms NAME = APP DB` and `bytes_per_row TABLE = VALUE`.
"""
import argparse
import os
import time
from contextlib import contextmanager

from _django import bench_site, scratch_database

TICKS = os.sysconf("SC_CLK_TCK")
GROWING = ["citizens_user", "citizens_person", "vaccination_registration", "vaccination_registrationevent",
           "vaccination_visit", "vaccination_dose", "vaccination_doseclaim", "vaccination_stockmovement",
           "certificates_certificate", "certificates_logleaf", "certificates_lognode", "citizens_smsmessage",
           "citizens_notification", "registry_auditevent", "reporting_dosedaily", "reporting_registrationcount"]


def _backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


class Meter:
    """CPU of this process and of the PostgreSQL backends of its connections (the replica alias's too: the
    dashboard and verification read through it)."""

    def __init__(self):
        from django.db import connections

        self.pids = []
        for alias in connections:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pids.append(cursor.fetchone()[0])
        self.figures: dict[str, tuple[float, float]] = {}

    def _db(self) -> float:
        return sum(_backend_cpu(pid) for pid in set(self.pids))

    @contextmanager
    def measure(self, name: str, count: int):
        app, db, wall = time.process_time(), self._db(), time.perf_counter()
        yield
        app, db = time.process_time() - app, self._db() - db
        self.figures[name] = (1000 * app / count, 1000 * db / count)
        print(f"{name:<24} {count:>6} in {time.perf_counter() - wall:6.1f} s wall; per operation "
              f"{1000 * app / count:7.2f} ms application CPU, {1000 * db / count:7.2f} ms PostgreSQL CPU", flush=True)


def _sizes(connection) -> dict[str, tuple[int, int]]:
    """Each growing table's bytes (heap, indexes, TOAST) and exact row count."""
    sizes = {}
    with connection.cursor() as cursor:
        for table in [t for t in GROWING if t in set(connection.introspection.table_names())]:
            cursor.execute(f"VACUUM ANALYZE {table}")  # our own table names
            # A partitioned table holds nothing itself: its size is its partitions'.
            cursor.execute(f"SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) "
                           f"FROM pg_partition_tree('{table}')), pg_total_relation_size('{table}')), "
                           f"(SELECT count(*) FROM {table})")
            sizes[table] = cursor.fetchone()
    return sizes


def _citizens(ward, count: int) -> list:
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from citizens.models import Person

    password = make_password(None)
    accounts = get_user_model().objects.bulk_create([
        get_user_model()(phone=f"+8491{i:07d}", full_name=f"Nguyễn Thị Công Dân {i}", password=password)
        for i in range(count)], batch_size=5000)
    Person.objects.bulk_create([
        Person(full_name=account.full_name, account=account, managed_by=account, phone=account.phone, ward=ward,
               date_of_birth=datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28), sex="F" if i % 2 else "M",
               id_kind="cccd", id_number=f"{1000000000 + i:012d}", insurance_number=f"DN40{i:011d}",
               street=f"Số {i % 300} phố Phúc Xá") for i, account in enumerate(accounts)], batch_size=5000)
    return accounts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    n = args.n

    with scratch_database() as connection:
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from django.core.management import call_command

        from certificates.keys import signer_cache_clear
        from certificates.models import Certificate
        from certificates.tasks import certificates_issue
        from citizens.models import Person
        from citizens.services.messaging import sms_queue
        from config.celery import app
        from registry.models import PriorityGroup
        from vaccination.models import Dose, Registration
        from vaccination.services.dose_recording import dose_record
        from vaccination.services.registrations import (registration_submit, registrations_allocate,
                                                        registrations_approve)

        # Side effects are queued for workers, as in production, and measured as the workers' own operations.
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://localhost/"
        keys = settings.VAR_DIR / "bench-keys"
        settings.CERT_SIGNING_KEY_FILE = str(keys / "signer.key.pem")
        settings.CERT_SIGNING_CERT_FILE = str(keys / "signer.cert.pem")
        settings.LOG_SIGNING_KEY_FILE = str(keys / "log.key.pem")  # the public certificate log's
        call_command("certificates_keygen", "--if-missing")
        signer_cache_clear()
        print(f"setting up {n:,} citizens …", flush=True)
        world = bench_site(doses=n)
        staff, site, lot = world["staff"], world["site"], world["lot"]
        before = _sizes(connection)
        accounts = _citizens(world["ward"], n)
        people = dict(Person.objects.filter(account__in=accounts).values_list("account_id", "pk"))
        group = PriorityGroup.objects.get(number=9)
        meter = Meter()

        with meter.measure("registration_submit", n):
            for account in accounts:
                registration_submit(actor=account, person_id=people[account.pk], priority_group=group,
                                    ward=world["ward"], wished_date=None, consent=True)
        ids = list(Registration.objects.values_list("pk", flat=True))
        with meter.measure("approve+allocate (bulk)", n):
            registrations_approve(officer=staff["prov"], ids=ids)
            registrations_allocate(officer=staff["prov"], ids=ids)
        with meter.measure("dose_record", n):
            for person_id in people.values():
                dose_record(actor=staff["site"], person_id=person_id, site_id=site.pk, lot_id=lot.pk,
                            idempotency_key=f"cap-{person_id}", confirm=True)
        dose_ids = list(Dose.objects.values_list("pk", flat=True))
        with meter.measure("certificates_issue", n):
            for start in range(0, n, 500):
                certificates_issue(dose_ids[start:start + 500])
        with meter.measure("sms_queue", n):
            for account in accounts:
                sms_queue(phone=account.phone, text="Ma xac thuc 123456", purpose="signup")
        after = _sizes(connection)
        grown = {t: (after[t][0] - before[t][0], after[t][1] - before[t][1]) for t in after}

        national = staff["nat"]
        client = Client()
        client.force_login(national)
        device = TOTPDevice.objects.create(user=national, name="bench", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        client.get(reverse("reporting:dashboard"))  # warm: templates, translations
        with meter.measure("dashboard (national)", 50):
            for _ in range(50):
                assert client.get(reverse("reporting:dashboard")).status_code == 200
        qr = Certificate.objects.exclude(qr_text="").values_list("qr_text", flat=True).first()
        verifier = Client(REMOTE_ADDR="10.0.0.1")
        settings.VERIFY_PER_IP = 10**9
        answer = verifier.post(reverse("certificates:verify_api"), {"qr": qr}, content_type="application/json")
        assert answer.json()["valid"], answer.content
        with meter.measure("verify API", 500):
            for _ in range(500):
                verifier.post(reverse("certificates:verify_api"), {"qr": qr}, content_type="application/json")

        for name, (app_ms, db_ms) in meter.figures.items():
            print(f"cpu_ms {name.replace(' ', '_')} = {app_ms:.3f} {db_ms:.3f}")
        for table, (size, rows) in grown.items():
            if rows > 0:
                print(f"bytes_per_row {table} = {size / rows:.0f}  ({rows:,} rows)")


if __name__ == "__main__":
    main()
