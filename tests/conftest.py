import pytest
from django.db import connection

from registry.models import AdministrativeUnit, StaffAssignment
from registry.reference_data import load_reference_data

from . import factories as f

Level = AdministrativeUnit.Level
Role = StaffAssignment.Role

# Places used throughout: two provinces, two districts of Hà Nội, wards in each.
HA_NOI, HUE = 1, 46
BA_DINH, HOAN_KIEM, THUAN_HOA = 1, 2, 474
PHUC_XA, TRUC_BACH, PHUC_TAN, VY_DA = 1, 4, 37, 19777


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the national reference data once into the test database (about a second)."""
    with django_db_blocker.unblock():
        load_reference_data()
    yield
    from django.db import connections

    # The "replica" alias is a mirror Django does not tear down: its open connection would keep the test database
    # from being dropped.
    for alias in connections:
        if alias != "default":
            connections[alias].close()


@pytest.fixture(scope="session", autouse=True)
def signing_key():
    """A certificate signing key for the test run (made once, reused by a Celery worker started by a test)."""
    from pathlib import Path

    from django.conf import settings

    from certificates.keys import keygen, signer_cache_clear
    from certificates.transparency.keys import log_key_cache_clear, log_keygen

    key, cert = Path(settings.CERT_SIGNING_KEY_FILE), Path(settings.CERT_SIGNING_CERT_FILE)
    if not (key.exists() and cert.exists()):
        keygen(key_path=key, cert_path=cert)
    if not Path(settings.LOG_SIGNING_KEY_FILE).exists():
        log_keygen(Path(settings.LOG_SIGNING_KEY_FILE))
    signer_cache_clear()
    log_key_cache_clear()


def pytest_configure(config):
    """Every test that may use the database may read through the "replica" alias too: on PostgreSQL the test
    settings always have one (a second connection to the test database, or CI's real replica), and the views marked
    @replica_reads use it whenever they run outside a transaction (transactional tests, live servers)."""
    from django.conf import settings
    from django.test import TransactionTestCase

    TransactionTestCase.databases = {"default", "replica"} if "replica" in settings.DATABASES else {"default"}


def pytest_collection_modifyitems(config, items):
    import os

    on_postgres = None
    for item in items:
        if item.get_closest_marker("worker"):
            from django.conf import settings

            if not (os.environ.get("REDIS_URL") and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")):
                item.add_marker(pytest.mark.skip(
                    reason="needs Redis and PostgreSQL for a real Celery worker; set REDIS_URL and DATABASE_URL (CI does)"))
        if item.get_closest_marker("replica") and not os.environ.get("DATABASE_REPLICA_URL"):
            item.add_marker(pytest.mark.skip(
                reason="needs a real streaming replica; set DATABASE_REPLICA_URL=postgres://…:5433/… (.ci/run does)"))
        if item.get_closest_marker("postgres"):
            if on_postgres is None:
                from django.conf import settings

                on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
            if not on_postgres:
                item.add_marker(pytest.mark.skip(
                    reason="needs PostgreSQL row locks; set DATABASE_URL=postgres://… (CI does)"))


@pytest.fixture
def world(db):
    """Facilities and one staff member per role, in two provinces."""
    centre_ba_dinh = f.district_centre(BA_DINH)
    centre_hoan_kiem = f.district_centre(HOAN_KIEM)
    centre_thuan_hoa = f.district_centre(THUAN_HOA)
    site_phuc_xa = f.site(PHUC_XA, parent=centre_ba_dinh)
    site_truc_bach = f.site(TRUC_BACH, parent=centre_ba_dinh)
    site_phuc_tan = f.site(PHUC_TAN, parent=centre_hoan_kiem)
    site_vy_da = f.site(VY_DA, parent=centre_thuan_hoa)
    w = {
        "centre_ba_dinh": centre_ba_dinh,
        "centre_hoan_kiem": centre_hoan_kiem,
        "centre_thuan_hoa": centre_thuan_hoa,
        "site_phuc_xa": site_phuc_xa,
        "site_truc_bach": site_truc_bach,
        "site_phuc_tan": site_phuc_tan,
        "site_vy_da": site_vy_da,
        "org_ha_noi": f.OrganisationFactory(unit=f.unit(Level.WARD, PHUC_XA)),
        "org_hoan_kiem": f.OrganisationFactory(unit=f.unit(Level.WARD, PHUC_TAN)),
        "org_hue": f.OrganisationFactory(unit=f.unit(Level.WARD, VY_DA)),
    }
    w["national"] = f.staff("national", Role.NATIONAL)
    w["province_ha_noi"] = f.staff("province_ha_noi", Role.PROVINCE, unit=f.unit(Level.PROVINCE, HA_NOI))
    w["province_hue"] = f.staff("province_hue", Role.PROVINCE, unit=f.unit(Level.PROVINCE, HUE))
    w["district_ba_dinh"] = f.staff("district_ba_dinh", Role.DISTRICT, unit=f.unit(Level.DISTRICT, BA_DINH))
    w["site_staff_phuc_xa"] = f.staff("site_staff_phuc_xa", Role.SITE, facility=site_phuc_xa)
    return w


@pytest.fixture
def console_client(client):
    """A test client signed in as a staff member, second factor passed where the role needs it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def sign_in(user):
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return sign_in


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Sign-in locks and throttles live in the cache, the dashboard's figures in the process too; each test starts
    with none."""
    from django.core.cache import cache

    from reporting.dashboard import dashboard_local_clear

    cache.clear()
    dashboard_local_clear()
    yield
    cache.clear()
    dashboard_local_clear()
