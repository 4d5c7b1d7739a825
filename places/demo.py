"""Demo places visited for `make run`, on top of the citizens' demo (`seed_demo`): a shop in Trúc Bạch run by Trần
Văn Minh, with its QR poster, and the visits two demo families recorded there. Everything goes through the
services; running it again writes nothing new (a visit deleted after its retention is recorded again)."""
from django.db import transaction

from citizens.models import User
from citizens.selectors import people_for
from registry.models import AdministrativeUnit

from .models import Venue, Visit
from .services import venue_register, visit_record

OWNER_PHONE = "+84912000002"  # Trần Văn Minh
VENUE_NAME = "Tạp hóa Trúc Bạch"
VENUE_STREET = "5 phố Trúc Bạch"
VENUE_WARD = 4  # Phường Trúc Bạch, Quận Ba Đình
# The accounts that check in there, each with everyone in their care: Nguyễn Thị Lan with her son, Phạm Văn Đức.
VISITOR_PHONES = ["+84912000001", "+84912000004"]


def _account(phone: str) -> User:
    user = User.objects.filter(phone=phone).first()
    if user is None:
        raise LookupError(f"The demo citizen {phone} is missing: run `manage.py seed_demo` first.")
    return user


@transaction.atomic
def seed_places_demo() -> Venue:
    """The demo venue, registered by its owner if it is not yet, and a visit by each demo family that has none."""
    owner = _account(OWNER_PHONE)
    venue = Venue.objects.filter(owner=owner, name=VENUE_NAME).first() or venue_register(
        actor=owner, kind=Venue.Kind.SHOP, name=VENUE_NAME, street=VENUE_STREET,
        ward=AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.WARD, code=VENUE_WARD))
    for phone in VISITOR_PHONES:
        visitor = _account(phone)
        if not Visit.objects.filter(venue=venue, recorded_by=visitor).exists():
            visit_record(actor=visitor, code=venue.code,
                         person_ids=list(people_for(visitor).order_by("pk").values_list("pk", flat=True)))
    return venue
