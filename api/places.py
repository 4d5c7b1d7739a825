"""Places visited for the phone app: venues (register, mine, poster PNG), visits recorded by a venue's code, and the
exposures the account's people were told of — the services and selectors of the "Places visited" pages."""
import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from places.forms import VenueForm
from places.models import Venue
from places.qr import checkin_url, qr_png
from places.selectors import exposure_contacts_for, venues_of, visits_for
from places.services import venue_register, visit_record

from .core import paginate
from .idempotency import idempotent
from .people import PageIn

router = Router(tags=["places"])
# An id the database can hold: a larger one is a 422 naming the field, not an overflow in the query.
RecordId = Annotated[int, Field(ge=1, le=2 ** 63 - 1)]


class VenueIn(Schema):
    kind: Venue.Kind
    name: str = Field(..., max_length=200)
    province_id: RecordId
    district_id: RecordId
    ward_id: RecordId
    street: str = Field(..., max_length=200)


class VenueOut(Schema):
    id: int
    kind: str
    name: str
    address: str
    ward_id: int
    code: str
    checkin_url: str
    created_at: datetime.datetime


class VisitIn(Schema):
    code: str = Field(..., max_length=40)
    person_ids: list[RecordId] = Field(..., min_length=1, max_length=50)


class VisitOut(Schema):
    id: int
    person_id: int
    person_name: str
    venue_name: str
    venue_address: str
    visited_at: datetime.datetime


class VisitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[VisitOut]


class ExposureOut(Schema):
    exposure_id: int
    person_id: int
    person_name: str
    venue_name: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    reason: str
    advice: str
    declared_at: datetime.datetime


class ExposurePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ExposureOut]


def _venue(request, venue: Venue) -> VenueOut:
    return VenueOut(id=venue.pk, kind=venue.kind, name=venue.name, address=venue.address, ward_id=venue.ward_id,
                    code=venue.code, checkin_url=checkin_url(request, venue), created_at=venue.created_at)


def _visit(visit) -> VisitOut:
    return VisitOut(id=visit.pk, person_id=visit.person_id, person_name=visit.person.full_name,
                    venue_name=visit.venue.name, venue_address=visit.venue.address, visited_at=visit.visited_at)


@router.get("/venues", response=list[VenueOut], summary="The places the account holder registered")
def venue_list(request):
    return [_venue(request, venue) for venue in venues_of(request.user)]


@router.post("/venues", response={201: VenueOut}, summary="Register a place one runs; it gets a code for its poster")
@idempotent
def venue_new(request, payload: VenueIn):
    form = VenueForm({"kind": payload.kind.value, "name": payload.name, "province": payload.province_id,
                      "district": payload.district_id, "ward": payload.ward_id, "street": payload.street})
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    data = form.cleaned_data
    venue = venue_register(actor=request.user, kind=data["kind"], name=data["name"], ward=data["ward"],
                           street=data["street"])
    return Status(201, _venue(request, venue))


@router.get("/venues/{venue_id}/poster.png", response={200: None}, summary="The poster's QR code as a PNG",
            openapi_extra={"responses": {200: {"description": "OK", "content": {
                "image/png": {"schema": {"type": "string", "format": "binary"}}}}}})
def venue_poster_png(request, venue_id: int):
    venue = get_object_or_404(venues_of(request.user), pk=venue_id)
    return HttpResponse(qr_png(checkin_url(request, venue)), content_type="image/png")


@router.get("/visits", response=VisitPage, summary="Places visited by the account holder and family, newest first")
def visit_list(request, page: Query[PageIn]):
    result = paginate(visits_for(request.user), limit=page.limit, offset=page.offset)
    result["items"] = [_visit(v) for v in result["items"]]
    return result


@router.post("/visits", response={201: list[VisitOut]},
             summary="Check in at a venue by its code, for oneself and the family members along")
@idempotent
def visit_new(request, payload: VisitIn):
    visits = visit_record(actor=request.user, code=payload.code, person_ids=payload.person_ids)
    by_pk = {v.pk: v for v in visits_for(request.user).filter(pk__in=[v.pk for v in visits])}
    # Plain JSON (not schema objects), so that an Idempotency-Key can keep the answer for a replay.
    return Status(201, [_visit(by_pk.get(v.pk, v)).model_dump(mode="json") for v in visits])


@router.get("/exposures", response=ExposurePage, summary="Exposures the account's people were told of, newest first")
def exposure_list(request, page: Query[PageIn]):
    result = paginate(exposure_contacts_for(request.user), limit=page.limit, offset=page.offset)
    result["items"] = [ExposureOut(
        exposure_id=c.exposure_id, person_id=c.person_id, person_name=c.person.full_name,
        venue_name=c.exposure.venue.name, starts_at=c.exposure.starts_at, ends_at=c.exposure.ends_at,
        reason=c.exposure.reason, advice=c.exposure.advice, declared_at=c.exposure.declared_at)
        for c in result["items"]]
    return result
