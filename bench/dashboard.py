"""The national dashboard's server time at 1,000 doses and at N doses (default 1,000,000), loaded with COPY.

    python bench/dashboard.py [--n 1000000]

Doses (and their people) are loaded with PostgreSQL COPY, the rollups rebuilt from them, then the dashboard
page is requested through Django's test client (median of 7 requests). The dashboard reads only the rollups,
so its time should not grow with the number of doses. Last line: `ratio dashboard = VALUE`, the time at N
doses divided by the time at 1,000.
"""
import argparse
import datetime
import statistics
import time

from _django import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    n = parser.parse_args().n

    with scratch_database() as connection:
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from registry.models import AdministrativeUnit, Vaccine
        from registry.reference_data import load_reference_data
        from registry.services import facility_create, staff_assignment_set
        from reporting.rollups import rollups_rebuild
        from vaccination.models import Lot

        load_reference_data()
        sites = []
        for province in AdministrativeUnit.objects.filter(level="province").order_by("code"):
            ward = AdministrativeUnit.objects.filter(level="ward", province_code=province.code).order_by("code").first()
            sites.append(facility_create(actor=None, kind="site", site_type="commune_station",
                                         code=f"site-{ward.code}", name=f"Trạm {ward.name}", unit=ward))
        vaccine = Vaccine.objects.get(code="astrazeneca")
        lot = Lot.objects.create(vaccine=vaccine, lot_number="BENCH", expiry_date=datetime.date(2030, 1, 1),
                                 quantity=n)
        user = get_user_model().objects.create_user("national", "x", full_name="Quốc gia")
        staff_assignment_set(actor=None, user=user, role="national")
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        url = reverse("reporting:dashboard")
        now = timezone.now()
        loaded = 0

        def load_until(total: int) -> None:
            nonlocal loaded
            with connection.cursor() as cursor:
                raw = cursor.connection
                with raw.cursor() as copy_cursor:
                    with copy_cursor.copy(
                            "COPY citizens_person (full_name, date_of_birth, sex, nationality, phone, id_kind, "
                            "insurance_number, street, occupation, workplace, chronic_conditions, allergies, "
                            "severe_reactions, medical_history, qr_token, ward_id, created_at, updated_at) "
                            "FROM STDIN") as copy:
                        for i in range(loaded, total):
                            site = sites[i % len(sites)]
                            copy.write_row([f"Người {i}", datetime.date(1980, 1, 1), "F", "Việt Nam", "", "", "", "",
                                            "", "", "", "", "", "", f"bench-{i}", site.unit_id, now, now])
                cursor.execute("SELECT id FROM citizens_person WHERE qr_token LIKE 'bench-%%' ORDER BY id OFFSET %s",
                               [loaded])
                person_ids = [row[0] for row in cursor.fetchall()]
                with raw.cursor() as copy_cursor:
                    with copy_cursor.copy(
                            "COPY vaccination_dose (person_id, site_id, vaccine_id, lot_id, dose_number, given_at, "
                            "override_reason, idempotency_key, source, voided, created_at) FROM STDIN") as copy:
                        for index, person_id in enumerate(person_ids, start=loaded):
                            copy.write_row([person_id, sites[index % len(sites)].pk, vaccine.pk, lot.pk,
                                            1 + index % 2, now - datetime.timedelta(days=index % 60), "",
                                            f"bench-{index}", "live", False, now])
            loaded = total
            rollups_rebuild()

        def timed() -> float:
            client.get(url)  # warm
            samples = []
            for _ in range(7):
                started = time.perf_counter()
                response = client.get(url)
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200
            return statistics.median(samples)

        load_until(1000)
        small = timed()
        print(f"dashboard at      1,000 doses: {small * 1000:8.1f} ms", flush=True)
        load_until(n)
        large = timed()
        print(f"dashboard at {n:>10,} doses: {large * 1000:8.1f} ms")
        print(f"ratio dashboard = {large / small:.2f}")


if __name__ == "__main__":
    main()
