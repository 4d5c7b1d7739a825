"""Vaccine lots and the stock ledger. Balances change only under row locks taken in primary-key order."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audit import audit_record
from registry.models import Facility, Vaccine
from registry.selectors import facility_list, jurisdiction_of

from ..models import Lot, StockBalance, StockMovement
from ..selectors import staff_facility

Kind = StockMovement.Kind
# Who may send to whom: the level below, inside the sender's area.
NEXT_LEVEL = {
    Facility.Kind.NATIONAL_STORE: Facility.Kind.PROVINCE_DEPARTMENT,
    Facility.Kind.PROVINCE_DEPARTMENT: Facility.Kind.DISTRICT_CENTRE,
    Facility.Kind.DISTRICT_CENTRE: Facility.Kind.SITE,
}


def balances_lock(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], StockBalance]:
    """Lock the balance rows of (facility, lot) pairs in primary-key order (no deadlocks between transfers),
    creating the missing ones first."""
    condition = Q()
    for facility_id, lot_id in pairs:
        condition |= Q(facility_id=facility_id, lot_id=lot_id)
    locked = {(b.facility_id, b.lot_id): b
              for b in StockBalance.objects.select_for_update().filter(condition).order_by("pk")}
    if len(locked) == len(set(pairs)):
        return locked
    for facility_id, lot_id in pairs:
        if (facility_id, lot_id) not in locked:
            try:
                with transaction.atomic():
                    StockBalance.objects.get_or_create(facility_id=facility_id, lot_id=lot_id)
            except IntegrityError:
                pass  # created by a concurrent transaction meanwhile
    return {(b.facility_id, b.lot_id): b
            for b in StockBalance.objects.select_for_update().filter(condition).order_by("pk")}


def stock_move(*, balance: StockBalance, kind: str, quantity: int, actor, reason: str = "",
               counterpart: Facility | None = None, at: datetime.datetime | None = None) -> StockMovement:
    """Change a locked balance by `quantity` (negative takes out) and write the ledger line."""
    if balance.quantity + quantity < 0:
        raise ValidationError({"quantity": _("Only %(available)s doses of this lot are in stock.") % {
            "available": balance.quantity}})
    StockBalance.objects.filter(pk=balance.pk).update(quantity=F("quantity") + quantity, updated_at=timezone.now())
    balance.quantity += quantity
    return StockMovement.objects.create(
        at=at or timezone.now(), kind=kind, facility_id=balance.facility_id, lot_id=balance.lot_id,
        quantity=quantity, balance_after=balance.quantity, counterpart=counterpart, actor=actor, reason=reason[:300],
    )


@transaction.atomic
def lot_receive(*, actor, vaccine: Vaccine, lot_number: str, expiry_date: datetime.date, quantity: int) -> Lot:
    """The national store receives a lot."""
    j = jurisdiction_of(actor)
    if not (j.is_national and actor.has_perm("vaccination.add_lot")):
        raise PermissionDenied(_("Only the national level receives vaccine lots."))
    store = staff_facility(actor)
    if store is None:
        raise ValidationError(_("There is no national vaccine store yet; load the reference data."))
    if quantity <= 0:
        raise ValidationError({"quantity": _("The number of doses must be positive.")})
    if expiry_date < timezone.localdate():
        raise ValidationError({"expiry_date": _("This lot has already expired.")})
    lot_number = lot_number.strip().upper()
    if Lot.objects.filter(vaccine=vaccine, lot_number=lot_number).exists():
        raise ValidationError({"lot_number": _("This lot number was already received for this vaccine.")})
    lot = Lot.objects.create(vaccine=vaccine, lot_number=lot_number, expiry_date=expiry_date, quantity=quantity)
    balance = balances_lock([(store.pk, lot.pk)])[(store.pk, lot.pk)]
    stock_move(balance=balance, kind=Kind.RECEIVED, quantity=quantity, actor=actor,
               reason=_("Received at national level"))
    audit_record(actor=actor, action="lot.receive", target=lot, changes={"quantity": quantity})
    return lot


@transaction.atomic
def stock_transfer(*, actor, to_facility_id: int, lot_id: int, quantity: int, reason: str = "") -> StockMovement:
    """Send doses from the actor's own facility to one of the facilities just below it, both sides at once."""
    if not actor.has_perm("vaccination.transfer_stock"):
        raise PermissionDenied(_("You may not send vaccine."))
    source = staff_facility(actor)
    target = facility_list(user=actor).filter(pk=to_facility_id).first()
    if source is None or target is None or target.kind != NEXT_LEVEL.get(source.kind):
        raise ValidationError({"to_facility": _("You can only send vaccine to the facilities just below yours.")})
    if quantity <= 0:
        raise ValidationError({"quantity": _("The number of doses must be positive.")})
    lot = Lot.objects.get(pk=lot_id)
    if lot.is_expired:
        raise ValidationError({"lot": _("This lot expired on %(date)s and cannot be sent.") % {
            "date": lot.expiry_date.strftime("%d/%m/%Y")}})
    balances = balances_lock(sorted([(source.pk, lot.pk), (target.pk, lot.pk)]))
    now = timezone.now()
    sent = stock_move(balance=balances[(source.pk, lot.pk)], kind=Kind.SENT, quantity=-quantity, actor=actor,
                      reason=reason, counterpart=target, at=now)
    stock_move(balance=balances[(target.pk, lot.pk)], kind=Kind.TRANSFER_IN, quantity=quantity, actor=actor,
               reason=reason, counterpart=source, at=now)
    audit_record(actor=actor, action="stock.transfer", target=lot,
                 changes={"from": source.code, "to": target.code, "quantity": quantity})
    return sent


@transaction.atomic
def stock_adjust(*, actor, facility_id: int, lot_id: int, quantity: int, kind: str, reason: str) -> StockMovement:
    """Record wastage (negative) or a stock-count adjustment at a facility the actor works from."""
    source = staff_facility(actor)
    if source is None or source.pk != facility_id:
        raise PermissionDenied(_("You can only adjust the stock of your own facility."))
    if kind not in (Kind.WASTED, Kind.ADJUSTED):
        raise ValidationError({"kind": _("Choose wastage or adjustment.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the stock changes.")})
    if kind == Kind.WASTED and quantity > 0:
        quantity = -quantity
    balance = balances_lock([(facility_id, lot_id)])[(facility_id, lot_id)]
    movement = stock_move(balance=balance, kind=kind, quantity=quantity, actor=actor, reason=reason)
    audit_record(actor=actor, action=f"stock.{kind}", target=movement.lot, changes={"quantity": quantity})
    return movement
