"""Someone else's records, one of every kind a URL names, for tests/test_url_ownership.py.

`foreign_world` builds them in one place (Huế, another province; or Hoàn Kiếm, another district of Hà Nội)
through the same services the pages use, owned by that place's own citizen, representative and staff.
"""
import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from citizens.models import HealthDeclaration
from places.services import venue_register
from citizens.services.people import declaration_submit, family_member_add
from registry.models import OrganisationMember, PriorityGroup, StaffAssignment, Vaccine
from registry.services import organisation_confirm
from tests import factories as f
from tests.clinics.world import clinic_records
from tests.conftest import PHUC_TAN, VY_DA
from tests.vaccination.conftest import department, register
from vaccination.imports import doses as dose_rows
from vaccination.imports import staff as staff_rows
from vaccination.imports.services import import_upload
from vaccination.imports.sheets import csv_bytes
from vaccination.models import Appointment, ImportBatch
from vaccination.services.dose_recording import dose_record, doses_confirm
from vaccination.services.visit_steps import visit_check_in, visit_inject, visit_screen
from vaccination.services.reactions import help_request_submit, reaction_report
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import session_create, session_schedule_auto
from vaccination.services.stock import stock_transfer

Role = StaffAssignment.Role
TODAY = timezone.localdate()

PLACES = {
    # another province: foreign to every Hà Nội role but the national level
    "hue": {"province": 46, "district": 474, "ward": VY_DA, "site": "site_vy_da", "centre": "centre_thuan_hoa",
            "citizen": "hue", "organisation": "org_hue", "province_staff": "province_hue"},
    # another district of Hà Nội: foreign to Ba Đình's district and site staff, and to other citizens
    "hoan_kiem": {"province": 1, "district": 2, "ward": PHUC_TAN, "site": "site_phuc_tan",
                  "centre": "centre_hoan_kiem", "citizen": "tan", "organisation": "org_hoan_kiem",
                  "province_staff": "province_ha_noi"},
}
# The tested roles that own a place's records (they are expected to see them).
OWNERS = {"hue": {"national"}, "hoan_kiem": {"national", "province"}}


def _member(account, name: str, ward):
    return family_member_add(actor=account, data={"full_name": name, "date_of_birth": datetime.date(1990, 5, 1),
                                                   "sex": "F", "ward": ward})


def _stock(world, lot, place, district_staff) -> None:
    """Doses down to the place's site through its own province and district."""
    province = world[place["province_staff"]]
    if place["province"] != 1:
        stock_transfer(actor=world["national"], to_facility_id=department(place["province"]).pk, lot_id=lot.pk,
                       quantity=300)
    stock_transfer(actor=province, to_facility_id=world[place["centre"]].pk, lot_id=lot.pk, quantity=200)
    stock_transfer(actor=district_staff, to_facility_id=world[place["site"]].pk, lot_id=lot.pk, quantity=100)


def foreign_world(*, world, people, lot, key: str, django_user_model, after_commit) -> dict:
    """Records of one place, each owned by someone of that place; returns them by name, with their owners."""
    place = PLACES[key]
    ward = f.unit(f.Level.WARD, place["ward"])
    site = world[place["site"]]
    citizen = people[place["citizen"]]
    account, person = citizen["account"], citizen["person"]
    fw = {"place": key, "citizen": account, "person": person, "site_facility": site,
          "province": world[place["province_staff"]],
          "district": f.staff(f"district_{key}", Role.DISTRICT, unit=f.unit(f.Level.DISTRICT, place["district"])),
          "site": f.staff(f"site_{key}", Role.SITE, facility=site)}
    _stock(world, lot, place, fw["district"])
    members = {name: _member(account, f"Thành Viên {name} {key}", ward)
               for name in ("cancel_registration", "cancel_appointment", "no_show", "book", "new")}
    fw.update({f"member_{name}": member for name, member in members.items()})
    regs = {name: register(account, members[name]) for name in ("cancel_registration", "cancel_appointment",
                                                                   "no_show", "book")}
    booked = [citizen["registration"].pk, regs["cancel_appointment"].pk, regs["no_show"].pk]
    registrations_approve(officer=fw["province"], ids=booked + [regs["book"].pk])
    registrations_allocate(officer=fw["province"], ids=booked)
    fw["session"] = session_create(actor=fw["district"], site_id=site.pk, date=TODAY, start_time=datetime.time(0, 0),
                                   end_time=datetime.time(23, 30), slot_minutes=60, people_per_slot=2, lot_id=lot.pk)
    session_schedule_auto(actor=fw["district"], session_id=fw["session"].pk)
    registrations_allocate(officer=fw["province"], ids=[regs["book"].pk])  # waits for a hand-made booking
    fw["registration"] = regs["cancel_registration"]
    fw["registration_book"] = regs["book"]
    fw["appointment_cancel"] = Appointment.objects.get(registration=regs["cancel_appointment"])
    fw["appointment_no_show"] = Appointment.objects.get(registration=regs["no_show"])
    visit = visit_check_in(actor=fw["site"], person_id=person.pk)
    visit_screen(actor=fw["site"], visit_id=visit.pk, answers={}, outcome="screened", temperature=36.6)
    fw["dose"] = visit_inject(actor=fw["site"], visit_id=visit.pk, lot_id=lot.pk, idempotency_key=f"own-{key}")
    fw["visit"] = visit
    with after_commit(execute=True):
        doses_confirm(actor=fw["site"], dose_ids=[fw["dose"].pk])  # the certificate is signed
    fw["dose_unconfirmed"], _created = dose_record(actor=fw["site"], person_id=members["new"].pk, site_id=site.pk,
                                                   lot_id=lot.pk, idempotency_key=f"unconfirmed-{key}")
    fw["reaction"] = reaction_report(actor=account, dose_id=fw["dose"].pk, onset_at=timezone.now(),
                                     symptoms=["fever"], severity="mild", description="Sốt nhẹ")
    fw["help"] = help_request_submit(actor=account, person_id=person.pk, kind="missing_dose", message="Thiếu mũi",
                                     site=site, dose_date=TODAY - datetime.timedelta(days=40),
                                     dose_vaccine=Vaccine.objects.get(code="astrazeneca"))
    fw["declaration"] = declaration_submit(actor=account, person_id=person.pk, symptoms=[], contact_confirmed=False,
                                           contact_suspected=False, places_visited="")
    organisation = world[place["organisation"]]
    organisation_confirm(actor=fw["province"], organisation_id=organisation.pk)
    fw["organisation"] = organisation
    fw["rep"] = django_user_model.objects.create_citizen(f"09130{place['ward']:05d}", f.PASSWORD,
                                                         full_name=f"Đại Diện {key}")
    OrganisationMember.objects.create(organisation=organisation, user=fw["rep"])
    with after_commit(execute=True):
        fw["staff_batch"] = import_upload(actor=fw["rep"], kind=ImportBatch.Kind.STAFF, file_name="nhan-su.csv",
                                          content=csv_bytes(staff_rows.headers(), [staff_rows.EXAMPLE]),
                                          organisation_id=organisation.pk)
        fw["dose_batch"] = import_upload(actor=fw["site"], kind=ImportBatch.Kind.DOSES, file_name="mui.csv",
                                         content=csv_bytes(dose_rows.headers(), [dose_rows.EXAMPLE]))
    fw.update(clinic_records(fw))
    fw["venue"] = venue_register(actor=account, kind="market", name=f"Chợ {key}", ward=ward, street="1 Chợ")
    return fw


def staff_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("nhan-su.csv", csv_bytes(staff_rows.headers(), [staff_rows.EXAMPLE]))


def person_form(person) -> dict:
    ward = person.ward
    return {"full_name": person.full_name, "date_of_birth": "1990-05-01", "sex": "F", "nationality": "VN",
            "province": ward.parent.parent_id, "district": ward.parent_id, "ward": ward.pk}


def registration_form(person) -> dict:
    ward = person.ward
    return {"priority_group": PriorityGroup.objects.get(number=9).pk, "district": ward.parent_id, "ward": ward.pk,
            "consent": "on", "dose-TOTAL_FORMS": 3, "dose-INITIAL_FORMS": 0}


def snapshot() -> dict:
    """Everything a request could change, to show that none did."""
    from certificates.models import Certificate
    from citizens.models import Notification, Person
    from clinics.models import Booking, Consultation, Slot
    from places.models import Exposure, Visit as PlaceVisit
    from registry.models import Organisation
    from vaccination.models import Dose, HelpRequest, Reaction, Registration, Session, StockMovement, Visit

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return {
        "registrations": rows(Registration, "status"), "appointments": rows(Appointment, "status"),
        "visits": rows(Visit, "step"), "sessions": rows(Session, "status", "booked"),
        "people": rows(Person, "full_name", "qr_token", "ward_id", "phone"),
        "organisations": rows(Organisation, "confirmed_at"), "imports": rows(ImportBatch, "status"),
        "reactions": rows(Reaction, "status"), "help": rows(HelpRequest, "status"),
        "doses": rows(Dose, "confirmed_at", "voided"), "certificates": rows(Certificate, "status"),
        "declarations": HealthDeclaration.objects.count(), "movements": StockMovement.objects.count(),
        "notifications": Notification.objects.count(),
        "clinic_bookings": rows(Booking, "status", "slot_id"), "clinic_slots": rows(Slot, "booked"),
        "consultations": Consultation.objects.count(),
        "exposures": Exposure.objects.count(), "place_visits": PlaceVisit.objects.count(),
    }


def url_patterns(resolver=None, prefix="", namespaces=()):
    """(name, namespaces, route, parameters) of every URL pattern, however deep it is included."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, prefix + str(pattern.pattern),
                                    namespaces + ((pattern.namespace,) if pattern.namespace else ()))
            continue
        route = prefix + str(pattern.pattern)
        params = re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)
        name = ":".join(namespaces + (pattern.name,)) if pattern.name else None
        yield name, namespaces, route, params
