"""Reads for medical appointments and consultations: citizens see only their own people's, staff only their
facility's or area's. Vaccination is read through its own selectors, never its tables directly."""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import Person
from citizens.selectors import people_for
from registry.models import Facility, StaffAssignment
from registry.selectors import jurisdiction_of, scope
from vaccination.selectors import appointments_upcoming, help_request_list, help_requests_for

from .models import Booking, Consultation, Slot


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of `day` and of the next, in Viet Nam's time (a day typed at the calendar's ends is held inside
    it, so its next day still exists)."""
    day = min(max(day, datetime.date(1900, 1, 1)), datetime.date(9999, 12, 30))
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def clinic_facilities() -> QuerySet[Facility]:
    """Facilities that may publish consultation slots: the active sites (commune stations, hospitals, clinics)."""
    return Facility.objects.filter(kind=Facility.Kind.SITE, is_active=True)


def slots_bookable() -> QuerySet[Slot]:
    """Slots a citizen may book or move to: to come, within the booking horizon, at an active facility."""
    now = timezone.now()
    return Slot.objects.filter(
        starts_at__gt=now, starts_at__lt=now + datetime.timedelta(days=settings.CLINIC_BOOKING_DAYS_AHEAD),
        facility__in=clinic_facilities()).select_related("facility__unit__parent")


def slot_search(*, service: str, district_id: int | None = None, facility_id: int | None = None,
                day: datetime.date | None = None) -> QuerySet[Slot]:
    """Slots open to booking with a free place: of a service, in a district or at a facility, from now (or on one
    day), soonest first."""
    qs = slots_bookable().filter(service=service, booked__lt=F("capacity"))
    if facility_id:
        qs = qs.filter(facility_id=facility_id)
    if district_id:
        qs = qs.filter(facility__unit__parent_id=district_id)
    if day:
        start, end = day_bounds(day)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    return qs.order_by("starts_at", "facility__name", "pk")


def bookings_for(user) -> QuerySet[Booking]:
    """Every booking of the account holder's people, whatever its state."""
    return Booking.objects.filter(person__in=people_for(user)).select_related(
        "person", "slot__facility")


def booking_for_citizen(*, user, booking_id: int, open_only: bool = True) -> Booking | None:
    """One of the citizen's people's bookings (still booked and to come, unless `open_only` is off); None when it
    is not theirs, so "not yours" reads as "not found"."""
    qs = bookings_for(user).filter(pk=booking_id)
    if open_only:
        qs = qs.filter(status=Booking.Status.BOOKED, starts_at__gt=timezone.now())
    return qs.first()


def move_choices(booking: Booking) -> QuerySet[Slot]:
    """Where a booking may move: other open slots of the same service at the same facility."""
    return slot_search(service=booking.slot.service, facility_id=booking.slot.facility_id).exclude(
        pk=booking.slot_id)


def bookings_list(*, user) -> QuerySet[Booking]:
    """Bookings at the facilities a staff member may see (site staff: their own facility only)."""
    qs = Booking.objects.select_related("person", "slot__facility")
    return scope(qs, user=user, unit="slot__facility__unit", facility="slot__facility")


def facility_day(*, user, day: datetime.date | None = None) -> QuerySet[Booking]:
    """A facility's bookings of one day, in time order, for its staff to mark."""
    start, end = day_bounds(day or timezone.localdate())
    return bookings_list(user=user).filter(starts_at__gte=start, starts_at__lt=end).exclude(
        status=Booking.Status.CANCELLED).order_by("starts_at", "person__full_name", "pk")


def staff_clinic(user) -> Facility | None:
    """The facility a staff member publishes slots for: their own site; None for anyone else."""
    j = jurisdiction_of(user)
    if not j.is_site or not user.has_perm("clinics.add_slot"):
        return None
    return clinic_facilities().filter(pk=j.facility_id).first()


def people_for_consultation(*, user) -> QuerySet[Person]:
    """Whom a staff member may record a consultation for: people booked at a facility they see, people whose help
    request they may answer (the hotline), and, for district and province officers, people living in their area."""
    j = jurisdiction_of(user)
    if not j.is_staff or not user.has_perm("clinics.add_consultation"):
        return Person.objects.none()
    booked = bookings_list(user=user).filter(person=OuterRef("pk"))
    asked = help_request_list(user=user).filter(person=OuterRef("pk"))
    condition = Q(Exists(booked)) | Q(Exists(asked))
    if j.is_district or j.is_province:
        condition |= Q(pk__in=scope(Person.objects.all(), user=user, unit="ward").values("pk"))
    return Person.objects.filter(condition)


def consultation_list(*, user) -> QuerySet[Consultation]:
    """Consultations recorded at facilities the staff member sees, or by staff of their area (the hotline)."""
    j = jurisdiction_of(user)
    if not j.is_staff:
        return Consultation.objects.none()
    qs = Consultation.objects.select_related("person", "facility", "recorded_by")
    if j.is_national:
        return qs
    staff = scope(StaffAssignment.objects.all(), user=user, unit="unit", facility="facility").values("user_id")
    return qs.filter(Q(recorded_by__in=staff) | Q(facility__in=scope(Facility.objects.all(), user=user, unit="unit",
                                                                      facility="pk")))


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the consultation history ("lịch sử tư vấn"): a help request with its answer, a consultation,
    or a medical appointment attended."""
    kind: str  # "help_request", "consultation" or "visit"
    id: int
    at: datetime.datetime
    person_id: int
    person_name: str
    title: str
    text: str
    answer: str
    answered_at: datetime.datetime | None
    where: str
    follow_up_on: datetime.date | None
    status: str


def consultation_history(*, user, person_id: int | None = None, limit: int = 200) -> list[HistoryEntry]:
    """The citizen's one history of help requests (and answers), consultations and attended appointments, for
    themselves and their family, newest first; at most `limit` lines of each kind are read."""
    people = people_for(user)
    asked = help_requests_for(user=user)
    if person_id is not None:
        people, asked = people.filter(pk=person_id), asked.filter(person_id=person_id)
    person_ids = list(people.values_list("pk", flat=True))
    entries: list[HistoryEntry] = []
    for h in asked[:limit]:
        entries.append(HistoryEntry(
            kind="help_request", id=h.pk, at=h.created_at, person_id=h.person_id, person_name=h.person.full_name,
            title=_("Help request: %(kind)s") % {"kind": h.get_kind_display()}, text=h.message, answer=h.answer,
            answered_at=h.answered_at, where=h.facility.name, follow_up_on=None, status=h.get_status_display()))
    for c in Consultation.objects.filter(person_id__in=person_ids).select_related("person", "facility")[:limit]:
        entries.append(HistoryEntry(
            kind="consultation", id=c.pk, at=c.created_at, person_id=c.person_id, person_name=c.person.full_name,
            title=_("Consultation: %(reason)s") % {"reason": c.reason}, text=c.reason, answer=c.advice,
            answered_at=c.created_at, where=c.facility.name if c.facility_id else c.get_channel_display(),
            follow_up_on=c.follow_up_on, status=c.get_channel_display()))
    visits = Booking.objects.filter(person_id__in=person_ids, status=Booking.Status.ATTENDED).select_related(
        "person", "slot__facility").order_by("-starts_at", "-pk")
    for b in visits[:limit]:
        entries.append(HistoryEntry(
            kind="visit", id=b.pk, at=b.starts_at, person_id=b.person_id, person_name=b.person.full_name,
            title=_("Medical appointment: %(service)s") % {"service": b.slot.get_service_display()}, text="",
            answer="", answered_at=None, where=b.slot.facility.name, follow_up_on=None,
            status=b.get_status_display()))
    entries.sort(key=lambda e: (e.at, e.id), reverse=True)
    return entries


@dataclass(frozen=True)
class Upcoming:
    """One line of the citizen's appointments ("lịch hẹn"): a vaccination or a medical appointment."""
    kind: str  # "vaccination" or "medical"
    id: int
    person_id: int
    person_name: str
    what: str
    starts_at: datetime.datetime
    place: str
    address: str
    status: str
    cancel_url: str


def appointments_for(*, user) -> list[Upcoming]:
    """Everything still booked for the account holder and their family, soonest first: vaccination appointments
    (vaccination's selector) and medical appointments, each with the page that cancels it."""
    rows: list[Upcoming] = []
    for a in appointments_upcoming(user=user):
        site = a.session.site
        rows.append(Upcoming(
            kind="vaccination", id=a.pk, person_id=a.registration.person_id,
            person_name=a.registration.person.full_name,
            what=_("Vaccination, dose %(number)s") % {"number": a.dose_number},
            starts_at=timezone.make_aware(datetime.datetime.combine(a.session.date, a.slot_start)),
            place=site.name, address=site.address, status=a.status,
            cancel_url=reverse("vaccination:appointment_cancel", args=[a.pk])))
    for b in bookings_for(user).filter(status=Booking.Status.BOOKED, starts_at__gt=timezone.now()):
        facility = b.slot.facility
        rows.append(Upcoming(
            kind="medical", id=b.pk, person_id=b.person_id, person_name=b.person.full_name,
            what=_("Medical appointment: %(service)s") % {"service": b.slot.get_service_display()},
            starts_at=b.starts_at, place=facility.name, address=facility.address, status=b.status,
            cancel_url=reverse("clinics:booking_cancel", args=[b.pk])))
    rows.sort(key=lambda r: (r.starts_at, r.kind, r.id))
    return rows



def slot_open(slot_id: int) -> Slot | None:
    """One slot still open for booking, with a place free."""
    return slots_bookable().filter(pk=slot_id, booked__lt=F("capacity")).first()
