"""Demo medical appointments for `make run`, on top of the citizens' demo (`seed_demo`): the Phúc Xá commune
station's general medicine and paediatrics slots for the next days, a paediatric appointment Nguyễn Thị Lan booked
for her son, and a hotline consultation in Trần Văn Minh's history. Everything goes through the services; running it
again writes nothing new (a day already published is left alone, a booking still to come is kept)."""
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from citizens.models import Person, User
from registry.models import Facility

from .models import Booking, Consultation, Service, Slot
from .selectors import day_bounds, slot_search
from .services import booking_create, consultation_record, slots_publish

FACILITY_CODE = "site-1"  # Trạm Y tế Phường Phúc Xá
FACILITY_STAFF = "tram.phucxa"
SERVICES = [Service.GENERAL, Service.PAEDIATRICS]
DAYS = 3  # tomorrow and the two days after
# A commune station's morning and afternoon hours, in 30-minute slots of 3 people.
HOURS = [(datetime.time(7, 30), datetime.time(11, 0)), (datetime.time(13, 30), datetime.time(16, 30))]
SLOT_MINUTES, SLOT_CAPACITY = 30, 3
PARENT_PHONE, CHILD_NAME = "+84912000001", "Nguyễn Minh Khôi"
HOTLINE_STAFF, CALLER_PHONE = "ttyt.badinh", "+84912000002"
CONSULTATION_REASON = "Tăng huyết áp, hỏi có tiêm vắc xin được không"
CONSULTATION_ADVICE = ("Huyết áp đang ổn định khi uống thuốc đều thì vẫn tiêm được. Mang theo đơn thuốc, "
                       "báo bác sĩ khám sàng lọc và ở lại theo dõi 30 phút sau tiêm.")


@dataclass(frozen=True)
class ClinicsDemo:
    facility: Facility
    days: list[datetime.date]
    booking: Booking
    consultation: Consultation


def _user(**lookup) -> User:
    user = User.objects.filter(**lookup).first()
    if user is None:
        raise LookupError(f"The demo account {lookup} is missing: run `manage.py seed_demo` first.")
    return user


def _publish(staff: User, facility: Facility, days: list[datetime.date]) -> None:
    for day in days:
        start, end = day_bounds(day)
        for service in SERVICES:
            if Slot.objects.filter(facility=facility, service=service, starts_at__gte=start,
                                   starts_at__lt=end).exists():
                continue
            for first, last in HOURS:
                slots_publish(actor=staff, service=service, day=day, start=first, end=last, minutes=SLOT_MINUTES,
                              capacity=SLOT_CAPACITY)


def _book(facility: Facility, day: datetime.date) -> Booking:
    parent = _user(phone=PARENT_PHONE)
    child = Person.objects.get(managed_by=parent, full_name=CHILD_NAME)
    booked = Booking.objects.filter(person=child, status=Booking.Status.BOOKED,
                                    starts_at__gt=timezone.now()).order_by("starts_at").first()
    if booked is not None:
        return booked
    slot = slot_search(service=Service.PAEDIATRICS, facility_id=facility.pk, day=day).first()
    return booking_create(actor=parent, person_id=child.pk, slot_id=slot.pk)


def _consultation() -> Consultation:
    caller = Person.objects.get(account=_user(phone=CALLER_PHONE))
    return Consultation.objects.filter(person=caller, reason=CONSULTATION_REASON).first() or consultation_record(
        actor=_user(username=HOTLINE_STAFF), person_id=caller.pk, reason=CONSULTATION_REASON,
        advice=CONSULTATION_ADVICE)


@transaction.atomic
def seed_clinics_demo() -> ClinicsDemo:
    facility = Facility.objects.filter(code=FACILITY_CODE).first()
    if facility is None:
        raise LookupError(f"The demo facility {FACILITY_CODE} is missing: run `manage.py seed_demo` first.")
    today = timezone.localdate()
    days = [today + datetime.timedelta(days=n) for n in range(1, DAYS + 1)]
    _publish(_user(username=FACILITY_STAFF), facility, days)
    return ClinicsDemo(facility=facility, days=days, booking=_book(facility, days[0]),
                       consultation=_consultation())
