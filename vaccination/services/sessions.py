"""Sessions at sites and the appointments in them. A session never promises more doses than the site holds
of its lot (counting other sessions' bookings), and is never booked beyond its places; at the end of the day
the site closes it."""
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Subquery, Sum
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citizens.services.messaging import Notice, notify_many
from registry.audit import audit_record
from registry.bulk import insert_columns, reserve_ids
from registry.models import AdministrativeUnit, Facility
from registry.selectors import facility_list, jurisdiction_of
from registry.text import ascii_fold
from registry.transitions import transition_check

from ..course import same_vaccine_q, vaccine_mixed
from ..models import Appointment, Dose, Lot, Registration, Session, StockBalance, StockMovement, Visit
from ..selectors import appointment_for_citizen, registration_list, session_list, waiting_list
from .common import appointments_release, own_site, registrations_transition, registration_transition

Status = Registration.Status


def _require_scheduler(actor) -> None:
    if not (jurisdiction_of(actor).is_staff and actor.has_perm("vaccination.schedule_registration")):
        raise PermissionDenied(_("You may not plan sessions or schedule people."))


def _booked_elsewhere(*, site_id: int, lot_id: int, exclude_session_id: int | None = None) -> int:
    rows = Session.objects.filter(site_id=site_id, lot_id=lot_id, status=Session.Status.PLANNED,
                                  date__gte=timezone.localdate())
    if exclude_session_id:
        rows = rows.exclude(pk=exclude_session_id)
    return rows.aggregate(total=Sum("booked"))["total"] or 0


def _lock_site_stock(site_id: int, lot_id: int) -> int:
    """Lock the site's balance of the lot (the one lock every booking takes first) and return it."""
    balance = StockBalance.objects.select_for_update().filter(facility_id=site_id, lot_id=lot_id).first()
    return balance.quantity if balance else 0


@transaction.atomic
def session_create(*, actor, site_id: int, date: datetime.date, start_time: datetime.time,
                   end_time: datetime.time, slot_minutes: int, people_per_slot: int, lot_id: int) -> Session:
    _require_scheduler(actor)
    site = facility_list(user=actor, kind=Facility.Kind.SITE).filter(pk=site_id).first()
    if site is None:
        raise ValidationError({"site": _("Choose a vaccination site of your district.")})
    if date < timezone.localdate():
        raise ValidationError({"date": _("A session cannot be planned in the past.")})
    if end_time <= start_time:
        raise ValidationError({"end_time": _("The session must end after it starts.")})
    if slot_minutes <= 0 or people_per_slot <= 0:
        raise ValidationError({"slot_minutes": _("Slots need a length and at least one person.")})
    lot = Lot.objects.select_related("vaccine").get(pk=lot_id)
    if lot.expiry_date < date:
        raise ValidationError({"lot": _("This lot expires on %(date)s, before the session.") % {
            "date": lot.expiry_date.strftime("%d/%m/%Y")}})
    session = Session(site=site, date=date, start_time=start_time, end_time=end_time, slot_minutes=slot_minutes,
                      people_per_slot=people_per_slot, vaccine=lot.vaccine, lot=lot, created_by=actor, capacity=0)
    session.capacity = session.slot_count * people_per_slot
    if session.capacity <= 0:
        raise ValidationError({"slot_minutes": _("The time window is shorter than one slot.")})
    available = _lock_site_stock(site.pk, lot.pk) - _booked_elsewhere(site_id=site.pk, lot_id=lot.pk)
    if session.capacity > available:
        raise ValidationError({"people_per_slot": _(
            "The site holds only %(available)s doses of this lot not yet promised to other sessions; "
            "this session would offer %(capacity)s places.") % {"available": max(available, 0),
                                                                "capacity": session.capacity}})
    session.save()
    audit_record(actor=actor, action="session.create", target=session, changes={"capacity": session.capacity})
    return session


# What booking needs of each registration, read as plain values: at thousands per session, a Registration and
# Person instance per row cost more than all the database work of the booking.
BOOKING_FIELDS = ("pk", "next_dose_number", "person_id", "person__full_name")


def _appointment_notices(booked: list[tuple], session: Session) -> list[Notice]:
    """One notice per (person id, name, dose number, slot start)."""
    site = session.site
    fixed = {"date": session.date.strftime("%d/%m/%Y"), "end": session.end_time.strftime("%H:%M"),
             "site": site.name, "address": site.address}
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Vaccination appointment on %(date)s") % fixed
        body = _("%(name)s: dose %(dose)s on %(date)s from %(start)s to %(end)s at %(site)s, %(address)s. "
                 "Bring your ID and your health QR code.")
        sms = ascii_fold(_("COVID-19 vaccination of %(name)s: dose %(dose)s on %(date)s from %(start)s to "
                           "%(end)s at %(site)s. Bring your ID."))
    notices = []
    for person_id, name, dose, start in booked:
        values = {**fixed, "name": name, "dose": dose, "start": start.strftime("%H:%M")}
        notices.append(Notice(person_id=person_id, title=title, body=body % values,
                              sms_text=sms % {**values, "name": ascii_fold(name), "site": ascii_fold(site.name)},
                              sms_purpose="appointment"))
    return notices


def _book(*, actor, session: Session, candidates: list[tuple], mixed_reason: str = "") -> list[int]:
    """Book locked registrations (BOOKING_FIELDS values) into a locked session, set-wise, and tell each person;
    returns the new appointments' ids."""
    count = len(candidates)
    slots = [session.slot_start(session.booked + index) for index in range(count)]
    columns = {"registration": [c[0] for c in candidates], "dose_number": [c[1] for c in candidates],
               "slot_start": slots, "session": session.pk, "created_by": actor.pk, "mixed_vaccine_reason": mixed_reason}
    if connection.vendor == "postgresql":
        ids = reserve_ids(Appointment, count)
        insert_columns(Appointment, {"id": ids, **columns}, count)
    else:
        ids = [a.pk for a in Appointment.objects.bulk_create([
            Appointment(registration_id=pk, session=session, dose_number=dose, slot_start=slot, created_by=actor,
                        mixed_vaccine_reason=mixed_reason) for (pk, dose, *_rest), slot in zip(candidates, slots)])]
    Session.objects.filter(pk=session.pk).update(booked=F("booked") + count)
    session.booked += count
    registrations_transition(actor=actor, rows=Registration.objects.filter(pk__in=columns["registration"]),
                             to=Status.SCHEDULED)
    notify_many(_appointment_notices(
        [(person_id, name, dose, slot) for (_pk, dose, person_id, name), slot in zip(candidates, slots)], session))
    return ids


def _free_places(session: Session) -> int:
    """Places left, bounded by the session and by the site's unpromised stock of the lot (locks held)."""
    stock = _lock_site_stock(session.site_id, session.lot_id)
    locked = Session.objects.select_for_update().get(pk=session.pk)
    session.booked = locked.booked
    if locked.status != Session.Status.PLANNED:
        return 0
    unpromised = stock - _booked_elsewhere(site_id=session.site_id, lot_id=session.lot_id) - session.booked
    return max(0, min(session.capacity - session.booked, unpromised))


@transaction.atomic
def session_schedule_auto(*, actor, session_id: int, allow_mix: bool = False, limit: int | None = None) -> int:
    """Fill a session from the district's waiting list: priority group order, then registration time,
    people whose next dose is due by the session date, the same vaccine for a series unless mixing is allowed."""
    _require_scheduler(actor)
    session = session_list(user=actor).select_related("site__unit").filter(pk=session_id).first()
    if session is None:
        raise Http404
    free = _free_places(session)
    if limit is not None:
        free = min(free, limit)
    if free <= 0:
        return 0
    district = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT,
                                                 code=session.site.unit.district_code).values("pk")[:1]
    # On the district's own id (not a join on its code) the waiting-list index serves the order and the limit.
    candidates = waiting_list(user=actor, on=session.date).filter(allocated_district=Subquery(district))
    if not allow_mix:
        candidates = candidates.filter(same_vaccine_q(session.vaccine_id))
    chosen = list(candidates.select_for_update(of=("self",), skip_locked=True).values_list(*BOOKING_FIELDS)[:free])
    if not chosen:
        return 0
    _book(actor=actor, session=session, candidates=chosen,
          mixed_reason=_("Mixing allowed by the district") if allow_mix else "")
    audit_record(actor=actor, action="session.schedule_auto", target=session, changes={"booked": len(chosen)})
    return len(chosen)


@transaction.atomic
def appointment_book(*, actor, registration_id: int, session_id: int, mixed_reason: str = "") -> Appointment:
    """The district books one person by hand."""
    _require_scheduler(actor)
    session = session_list(user=actor).select_related("site__unit").filter(pk=session_id).first()
    registration = (registration_list(user=actor).select_for_update(of=("self",))
                    .select_related("person").filter(pk=registration_id).first())
    if session is None or registration is None:
        raise Http404
    if registration.status not in (Status.ALLOCATED, Status.NO_SHOW):
        raise ValidationError(_("Only allocated people waiting for an appointment can be scheduled."))
    if registration.due_from and registration.due_from > session.date:
        raise ValidationError(_("The next dose is not due before %(date)s.") % {
            "date": registration.due_from.strftime("%d/%m/%Y")})
    if vaccine_mixed(registration.required_vaccine_id, session.vaccine_id):
        if not mixed_reason.strip():
            raise ValidationError({"mixed_reason": _(
                "This person's series is with %(vaccine)s. Give a reason to use another vaccine.") % {
                "vaccine": registration.required_vaccine}})
    if _free_places(session) <= 0:
        raise ValidationError(_("This session is full."))
    booked = _book(actor=actor, session=session, candidates=[(registration.pk, registration.next_dose_number,
                                                              registration.person_id, registration.person.full_name)],
                   mixed_reason=mixed_reason)
    appointment = Appointment.objects.get(pk=booked[0])
    audit_record(actor=actor, action="appointment.book", target=appointment)
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, appointment_id: int) -> Registration:
    """The citizen cancels an appointment: the place is freed and the person waits for a new one."""
    appointment = appointment_for_citizen(user=actor, appointment_id=appointment_id)
    if appointment is None or appointment.status != Appointment.Status.BOOKED:
        raise Http404
    appointments_release(registration_ids=[appointment.registration_id])
    return registration_transition(actor=actor, registration_id=appointment.registration_id, to=Status.ALLOCATED,
                                   reason=_("Appointment cancelled by the citizen"))


@transaction.atomic
def appointment_no_show(*, actor, appointment_id: int) -> Registration:
    """The person did not come: back to the district's list for a new appointment."""
    appointment = Appointment.objects.filter(pk=appointment_id, session__in=session_list(user=actor)).first()
    if appointment is None or appointment.status != Appointment.Status.BOOKED:
        raise Http404
    appointments_release(registration_ids=[appointment.registration_id], to=Appointment.Status.NO_SHOW)
    return registration_transition(actor=actor, registration_id=appointment.registration_id, to=Status.NO_SHOW,
                                   reason=_("Did not come to the appointment"))


# The end of the day: a session closes.

@transaction.atomic
def session_close(*, actor, session_id: int, wasted: int = 0, wasted_reason: str = "") -> dict:
    """End of session: bookings nobody came for become no-shows (back to the district), opened-vial wastage."""
    from .stock import stock_adjust

    site = own_site(actor)
    session = Session.objects.select_for_update().filter(pk=session_id, site=site).first()
    if session is None:
        raise Http404
    if session.status != Session.Status.PLANNED:
        raise ValidationError(_("This session is already closed."))
    transition_check(session, Session.Status.CLOSED)
    missing = list(Appointment.objects.filter(session=session, status=Appointment.Status.BOOKED)
                   .values_list("registration_id", flat=True))
    appointments_release(registration_ids=missing, to=Appointment.Status.NO_SHOW)
    registrations_transition(actor=actor, rows=Registration.objects.filter(pk__in=missing), to=Status.NO_SHOW,
                             reason=_("Did not come to the appointment"))
    if wasted:
        stock_adjust(actor=actor, facility_id=site.pk, lot_id=session.lot_id, quantity=wasted, kind="wasted",
                     reason=wasted_reason or _("Opened vials at the end of the session"))
    session.status = Session.Status.CLOSED
    session.save(update_fields=["status"])
    totals = session_totals(session)
    audit_record(actor=actor, action="session.close", target=session, changes=totals)
    return totals


def session_totals(session: Session) -> dict:
    return {
        "booked": session.booked,
        "vaccinated": Dose.objects.filter(visit__session=session, voided=False).count(),
        "no_show": Appointment.objects.filter(session=session, status=Appointment.Status.NO_SHOW).count(),
        "deferred": Visit.objects.filter(session=session, step__in=[Visit.Step.DEFERRED, Visit.Step.REFERRED]).count(),
        "wasted": -sum(StockMovement.objects.filter(
            facility=session.site, lot=session.lot, kind=StockMovement.Kind.WASTED,
            at__date=session.date).values_list("quantity", flat=True)),
    }
