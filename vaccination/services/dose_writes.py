"""The rows a dose writes once dose_recording.py has checked its rules, in as few statements as possible.

On PostgreSQL the dose, its claim, its audit row and the registration's move (its booked appointment attended,
its status and its event) are one statement; the rollups and the stock go out together last (`dose_record`).
SQLite writes nothing inside WITH: there each row is its own statement, in the same transaction.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from registry.audit import audit_insert_from, audit_record

from ..course import NextDose
from ..models import Appointment, Dose, Registration, StockMovement
from .common import (
    REGISTRATION_EVENT_COLUMNS, registration_event_add, registration_event_values, registrations_transition,
)

Status = Registration.Status

_DOSE_COLUMNS = """person_id, registration_id, visit_id, site_id, vaccine_id, lot_id, dose_number, given_at,
    given_by_id, override_reason, idempotency_key, source, voided, created_at, confirmed_at, confirmed_by_id"""
_DOSE_VALUES = ", ".join(["%s"] * 16)
# The dose table is partitioned by month (PostgreSQL), so its rules over all months are the claim's unique keys
# (DoseClaim). On PostgreSQL the claim comes first in the same statement, with the dose's id drawn from the dose
# table's sequence (the name registry/partitions.py keeps): a key claimed meanwhile writes no dose row at all.
_CLAIM_AND_DOSE = f"""
    claim AS (
        INSERT INTO vaccination_doseclaim (dose_id, person_id, dose_number, idempotency_key, given_at, vaccine_id,
            voided)
        VALUES (nextval('vaccination_dose_id_seq'), %s, %s, %s, %s, %s, false)
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING dose_id),
    dose AS (
        INSERT INTO vaccination_dose (id, {_DOSE_COLUMNS}) SELECT dose_id, {_DOSE_VALUES} FROM claim RETURNING id)"""
# SQLite: the dose, then its claim; a refused claim rolls the dose back with the transaction.
_INSERT_DOSE_ALONE = f"INSERT INTO vaccination_dose ({_DOSE_COLUMNS}) VALUES ({_DOSE_VALUES}) RETURNING id"
_INSERT_CLAIM = """
    INSERT INTO vaccination_doseclaim (dose_id, person_id, dose_number, idempotency_key, given_at, vaccine_id, voided)
    VALUES (%s, %s, %s, %s, %s, %s, false) ON CONFLICT (idempotency_key) DO NOTHING RETURNING dose_id"""
_ATTENDED = "UPDATE vaccination_appointment SET status = %s WHERE registration_id = %s AND status = %s"
_TAKE_FROM_STOCK = """
    UPDATE vaccination_stockbalance SET quantity = quantity - 1, updated_at = %s
    WHERE facility_id = %s AND lot_id = %s AND quantity >= 1 RETURNING quantity"""
_LEDGER_LINE = """
    INSERT INTO vaccination_stockmovement (at, kind, facility_id, lot_id, quantity, balance_after, actor_id, reason)
    VALUES (%s, %s, %s, %s, -1, %s, %s, %s)"""


def _to_vaccinated_sql(*, reason_cleared: bool) -> str:
    """The registration's move to vaccinated (from the status it was read in), waiting for the next dose."""
    return ("UPDATE vaccination_registration SET status = %s, next_dose_number = %s, due_from = %s, "
            f"required_vaccine_id = %s{', status_reason = %s' if reason_cleared else ''} WHERE id = %s AND status = %s")


class RegistrationMove:
    """The registration carrying the course after a dose: its booked appointment attended, and waiting for the
    next dose (`plan`), with an event when its status changes."""

    def __init__(self, *, actor, registration: tuple, plan: NextDose, now: datetime.datetime):
        self.registration_id, self.from_status, self.district_id = registration
        self.actor, self.now = actor, now
        self.updates = {"next_dose_number": plan.number, "due_from": plan.due_from,
                        "required_vaccine_id": plan.required_vaccine.pk if plan.required_vaccine else None}
        self.moves = self.from_status != Status.VACCINATED
        self.moved_sql = _to_vaccinated_sql(reason_cleared=self.moves)
        self.attended = [Appointment.Status.ATTENDED, self.registration_id, Appointment.Status.BOOKED]
        self.moved = [Status.VACCINATED, plan.number, connection.ops.adapt_datefield_value(plan.due_from),
                      self.updates["required_vaccine_id"], *([""] if self.moves else []), self.registration_id,
                      self.from_status]

    def with_queries(self) -> tuple[str, list]:
        """Its writes as WITH queries (PostgreSQL); `moved` returns the registration's id when it moved."""
        sql = f"attended AS ({_ATTENDED}), moved AS ({self.moved_sql} RETURNING id)"
        params = [*self.attended, *self.moved]
        if self.moves:
            sql += (f", event AS (INSERT INTO vaccination_registrationevent ({REGISTRATION_EVENT_COLUMNS}) "
                    "SELECT id, %s, %s, %s, %s, %s FROM moved)")
            params += self._event()[1:]
        return sql, params

    def write_alone(self, cursor) -> int:
        """Its writes one by one (SQLite); how many registrations moved."""
        cursor.execute(_ATTENDED, self.attended)
        cursor.execute(self.moved_sql, self.moved)
        changed = cursor.rowcount
        if changed and self.moves:
            registration_event_add(registration_id=self.registration_id, actor=self.actor, at=self.now,
                                   from_status=self.from_status, to_status=Status.VACCINATED)
        return changed

    def done(self, changed: int) -> dict | None:
        """The status move for the rollups, which `dose_recorded` carries (None when there is none to count here).
        A district booked or released the registration since it was read when nothing `changed`: the general
        path then, which locks it first (and counts its own move)."""
        if not changed:
            registrations_transition(actor=self.actor, rows=Registration.objects.filter(pk=self.registration_id),
                                     to=Status.VACCINATED, **self.updates)
            return None
        return {(self.district_id, self.from_status, Status.VACCINATED): 1} if self.moves else None

    def _event(self) -> list:
        return registration_event_values(registration_id=self.registration_id, actor=self.actor, at=self.now,
                                         from_status=self.from_status, to_status=Status.VACCINATED)


def dose_insert(cursor, dose: Dose, *, actor, audit_changes: dict,
                move: RegistrationMove | None) -> tuple[int | None, dict | None]:
    """Write the unsaved `dose`, its claim (person, dose number, request key, time, vaccine), its audit row and
    the registration's `move`. Returns the dose's id, or None when the key was claimed meanwhile (the caller then
    raises, and the transaction keeps nothing), and the move for the rollups."""
    adapt = connection.ops.adapt_datetimefield_value
    values = [adapt(getattr(dose, name)) if isinstance(getattr(dose, name), datetime.datetime) else getattr(dose, name)
              for name in _DOSE_COLUMNS.replace("\n", " ").replace(" ", "").split(",")]
    claim = [dose.person_id, dose.dose_number, dose.idempotency_key, adapt(dose.given_at), dose.vaccine_id]
    if connection.vendor == "postgresql":
        audit, audit_params = audit_insert_from("dose", actor=actor, action="dose.record", target=dose,
                                                changes=audit_changes)
        moving, moving_params = move.with_queries() if move is not None else ("", [])
        cursor.execute(f"WITH {_CLAIM_AND_DOSE}, audit AS ({audit}){', ' + moving if moving else ''} "
                       f"SELECT (SELECT id FROM dose), {'(SELECT count(*) FROM moved)' if moving else '0'}",
                       [*claim, *values, *audit_params, *moving_params])
        dose_id, changed = cursor.fetchone()
        if dose_id is None:
            return None, None
        dose.pk = dose_id
    else:
        cursor.execute(_INSERT_DOSE_ALONE, values)
        dose.pk = cursor.fetchone()[0]
        cursor.execute(_INSERT_CLAIM, [dose.pk, *claim])
        if not cursor.fetchone():
            return None, None
        audit_record(actor=actor, action="dose.record", target=dose, changes=audit_changes)
        changed = move.write_alone(cursor) if move is not None else 0
    return dose.pk, move.done(changed) if move is not None else None


def take_from_stock(cursor, *, actor, site_id: int, lot_id: int, at: datetime.datetime, reason: str,
                    now: datetime.datetime) -> None:
    """One dose out of the site's stock of the lot, with its ledger line; refused when none is left.
    The stock row stays locked from here to COMMIT, so this comes last."""
    adapt = connection.ops.adapt_datetimefield_value
    line = [adapt(at), StockMovement.Kind.ADMINISTERED, site_id, lot_id, actor.pk, reason[:300]]
    if connection.vendor == "postgresql":
        cursor.execute(f"WITH taken AS ({_TAKE_FROM_STOCK}) " + _LEDGER_LINE.replace(
            "VALUES (%s, %s, %s, %s, -1, %s, %s, %s)", "SELECT %s, %s, %s, %s, -1, quantity, %s, %s FROM taken"
        ) + " RETURNING balance_after", [adapt(now), site_id, lot_id, *line[:4], *line[4:]])
        taken = cursor.fetchone()
    else:
        cursor.execute(_TAKE_FROM_STOCK, [adapt(now), site_id, lot_id])
        taken = cursor.fetchone()
        if taken is not None:
            cursor.execute(_LEDGER_LINE, [*line[:4], taken[0], *line[4:]])
    if taken is None:
        cursor.execute("SELECT quantity FROM vaccination_stockbalance WHERE facility_id = %s AND lot_id = %s",
                       [site_id, lot_id])
        held = cursor.fetchone()
        raise ValidationError({"quantity": _("Only %(available)s doses of this lot are in stock.") % {
            "available": held[0] if held else 0}})
