"""Against a real streaming replica (CI starts one on port 5433 with pg_basebackup; DATABASE_REPLICA_URL names it).

The test database is created on the primary and reaches the replica by replication, like every row written here:
these tests commit (transactional) and wait until the replica has replayed the primary's WAL before reading."""
import time

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.models import AdministrativeUnit, Vaccine
from registry.reference_data import load_reference_data
from reporting.models import DoseDaily

pytestmark = [pytest.mark.replica, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _one(alias: str, sql: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _replayed(timeout: float = 30) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    target = _one("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if _one("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]):
                return
        except Exception:  # noqa: BLE001 - the test database itself may not have reached the replica yet
            connections["replica"].close()
        time.sleep(0.1)
    raise AssertionError(f"the replica did not replay up to {target} within {timeout} s")


@pytest.fixture
def tx_world(request, transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("world")


def test_the_replica_is_a_standby_of_the_primary():
    _replayed()
    assert _one("replica", "SELECT pg_is_in_recovery()") is True
    assert _one("default", "SELECT pg_is_in_recovery()") is False
    assert _one("replica", "SELECT inet_server_port()") != _one("default", "SELECT inet_server_port()")
    assert _one("replica", "SELECT current_database()") == _one("default", "SELECT current_database()")


def test_a_write_on_the_primary_becomes_visible_on_the_replica(tx_world):
    site = tx_world["site_phuc_xa"]
    DoseDaily.objects.create(day=timezone.localdate(), site=site, province_code=site.unit.province_code,
                             district_code=site.unit.district_code, vaccine=Vaccine.objects.get(code="pfizer"),
                             dose_number=1, completes_series=False, count=4321, folded=True)
    _replayed()
    assert DoseDaily.objects.using("replica").filter(count=4321).exists()


def test_a_dashboard_request_reads_its_figures_on_the_replica(tx_world):
    site = tx_world["site_phuc_xa"]
    DoseDaily.objects.create(day=timezone.localdate(), site=site, province_code=site.unit.province_code,
                             district_code=site.unit.district_code, vaccine=Vaccine.objects.get(code="pfizer"),
                             dose_number=1, completes_series=False, count=4321, folded=True)
    national = tx_world["national"]
    client = Client()
    client.force_login(national)
    device = TOTPDevice.objects.create(user=national, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    _replayed()
    with CaptureQueriesContext(connections["replica"]) as replica:
        page = client.get(reverse("reporting:dashboard")).content.decode()
    assert 'data-figure="total">4.321<' in page
    assert any("reporting_dosedaily" in query["sql"] for query in replica.captured_queries)
    # The connection those queries ran on is the standby's, on its own port.
    assert _one("replica", "SELECT pg_is_in_recovery()") is True
    assert _one("replica", "SELECT inet_server_port()") == connections["replica"].settings_dict["PORT"]
