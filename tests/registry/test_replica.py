"""Reads that tolerate lag come from the replica; what a person has just written is read back from the primary.

On PostgreSQL the test settings always have a "replica" alias: here a second connection to the test database (CI's replica job
points it at a real streaming replica, tests/registry/test_replica_streaming.py). A lagging replica is played by
that second connection holding an old snapshot (REPEATABLE READ) while the primary moves on."""
import re
import time
from contextlib import contextmanager

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.models import AdministrativeUnit
from registry.reference_data import load_reference_data
from registry.replica import PIN_COOKIE, ReplicaRouter, read_from_replica
from tests.conftest import BA_DINH, HA_NOI
from tests.vaccination.conftest import lot, people  # noqa: F401 - fixtures

from django.conf import settings

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("replica" not in settings.DATABASES, reason=(
        "the replica alias exists on PostgreSQL only: SQLite's in-memory test database cannot take a second "
        "connection; set DATABASE_URL=postgres://… (CI does)")),
]


@pytest.fixture
def tx_world(request, transactional_db):
    if not AdministrativeUnit.objects.exists():  # a transactional test before this one emptied the tables
        load_reference_data()
    return request.getfixturevalue("world")


def _console(user) -> Client:
    """A browser of its own, signed in with the second factor passed."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@contextmanager
def _queries():
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        yield primary, replica


def _tables(captured) -> str:
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_dashboard_figures_come_from_the_replica(tx_world):
    client = _console(tx_world["national"])
    with _queries() as (primary, replica):
        response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    assert "reporting_" in _tables(replica)
    # Who is signed in and what they may see is read from the primary (the session itself may come from Redis:
    # registry.sessions); no figure is.
    assert "registry_staffassignment" in _tables(primary) and "reporting_" not in _tables(primary)


def test_a_streamed_export_reads_its_rows_from_the_replica(tx_world):
    client = _console(tx_world["national"])
    with _queries() as (primary, replica):
        response = client.get(reverse("reporting:doses_csv"))
        body = b"".join(response.streaming_content)  # the rows are read while the body streams
    assert body.startswith("\ufeff".encode())
    assert "vaccination_dose" in _tables(replica) and "vaccination_dose" not in _tables(primary)


def test_reference_data_for_address_pickers_comes_from_the_replica(tx_world):
    province = AdministrativeUnit.objects.get(level="province", code=HA_NOI)
    with _queries() as (primary, replica):
        response = Client().get(reverse("citizens:unit_children", args=[province.pk]))
    assert any(unit["name"].endswith("Ba Đình") for unit in response.json()["units"])
    assert "registry_administrativeunit" in _tables(replica)
    assert "registry_administrativeunit" not in _tables(primary)


def test_a_verification_does_not_pin_its_client_to_the_primary(tx_world):
    """Checkpoints verify certificates all day: that POST writes nothing they read back, so it stays on the replica."""
    client = Client()
    response = client.post(reverse("certificates:verify_api"), '{"qr": "HC1:nonsense"}',
                           content_type="application/json")
    assert response.status_code == 400 and PIN_COOKIE not in response.cookies


def test_the_router_keeps_writes_and_transactions_on_the_primary(tx_world):
    router = ReplicaRouter()
    assert router.db_for_read(AdministrativeUnit) == "default"
    with read_from_replica():
        unit = AdministrativeUnit.objects.filter(level="province").first()
        assert unit._state.db == "replica"
        assert router.db_for_write(AdministrativeUnit) == "default"
        with transaction.atomic():  # a transaction reads its own writes, which the replica has not got yet
            assert AdministrativeUnit.objects.filter(pk=unit.pk).first()._state.db == "default"
    assert router.allow_migrate("replica", "registry") is False and router.allow_migrate("default", "registry")


@contextmanager
def _lagging_replica():
    """The replica stops replaying here: its connection keeps the snapshot it has now until the block ends."""
    replica = connections["replica"]
    with transaction.atomic(using="replica"):
        with replica.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT count(*) FROM vaccination_registration")
        yield


def _ba_dinh_waiting(page: str) -> list[int]:
    """Ba Đình's row of "Registrations waiting, by stage": submitted, approved, allocated, scheduled, no-show."""
    row = re.search(rf'district={BA_DINH}">[^<]*</a></td>((?:<td>[\d.]+</td>){{5}})</tr>', page)
    assert row, page
    return [int(n.replace(".", "")) for n in re.findall(r"<td>([\d.]+)</td>", row.group(1))]


@pytest.mark.postgres
def test_an_officer_who_has_just_approved_sees_it_though_the_replica_lags(tx_world, people, settings):
    settings.REPLICA_PIN_SECONDS = 2
    officer = _console(tx_world["province_ha_noi"])
    colleague = _console(tx_world["province_ha_noi"])  # the same officer on another device, who wrote nothing
    dashboard = reverse("reporting:dashboard")
    assert _ba_dinh_waiting(colleague.get(dashboard).content.decode())[:2] == [3, 0]

    with _lagging_replica():
        officer.post(reverse("vaccination_console:registration_action"), {
            "action": "approve", "ids": [people["lan"]["registration"].pk]})
        assert _ba_dinh_waiting(officer.get(dashboard).content.decode())[:2] == [2, 1]
        assert _ba_dinh_waiting(colleague.get(dashboard).content.decode())[:2] == [3, 0]  # a few seconds late
        forged = _console(tx_world["province_ha_noi"])
        forged.cookies[PIN_COOKIE] = "1"  # not signed by the server: reads still go to the replica
        assert _ba_dinh_waiting(forged.get(dashboard).content.decode())[:2] == [3, 0]
        time.sleep(settings.REPLICA_PIN_SECONDS + 1.1)
        assert _ba_dinh_waiting(officer.get(dashboard).content.decode())[:2] == [3, 0]  # the pin has ended
    assert _ba_dinh_waiting(colleague.get(dashboard).content.decode())[:2] == [2, 1]  # the replica caught up
