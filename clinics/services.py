"""Writes for medical appointments and consultations. Each checks who acts and on what (the selectors' scoping),
locks what it changes, moves a booking's status only along Booking.TRANSITIONS and writes an audit row."""
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citizens.selectors import people_for
from citizens.services.messaging import Notice, notify, notify_many
from registry.audit import audit_record
from registry.selectors import facility_of, jurisdiction_of
from registry.text import ascii_fold
from vaccination.selectors import help_request_list

from .models import Booking, Consultation, Service, Slot
from .selectors import (
    bookings_for, bookings_list, day_bounds, people_for_consultation, slots_bookable, staff_clinic,
)

Status = Booking.Status
MIN_SLOT_MINUTES, MAX_SLOT_MINUTES, MAX_CAPACITY = 5, 240, 100


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


@transaction.atomic
def slots_publish(*, actor, service: str, day: datetime.date, start: datetime.time, end: datetime.time,
                  minutes: int, capacity: int) -> int:
    """Site staff publish a day's consultation slots of one service at their facility, in one INSERT; returns how
    many. Times already published for the service are refused by name, and nothing is written."""
    facility = staff_clinic(actor)
    if facility is None:
        raise PermissionDenied(_("Only the staff of a health facility can publish its consultation slots."))
    today = timezone.localdate()
    if service not in Service.values:
        raise ValidationError({"service": _("Choose a service from the list.")})
    if day < today:
        raise ValidationError({"day": _("Slots cannot be published for a day in the past.")})
    if day > today + datetime.timedelta(days=settings.CLINIC_BOOKING_DAYS_AHEAD):
        raise ValidationError({"day": _("Slots can be published at most %(days)s days ahead.") % {
            "days": settings.CLINIC_BOOKING_DAYS_AHEAD}})
    if not MIN_SLOT_MINUTES <= minutes <= MAX_SLOT_MINUTES:
        raise ValidationError({"minutes": _("A slot lasts from %(min)s to %(max)s minutes.") % {
            "min": MIN_SLOT_MINUTES, "max": MAX_SLOT_MINUTES}})
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError({"capacity": _("A slot takes from 1 to %(max)s people.") % {"max": MAX_CAPACITY}})
    if end <= start:
        raise ValidationError({"end": _("The last slot must end after the first one starts.")})
    first = timezone.make_aware(datetime.datetime.combine(day, start))
    last = timezone.make_aware(datetime.datetime.combine(day, end))
    length = datetime.timedelta(minutes=minutes)
    starts, at, now = [], first, timezone.now()
    while at + length <= last:
        if at > now:
            starts.append(at)
        at += length
    if not starts:
        raise ValidationError({"end": _("No slot fits between these times (or they have all passed).")})
    if len(starts) > settings.CLINIC_SLOTS_PER_PUBLISH:
        raise ValidationError({"minutes": _("That makes %(count)s slots; publish at most %(max)s at once.") % {
            "count": len(starts), "max": settings.CLINIC_SLOTS_PER_PUBLISH}})
    taken = Slot.objects.filter(facility=facility, service=service, starts_at__in=starts).values_list(
        "starts_at", flat=True)
    if taken:
        raise ValidationError({"start": _("Slots of this service are already published at %(times)s.") % {
            "times": ", ".join(timezone.localtime(t).strftime("%H:%M") for t in sorted(taken))}})
    try:
        with transaction.atomic():
            Slot.objects.bulk_create([
                Slot(facility=facility, service=service, starts_at=s, ends_at=s + length, capacity=capacity,
                     created_by=actor) for s in starts])
    except IntegrityError:  # published by a colleague at the same moment
        raise ValidationError({"start": _("Some of these slots were published meanwhile. Reload and try again.")})
    audit_record(actor=actor, action="clinic.slots_publish", target=facility, changes={
        "service": service, "day": day.isoformat(), "slots": len(starts), "capacity": capacity})
    return len(starts)


def _transition(booking: Booking, to: str) -> None:
    if to not in Booking.TRANSITIONS[booking.status]:
        raise ValidationError(_("A medical appointment that is “%(status)s” cannot become “%(to)s”.") % {
            "status": booking.get_status_display(), "to": Status(to).label})
    booking.status = to
    booking.status_changed_at = timezone.now()


def _take_place(slot_id: int) -> bool:
    """One place of the slot, if one is free: a conditional UPDATE, so parallel bookings queue on the slot's row and
    each sees the count the one before left."""
    return Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1) == 1


def _give_back(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _bookable(slot_id: int) -> Slot | None:
    return slots_bookable().filter(pk=slot_id).first()


def _save_booking(booking: Booking, person) -> None:
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise ValidationError({"person": _("%(name)s already has a medical appointment at %(time)s.") % {
            "name": person.full_name, "time": _local(booking.starts_at)}})


@transaction.atomic
def booking_create(*, actor, person_id: int, slot_id: int) -> Booking:
    """A citizen books a slot for themselves or one of the family in their care."""
    person = people_for(actor).filter(pk=person_id).first()
    if person is None:
        raise Http404
    # The account's row is the lock that makes the daily limit hold when one account books from two phones at once.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    start, _end = day_bounds(timezone.localdate())
    made = Booking.objects.filter(booked_by=actor, created_at__gte=start).count()
    if made >= settings.CLINIC_BOOKINGS_PER_ACCOUNT_PER_DAY:
        raise ValidationError(_("You have made %(count)s bookings today, the most allowed in one day. "
                                "Try again tomorrow.") % {"count": made}, code="rate_limited")
    slot = _bookable(slot_id)
    if slot is None:
        raise ValidationError({"slot": _("This slot is no longer open for booking. Choose another time.")})
    if Booking.objects.filter(person=person, starts_at=slot.starts_at, status=Status.BOOKED).exists():
        raise ValidationError({"person": _("%(name)s already has a medical appointment at %(time)s.") % {
            "name": person.full_name, "time": _local(slot.starts_at)}})
    if not _take_place(slot.pk):
        raise ValidationError({"slot": _("This slot is full. Choose another time.")})
    booking = Booking(slot=slot, person=person, starts_at=slot.starts_at, booked_by=actor)
    _save_booking(booking, person)
    audit_record(actor=actor, action="clinic.booking_create", target=booking, changes={"slot": slot.pk})
    with translation.override(settings.LANGUAGE_CODE):
        values = {"name": person.full_name, "service": slot.get_service_display(), "time": _local(slot.starts_at),
                  "place": slot.facility.name}
        notify(person=person, title=_("Medical appointment booked"),
               body=_("%(name)s: %(service)s at %(time)s, %(place)s.") % values)
    return booking


def _citizen_booking(actor, booking_id: int) -> Booking:
    booking = bookings_for(actor).select_for_update(of=("self",)).filter(
        pk=booking_id, status=Status.BOOKED, starts_at__gt=timezone.now()).first()
    if booking is None:
        raise Http404
    return booking


@transaction.atomic
def booking_move(*, actor, booking_id: int, slot_id: int) -> Booking:
    """The citizen moves a booking to another open slot of the same service at the same facility."""
    booking = _citizen_booking(actor, booking_id)
    old = booking.slot
    new = _bookable(slot_id)
    if new is None or new.pk == old.pk or new.facility_id != old.facility_id or new.service != old.service:
        raise ValidationError({"slot": _("Choose another open time of the same service at the same facility.")})
    # Both slots locked in id order, so two people swapping times cannot deadlock.
    list(Slot.objects.select_for_update().filter(pk__in=[old.pk, new.pk]).order_by("pk").values_list("pk"))
    if not _take_place(new.pk):
        raise ValidationError({"slot": _("This slot is full. Choose another time.")})
    _give_back(old.pk)
    _transition(booking, Status.BOOKED)
    if timezone.localtime(new.starts_at).date() != timezone.localtime(old.starts_at).date():
        booking.reminded_at = None  # the new day gets its own reminder
    booking.slot, booking.starts_at = new, new.starts_at
    _save_booking(booking, booking.person)
    audit_record(actor=actor, action="clinic.booking_move", target=booking, changes={
        "from": old.starts_at.isoformat(), "to": new.starts_at.isoformat()})
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking_id: int) -> Booking:
    """The citizen cancels a booking still to come; its place goes back to the slot."""
    booking = _citizen_booking(actor, booking_id)
    _transition(booking, Status.CANCELLED)
    booking.save(update_fields=["status", "status_changed_at"])
    _give_back(booking.slot_id)
    audit_record(actor=actor, action="clinic.booking_cancel", target=booking)
    return booking


def _staff_booking(actor, booking_id: int) -> Booking:
    if not (jurisdiction_of(actor).is_staff and actor.has_perm("clinics.change_booking")):
        raise PermissionDenied(_("You may not mark medical appointments."))
    booking = bookings_list(user=actor).select_for_update(of=("self",)).filter(pk=booking_id).first()
    if booking is None:
        raise Http404
    if timezone.localtime(booking.starts_at).date() > timezone.localdate():
        raise ValidationError(_("An appointment can be marked from its day on."))
    return booking


@transaction.atomic
def booking_mark_attended(*, actor, booking_id: int) -> Booking:
    """The facility's staff record that the person came."""
    booking = _staff_booking(actor, booking_id)
    _transition(booking, Status.ATTENDED)
    booking.save(update_fields=["status", "status_changed_at"])
    audit_record(actor=actor, action="clinic.booking_attended", target=booking)
    return booking


@transaction.atomic
def booking_mark_no_show(*, actor, booking_id: int) -> Booking:
    """The facility's staff record that the person did not come."""
    booking = _staff_booking(actor, booking_id)
    _transition(booking, Status.NO_SHOW)
    booking.save(update_fields=["status", "status_changed_at"])
    audit_record(actor=actor, action="clinic.booking_no_show", target=booking)
    return booking


@transaction.atomic
def consultation_record(*, actor, person_id: int, reason: str, advice: str,
                        follow_up_on: datetime.date | None = None, booking_id: int | None = None,
                        help_request_id: int | None = None) -> Consultation:
    """Facility staff (after a visit) or the hotline (answering a help request, or someone of their area) record
    the advice given to a person; the person's account is told."""
    j = jurisdiction_of(actor)
    if not (j.is_staff and actor.has_perm("clinics.add_consultation")):
        raise PermissionDenied(_("You may not record consultations."))
    person = people_for_consultation(user=actor).filter(pk=person_id).first()
    if person is None:
        raise Http404
    booking = help_request = None
    if booking_id is not None:
        booking = bookings_list(user=actor).filter(pk=booking_id, person=person).first()
        if booking is None:
            raise Http404
    if help_request_id is not None:
        help_request = help_request_list(user=actor).filter(pk=help_request_id, person=person).first()
        if help_request is None:
            raise Http404
    errors = {}
    reason, advice = (reason or "").strip(), (advice or "").strip()
    if not reason:
        errors["reason"] = [_("Write the reason for the consultation.")]
    if not advice:
        errors["advice"] = [_("Write the advice given.")]
    if follow_up_on is not None and follow_up_on < timezone.localdate():
        errors["follow_up_on"] = [_("The follow-up date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    facility = booking.slot.facility if booking else facility_of(j)
    consultation = Consultation.objects.create(
        person=person, channel=Consultation.Channel.FACILITY if booking or j.is_site else
        Consultation.Channel.HOTLINE, facility=facility, booking=booking, help_request=help_request,
        reason=reason[:300], advice=advice, follow_up_on=follow_up_on, recorded_by=actor)
    audit_record(actor=actor, action="consultation.record", target=consultation, changes={"person": person.pk})
    with translation.override(settings.LANGUAGE_CODE):
        notify(person=person, title=_("New advice for %(name)s") % {"name": person.full_name},
               body=_("%(reason)s: %(advice)s") % {"reason": reason, "advice": advice})
    return consultation


@transaction.atomic
def booking_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """The day before: remind everyone booked for tomorrow who has not been reminded yet, set-wise. A booking is
    claimed (reminded_at set) in the same transaction as its notice and SMS are written, so none goes twice."""
    now = now or timezone.now()
    start, end = day_bounds(timezone.localtime(now).date() + datetime.timedelta(days=1))
    due = list(
        Booking.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=Status.BOOKED, starts_at__gte=start, starts_at__lt=end, reminded_at__isnull=True)
        .order_by("pk").values_list("pk", "person_id", "person__full_name", "starts_at", "slot__service",
                                   "slot__facility__name", "slot__facility__address"))
    if not due:
        return 0
    services = dict(Service.choices)
    with translation.override(settings.LANGUAGE_CODE):
        notices = []
        for _pk, person_id, name, starts_at, service, place, address in due:
            values = {"name": name, "service": services[service], "time": _local(starts_at), "place": place}
            notices.append(Notice(
                person_id=person_id, title=_("Reminder: medical appointment tomorrow"),
                body=_("%(name)s: %(service)s at %(time)s, %(place)s.") % {
                    **values, "place": f"{place}, {address}" if address else place},
                sms_text=ascii_fold(_("Reminder: %(name)s has a medical appointment (%(service)s) at %(time)s, "
                                      "%(place)s.") % values), sms_purpose="reminder"))
    Booking.objects.filter(pk__in=[row[0] for row in due]).update(reminded_at=now)
    notify_many(notices)
    return len(due)
