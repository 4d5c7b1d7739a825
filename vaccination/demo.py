"""Demo vaccine stock and registrations, on top of the citizens' demo (facilities, officers, citizens)."""
import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from citizens.models import Person
from registry.models import Facility, PriorityGroup, Vaccine

from .models import Lot, Registration
from .services.dose_recording import dose_record
from .services.registrations import registration_submit
from .services.stock import lot_receive, stock_transfer

User = get_user_model()
LOT_NUMBER = "DEMO-AZ-2021"


def _send_down(lot: Lot) -> None:
    """National store → both provinces → their demo districts → their demo sites."""
    national = User.objects.get(username="quocgia")
    for province_user, districts in [("soyte.hanoi", [("ttyt.badinh", 1)]), ("soyte.hue", [("ttyt.thuanhoa", 474)])]:
        officer = User.objects.get(username=province_user)
        department = Facility.objects.get(kind=Facility.Kind.PROVINCE_DEPARTMENT,
                                          unit__code=officer.assignment.unit.code, unit__level="province")
        stock_transfer(actor=national, to_facility_id=department.pk, lot_id=lot.pk, quantity=2000)
        for district_user, district_code in districts:
            centre = Facility.objects.get(kind=Facility.Kind.DISTRICT_CENTRE, unit__code=district_code,
                                          unit__level="district")
            stock_transfer(actor=officer, to_facility_id=centre.pk, lot_id=lot.pk, quantity=1000)
            district_officer = User.objects.get(username=district_user)
            for site in Facility.objects.filter(kind=Facility.Kind.SITE, parent=centre):
                stock_transfer(actor=district_officer, to_facility_id=site.pk, lot_id=lot.pk, quantity=400)


@transaction.atomic
def seed_vaccination_demo() -> None:
    if not Lot.objects.filter(lot_number=LOT_NUMBER).exists():
        lot = lot_receive(actor=User.objects.get(username="quocgia"), vaccine=Vaccine.objects.get(code="astrazeneca"),
                          lot_number=LOT_NUMBER, expiry_date=timezone.localdate() + datetime.timedelta(days=180),
                          quantity=10000)
        _send_down(lot)
    _fully_vaccinated(lot=Lot.objects.get(lot_number=LOT_NUMBER))
    holder = User.objects.get(phone="+84912000002")
    person = Person.objects.get(account=holder)
    if not Registration.objects.filter(person=person).exists():
        registration_submit(actor=holder, person_id=person.pk, priority_group=PriorityGroup.objects.get(number=9),
                            ward=person.ward, wished_date=None, consent=True)


def _fully_vaccinated(*, lot: Lot) -> None:
    """Phạm Văn Đức (citizen ID 001090000001): two confirmed doses, so his certificate is signed after commit."""
    person = Person.objects.get(id_number="001090000001")
    staff = User.objects.get(username="tram.phucxa")
    site = Facility.objects.get(code="site-1")
    now = timezone.now()
    for number, days_ago in ((1, 90), (2, 30)):
        dose_record(actor=staff, person_id=person.pk, site_id=site.pk, lot_id=lot.pk,
                    idempotency_key=f"demo-{person.pk}-{number}", given_at=now - datetime.timedelta(days=days_ago),
                    dose_number=number, confirm=True)
