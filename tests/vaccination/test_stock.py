"""Lots and the stock ledger: transfers go one level down inside one's area, balances never go negative."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from registry.models import Vaccine
from tests.vaccination.conftest import department
from vaccination.models import Lot, StockBalance, StockMovement
from vaccination.services.stock import lot_receive, stock_adjust, stock_transfer


def _balance(facility, lot) -> int:
    return StockBalance.objects.get(facility=facility, lot=lot).quantity


def test_ledger_follows_the_vaccine_down(world, lot):
    site = world["site_phuc_xa"]
    assert _balance(site, lot) == 1000 and _balance(world["centre_ba_dinh"], lot) == 1000
    assert _balance(department(1), lot) == 1000
    kinds = list(StockMovement.objects.filter(lot=lot).order_by("pk").values_list("kind", "quantity"))
    assert kinds == [("received", 10000), ("sent", -3000), ("transfer_in", 3000), ("sent", -2000),
                     ("transfer_in", 2000), ("sent", -1000), ("transfer_in", 1000)]
    last = StockMovement.objects.filter(facility=site).get()
    assert (last.balance_after, last.counterpart, last.actor) == (1000, world["centre_ba_dinh"],
                                                                  world["district_ba_dinh"])


def test_cannot_send_more_than_held(world, lot):
    with pytest.raises(ValidationError) as error:
        stock_transfer(actor=world["district_ba_dinh"], to_facility_id=world["site_truc_bach"].pk, lot_id=lot.pk,
                       quantity=1001)
    assert "1000" in error.value.messages[0]
    assert _balance(world["centre_ba_dinh"], lot) == 1000
    assert not StockBalance.objects.filter(facility=world["site_truc_bach"], lot=lot, quantity__gt=0).exists()


def test_only_one_level_down_inside_the_area(world, lot):
    with pytest.raises(ValidationError):  # Huế's site is not below Ba Đình
        stock_transfer(actor=world["district_ba_dinh"], to_facility_id=world["site_vy_da"].pk, lot_id=lot.pk,
                       quantity=1)
    with pytest.raises(ValidationError):  # province skips the district
        stock_transfer(actor=world["province_ha_noi"], to_facility_id=world["site_phuc_xa"].pk, lot_id=lot.pk,
                       quantity=1)
    with pytest.raises(PermissionDenied):
        stock_transfer(actor=world["site_staff_phuc_xa"], to_facility_id=world["site_truc_bach"].pk, lot_id=lot.pk,
                       quantity=1)


def test_expired_lots_cannot_be_received_or_sent(world, lot):
    astrazeneca = Vaccine.objects.get(code="astrazeneca")
    with pytest.raises(ValidationError):
        lot_receive(actor=world["national"], vaccine=astrazeneca, lot_number="OLD-1",
                    expiry_date=timezone.localdate() - datetime.timedelta(days=1), quantity=10)
    Lot.objects.filter(pk=lot.pk).update(expiry_date=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        stock_transfer(actor=world["district_ba_dinh"], to_facility_id=world["site_truc_bach"].pk, lot_id=lot.pk,
                       quantity=1)
    assert "hết hạn" in error.value.messages[0]


def test_only_national_level_receives(world):
    with pytest.raises(PermissionDenied):
        lot_receive(actor=world["province_ha_noi"], vaccine=Vaccine.objects.get(code="pfizer"), lot_number="X",
                    expiry_date=timezone.localdate() + datetime.timedelta(days=30), quantity=10)


def test_wastage_and_adjustment_with_reason(world, lot):
    staff = world["site_staff_phuc_xa"]
    with pytest.raises(ValidationError):
        stock_adjust(actor=staff, facility_id=world["site_phuc_xa"].pk, lot_id=lot.pk, quantity=5, kind="wasted",
                     reason="")
    stock_adjust(actor=staff, facility_id=world["site_phuc_xa"].pk, lot_id=lot.pk, quantity=5, kind="wasted",
                 reason="Lọ mở cuối buổi")
    assert _balance(world["site_phuc_xa"], lot) == 995
    with pytest.raises(ValidationError):
        stock_adjust(actor=staff, facility_id=world["site_phuc_xa"].pk, lot_id=lot.pk, quantity=-996,
                     kind="adjusted", reason="Kiểm kê")
    with pytest.raises(PermissionDenied):
        stock_adjust(actor=staff, facility_id=world["site_truc_bach"].pk, lot_id=lot.pk, quantity=1,
                     kind="adjusted", reason="x")


def test_stock_page_shows_balances_warnings_and_history(world, lot, console_client):
    Lot.objects.filter(pk=lot.pk).update(expiry_date=timezone.localdate() + datetime.timedelta(days=10))
    client = console_client(world["district_ba_dinh"])
    page = client.get(reverse("vaccination_console:stock")).content.decode()
    assert "AZ-001" in page and "Sắp hết hạn" in page and "Cấp phát vắc xin" in page
    page = client.get(reverse("vaccination_console:stock"), {"facility": world["site_phuc_xa"].pk}).content.decode()
    assert "1.000" in page  # grouped as Vietnamese writes it
    assert client.get(reverse("vaccination_console:stock"), {"facility": world["site_vy_da"].pk}).status_code == 404
    response = client.post(reverse("vaccination_console:stock_transfer"), {
        "to_facility": world["site_truc_bach"].pk, "lot": lot.pk, "quantity": 200, "reason": "Buổi tiêm thứ bảy"})
    assert response.status_code == 302
    assert _balance(world["site_truc_bach"], lot) == 200
