"""The national dashboard: requests per second at 1,000 doses and at N (default 1,000,000), and against a page
that returns a constant through the same middleware.

    python bench/dashboard.py [--n 1000000] [--profile]

Doses and their people are generated set-based (INSERT … SELECT generate_series), the rollups rebuilt from
them, then each page is requested in-process through Django's test client for about two seconds, three times;
the median is printed. Last lines: `ratio dashboard = VALUE` (dashboard req/s at N ÷ constant page req/s) and
`ratio dashboard_scale = VALUE` (req/s at N ÷ req/s at 1,000: 1.0 means the page does not slow down with
the number of doses). Higher is better. bench/http.py measures the same page through gunicorn.
"""
import argparse
import datetime

from _django import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="print where one dashboard request spends its time")
    args = parser.parse_args()

    with scratch_database():
        from _data import doses_series, median_of, people_series, throughput
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.test.utils import teardown_test_environment
        from django.urls import reverse
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from registry.models import AdministrativeUnit, Vaccine
        from registry.reference_data import load_reference_data
        from registry.services import facility_create, staff_assignment_set
        from reporting.rollups import rollups_rebuild
        from vaccination.models import Lot

        teardown_test_environment()  # templates render as in production, without the test client's signals
        settings.BENCH_ENDPOINTS = True
        load_reference_data()
        sites = []
        for province in AdministrativeUnit.objects.filter(level="province").order_by("code"):
            ward = AdministrativeUnit.objects.filter(level="ward", province_code=province.code).order_by("code").first()
            sites.append(facility_create(actor=None, kind="site", site_type="commune_station",
                                         code=f"site-{ward.code}", name=f"Trạm {ward.name}", unit=ward))
        vaccine = Vaccine.objects.get(code="astrazeneca")
        lot = Lot.objects.create(vaccine=vaccine, lot_number="BENCH", expiry_date=datetime.date(2030, 1, 1),
                                 quantity=args.n)
        user = get_user_model().objects.create_user("national", "x", full_name="Quốc gia")
        staff_assignment_set(actor=None, user=user, role="national")
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        url = reverse("reporting:dashboard")

        def load(count: int, tag: str) -> None:
            first = people_series(count, ward_ids=[s.unit_id for s in sites], tag=tag)
            doses_series(count, first_person=first, site_ids=[s.pk for s in sites], vaccine_id=vaccine.pk,
                         lot_id=lot.pk, tag=tag)
            rollups_rebuild()

        def dashboard() -> None:
            assert client.get(url).status_code == 200

        def constant() -> None:
            assert client.get("/bench/constant/").status_code == 200

        def measure(label: str) -> float:
            rate = median_of(3, lambda: throughput(dashboard))
            print(f"dashboard at {label:>10} doses: {rate:8.1f} req/s", flush=True)
            return rate

        load(1000, "a")
        small = measure("1,000")
        print(f"loading {args.n:,} doses …", flush=True)
        load(args.n - 1000, "b")
        large = measure(f"{args.n:,}")
        base = median_of(3, lambda: throughput(constant))
        print(f"constant page:                {base:8.1f} req/s")
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(lambda: [dashboard() for _ in range(20)])
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        print(f"ratio dashboard = {large / base:.3f}")
        print(f"ratio dashboard_scale = {large / small:.2f}")


if __name__ == "__main__":
    main()
