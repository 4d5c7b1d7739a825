"""Shared set-up for benchmarks: Django on DATABASE_URL, in a scratch test database that is dropped afterwards."""
import os
import sys
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The project's packages must win over same-named scripts here (bench/certificates.py vs certificates/).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))
sys.path.append(str(BENCH))  # last: the shared helpers here (_workers.py) still import
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


@contextmanager
def scratch_database():
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    from django.db import connections

    for alias in connections:  # the test settings' "replica" alias reads the scratch database too, as under pytest
        if connections[alias].settings_dict["TEST"]["MIRROR"] == "default":
            connections[alias].creation.set_as_test_mirror(connection.settings_dict)
    try:
        yield connection
    finally:
        for alias in connections:  # a mirror's connection would keep the scratch database from being dropped
            if alias != "default":
                connections[alias].close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def bench_site(*, doses: int, site_capacity: int = 0) -> dict:
    """A province, district and site of Hà Nội with one officer per role, and `doses` AstraZeneca doses
    received nationally and sent down to the site through the real services."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from registry.models import AdministrativeUnit, StaffAssignment, Vaccine
    from registry.reference_data import load_reference_data
    from registry.services import facility_create, staff_assignment_set
    from vaccination.services.stock import lot_receive, stock_transfer

    Role = StaffAssignment.Role
    load_reference_data()
    unit = lambda level, code: AdministrativeUnit.objects.get(level=level, code=code)  # noqa: E731
    province, district, ward = unit("province", 1), unit("district", 1), unit("ward", 1)
    dept = facility_create(actor=None, kind="province_department", code="dept", name="Sở Y tế", unit=province)
    centre = facility_create(actor=None, kind="district_centre", code="centre", name="TTYT", unit=district)
    site = facility_create(actor=None, kind="site", site_type="commune_station", code="site", name="Trạm",
                           unit=ward, capacity_per_session=site_capacity)
    staff = {}
    for name, role, kwargs in [("nat", Role.NATIONAL, {}), ("prov", Role.PROVINCE, {"unit": province}),
                               ("dist", Role.DISTRICT, {"unit": district}), ("site", Role.SITE, {"facility": site})]:
        staff[name] = get_user_model().objects.create_user(name, "x", full_name=name)
        staff_assignment_set(actor=None, user=staff[name], role=role, **kwargs)
    lot = lot_receive(actor=staff["nat"], vaccine=Vaccine.objects.get(code="astrazeneca"), lot_number="BENCH",
                      expiry_date=timezone.localdate() + datetime.timedelta(days=365), quantity=doses)
    stock_transfer(actor=staff["nat"], to_facility_id=dept.pk, lot_id=lot.pk, quantity=doses)
    stock_transfer(actor=staff["prov"], to_facility_id=centre.pk, lot_id=lot.pk, quantity=doses)
    stock_transfer(actor=staff["dist"], to_facility_id=site.pk, lot_id=lot.pk, quantity=doses)
    return {"staff": staff, "site": site, "lot": lot, "district": district, "ward": ward}
