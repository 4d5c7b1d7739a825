"""People who come to a site without a booking: found by a search (every find audited, as it opens the person to
the site for the day), written down at the desk when nobody has them on file, checked in, and, once vaccinated,
put on a course the district schedules like anyone registered."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.id_numbers import id_kind_of, id_number_clean
from citizens.models import Person
from citizens.phones import phone_normalize
from citizens.selectors import health_code_resolve
from registry.audit import audit_record
from registry.models import Facility, PriorityGroup

from ..course import NextDose, person_course
from ..models import Appointment, Registration, Visit
from ..selectors import staff_facility
from ..signals import registrations_moved
from .common import registration_event_add
from .visit_steps import visit_check_in

Status = Registration.Status
PERM = "vaccination.record_dose"


def _site_staff(actor) -> Facility:
    site = staff_facility(actor) if actor.has_perm(PERM) else None
    if site is None or site.kind != Facility.Kind.SITE:
        raise PermissionDenied(_("Only the staff of a vaccination site can do this."))
    return site


def _people_found(actor, query: str) -> list[Person]:
    """A scanned health code or declaration code (audited where it is resolved), else an ID number or a phone
    number, each person found audited."""
    query = query.strip()
    if ":" in query:
        person, _declaration = health_code_resolve(staff=actor, code=query)
        return [person] if person else []
    condition = Q(id_number=id_number_clean(query))
    try:
        phone = phone_normalize(query)
    except ValidationError:
        pass
    else:
        condition |= Q(phone=phone) | Q(account__phone=phone)
    found = list(Person.objects.filter(condition).select_related("ward__parent__parent")[:10])
    for person in found:
        audit_record(actor=actor, action="person.searched_at_site", target=person)
    return found


@transaction.atomic
def site_search(*, actor, query: str) -> list[dict]:
    """Check-in's search: the people found, each with their booking at this site today, their course of doses,
    latest health declaration and latest reactions."""
    site = _site_staff(actor)
    today = timezone.localdate()
    cards = []
    for person in _people_found(actor, query):
        appointment = Appointment.objects.filter(
            registration__person=person, status=Appointment.Status.BOOKED, session__site=site,
            session__date=today).select_related("session").first()
        cards.append({"person": person, "appointment": appointment, "history": person_course(person),
                      "declaration": person.declarations.first(),
                      "reactions": list(person.reactions.select_related("dose__vaccine")[:5])})
    return cards


@transaction.atomic
def walk_in_check_in(*, actor, full_name: str, date_of_birth: datetime.date, sex: str, id_number: str = "",
                     phone: str = "") -> Visit:
    """Someone nobody has on file comes to the site: they are written down (living, for now, in the site's ward)
    and checked in, or nothing is written."""
    site = _site_staff(actor)
    number = id_number_clean(id_number)
    kind = id_kind_of(number) if number else ""
    if kind is None:
        raise ValidationError({"id_number": _("A CCCD has 12 digits, a CMND 9; a passport 6 to 12 letters and "
                                              "digits.")})
    taken = ValidationError({"id_number": _("This ID number already belongs to another person. Search for it "
                                            "instead.")})
    if number and Person.objects.filter(id_number=number).exists():
        raise taken
    try:
        phone = phone_normalize(phone) if phone.strip() else ""
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    try:
        person = Person.objects.create(full_name=full_name, date_of_birth=date_of_birth, sex=sex,
                                       id_number=number or None, id_kind=kind, phone=phone, ward=site.unit)
    except IntegrityError:  # the same number written meanwhile at another desk; the whole check-in rolls back
        raise taken from None
    audit_record(actor=actor, action="person.walk_in_created", target=person)
    return visit_check_in(actor=actor, person_id=person.pk)


def registration_after_dose(*, actor, person_id: int, site_id: int, plan: NextDose, at: datetime.datetime) -> int:
    """For `dose_record`, which has checked the actor and locked the person: a person vaccinated with no
    registration is put on a course as a registered person is after a dose (vaccinated, waiting for `plan`), at the
    site's ward and allocated to its district, so they come back to that district's list when the next dose falls
    due. Their priority group is that of their latest registration, else the last group ("other groups")."""
    ward_id, district_id = Facility.objects.filter(pk=site_id).values_list("unit_id", "unit__parent_id").get()
    group_id = (Registration.objects.filter(person_id=person_id).order_by("-created_at")
                .values_list("priority_group_id", flat=True).first()
                or PriorityGroup.objects.order_by("-number").values_list("pk", flat=True).first())
    registration = Registration(
        person_id=person_id, priority_group_id=group_id, ward_id=ward_id, allocated_district_id=district_id,
        consent_at=at, created_by=actor, status=Status.VACCINATED, next_dose_number=plan.number,
        due_from=plan.due_from, required_vaccine_id=plan.required_vaccine.pk if plan.required_vaccine else None)
    registration.save(force_insert=True)
    registration_event_add(registration_id=registration.pk, actor=actor, at=at, from_status="",
                           to_status=Status.VACCINATED, reason=_("Vaccinated without a registration"))
    registrations_moved.send(sender=Registration, moves={(district_id, "", Status.VACCINATED): 1})
    audit_record(actor=actor, action="registration.after_dose", target=registration,
                 changes={"next_dose": plan.number})
    return registration.pk
