"""The account holder's people (themselves and family), their QR code, health declarations and notifications."""
import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from citizens.models import HealthDeclaration
from citizens.selectors import declarations_for, notifications_for, people_for
from citizens.services.messaging import notifications_mark_read
from citizens.services.people import declaration_submit

from .core import paginate
from .idempotency import idempotent

router = Router(tags=["people"])


class PageIn(Schema):
    # Bounded in the schema (a 422 naming the field), so a huge offset never reaches the database as an overflow;
    # limit is then capped again at API_PAGE_MAX.
    limit: int = Field(20, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


class PersonOut(Schema):
    id: int
    full_name: str
    date_of_birth: datetime.date | None
    sex: str
    phone: str
    id_number_masked: str
    insurance_number: str
    street: str
    ward: str | None
    is_account_holder: bool

    @staticmethod
    def resolve_ward(obj):
        return str(obj.ward) if obj.ward_id else None

    @staticmethod
    def resolve_is_account_holder(obj, context):
        return obj.account_id == context["request"].user.pk


class ProfileOut(Schema):
    phone: str
    full_name: str
    person: PersonOut | None


class QrOut(Schema):
    person_id: int
    qr_text: str


class DeclarationIn(Schema):
    person_id: int
    symptoms: list[HealthDeclaration.Symptom] = []
    contact_confirmed: bool
    contact_suspected: bool
    places_visited: str = Field("", max_length=2000)


class DeclarationOut(Schema):
    id: int
    person_id: int
    symptoms: list[str]
    contact_confirmed: bool
    contact_suspected: bool
    places_visited: str
    qr_text: str
    created_at: datetime.datetime


class DeclarationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[DeclarationOut]


class NotificationOut(Schema):
    id: int
    person_id: int
    title: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[NotificationOut]


@router.get("/me", response=ProfileOut, summary="The signed-in account and its own person")
def me(request):
    own = people_for(request.user).filter(account=request.user).first()
    return {"phone": request.user.phone, "full_name": request.user.full_name, "person": own}


@router.get("/people", response=list[PersonOut], summary="The account holder and the family in their care")
def people(request):
    return list(people_for(request.user))


@router.get("/people/{person_id}", response=PersonOut, summary="One of the account's people")
def person(request, person_id: int):
    return get_object_or_404(people_for(request.user), pk=person_id)


@router.get("/people/{person_id}/qr", response=QrOut, summary="The personal health QR code's text")
def person_qr(request, person_id: int):
    found = get_object_or_404(people_for(request.user), pk=person_id)
    return QrOut(person_id=found.pk, qr_text=found.qr_text)


@router.get("/declarations", response=DeclarationPage, summary="Health declarations, newest first")
def declarations(request, page: Query[PageIn]):
    return paginate(declarations_for(request.user), limit=page.limit, offset=page.offset)


@router.get("/declarations/{declaration_id}", response=DeclarationOut, summary="One health declaration")
def declaration(request, declaration_id: int):
    return get_object_or_404(declarations_for(request.user), pk=declaration_id)


@router.post("/declarations", response={201: DeclarationOut}, summary="Declare for oneself or a family member")
@idempotent
def declaration_new(request, payload: DeclarationIn):
    get_object_or_404(people_for(request.user), pk=payload.person_id)
    made = declaration_submit(actor=request.user, person_id=payload.person_id,
                              symptoms=[s.value for s in payload.symptoms],
                              contact_confirmed=payload.contact_confirmed,
                              contact_suspected=payload.contact_suspected, places_visited=payload.places_visited)
    return Status(201, DeclarationOut.from_orm(made))


@router.get("/notifications", response=NotificationPage, summary="Notifications, newest first; marks them read")
def notifications(request, page: Query[PageIn]):
    result = paginate(notifications_for(request.user), limit=page.limit, offset=page.offset)
    notifications_mark_read(user=request.user, ids=[n.pk for n in result["items"] if n.read_at is None])
    return result
