"""Medical appointments, consultation history and the one list of appointments for the phone app, through the
selectors and services of the clinics pages."""
import datetime

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from clinics.models import Booking, Service
from clinics.selectors import (
    appointments_for, booking_for_citizen, bookings_for, consultation_history, slot_search,
)
from clinics.services import booking_cancel, booking_create, booking_move

from .core import paginate
from .idempotency import idempotent
from .people import PageIn

router = Router(tags=["clinics"])


class SlotSearchIn(PageIn):
    service: Service
    district_id: int | None = Field(None, ge=1, le=2_000_000_000)
    facility_id: int | None = Field(None, ge=1, le=2_000_000_000)
    day: datetime.date | None = None


class SlotOut(Schema):
    id: int
    service: str
    service_label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    facility_id: int
    facility: str
    address: str
    free: int


class SlotPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SlotOut]


class BookingIn(Schema):
    person_id: int = Field(..., ge=1, le=2_000_000_000)
    slot_id: int = Field(..., ge=1, le=2_000_000_000)


class MoveIn(Schema):
    slot_id: int = Field(..., ge=1, le=2_000_000_000)


class BookingOut(Schema):
    id: int
    person_id: int
    person_name: str
    status: str
    status_label: str
    slot: SlotOut


class BookingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[BookingOut]


class HistoryOut(Schema):
    kind: str
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


class AppointmentItem(Schema):
    kind: str
    id: int
    person_id: int
    person_name: str
    what: str
    starts_at: datetime.datetime
    place: str
    address: str
    status: str
    cancel_url: str
    cancel_api: str


def _slot(s) -> SlotOut:
    return SlotOut(id=s.pk, service=s.service, service_label=s.get_service_display(), starts_at=s.starts_at,
                   ends_at=s.ends_at, facility_id=s.facility_id, facility=s.facility.name,
                   address=s.facility.address or "", free=s.free)


def _booking(b: Booking) -> BookingOut:
    return BookingOut(id=b.pk, person_id=b.person_id, person_name=b.person.full_name, status=b.status,
                      status_label=b.get_status_display(), slot=_slot(b.slot))


@router.get("/clinics/slots", response=SlotPage, summary="Open consultation slots of a service, soonest first")
def slots(request, query: Query[SlotSearchIn]):
    found = slot_search(service=query.service, district_id=query.district_id, facility_id=query.facility_id,
                        day=query.day)
    page = paginate(found, limit=query.limit, offset=query.offset)
    return {**page, "items": [_slot(s) for s in page["items"]]}


@router.get("/clinics/bookings", response=BookingPage, summary="Medical appointments of the family, newest first")
def bookings(request, page: Query[PageIn]):
    found = paginate(bookings_for(request.user).order_by("-starts_at", "-pk"), limit=page.limit, offset=page.offset)
    return {**found, "items": [_booking(b) for b in found["items"]]}


@router.post("/clinics/bookings", response={201: BookingOut},
             summary="Book a slot for oneself or a family member")
@idempotent
def booking_new(request, payload: BookingIn):
    booking = booking_create(actor=request.user, person_id=payload.person_id, slot_id=payload.slot_id)
    return Status(201, _booking(booking))


@router.post("/clinics/bookings/{booking_id}/move", response=BookingOut,
             summary="Move a booking to another open slot of the same service at the same facility")
def booking_reschedule(request, booking_id: int, payload: MoveIn):
    if booking_for_citizen(user=request.user, booking_id=booking_id) is None:
        raise Http404
    return _booking(booking_move(actor=request.user, booking_id=booking_id, slot_id=payload.slot_id))


@router.post("/clinics/bookings/{booking_id}/cancel", response=BookingOut, summary="Cancel a booking still to come")
def booking_withdraw(request, booking_id: int):
    if booking_for_citizen(user=request.user, booking_id=booking_id) is None:
        raise Http404
    return _booking(booking_cancel(actor=request.user, booking_id=booking_id))


class HistoryPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[HistoryOut]


@router.get("/consultations", response=HistoryPage,
            summary="Consultation history: help requests and answers, consultations and visits, newest first")
def consultations(request, page: Query[PageIn]):
    entries = consultation_history(user=request.user)  # the newest lines of each kind, already bounded
    limit = max(1, min(page.limit, settings.API_PAGE_MAX))
    return {"count": len(entries), "limit": limit, "offset": page.offset,
            "items": [HistoryOut(**entry.__dict__) for entry in entries[page.offset:page.offset + limit]]}


@router.get("/appointments", response=list[AppointmentItem],
            summary="Everything booked for the account holder and their family (vaccination and medical), soonest "
                    "first, each with how to cancel it")
def appointments(request):
    rows = []
    for row in appointments_for(user=request.user):
        name = "api:appointment_withdraw" if row.kind == "vaccination" else "api:booking_withdraw"
        key = "appointment_id" if row.kind == "vaccination" else "booking_id"
        rows.append(AppointmentItem(**row.__dict__, cancel_api=reverse(name, kwargs={key: row.id})))
    return rows
