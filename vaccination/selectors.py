"""Reads for the vaccination console and pages, always scoped."""
import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from citizens.models import Person
from citizens.selectors import people_for, person_for
from registry.models import AdministrativeUnit, AuditEvent, StaffAssignment
from registry.selectors import facility_of, jurisdiction_of, scope

from .course import course_of, level_of, next_dose
from .models import (
    Appointment, DeclaredDose, Dose, HelpRequest, Lot, Reaction, Registration, Session, StockBalance, StockMovement,
    Visit,
)


def registration_list(*, user) -> QuerySet[Registration]:
    """Registrations where the person wants to be vaccinated, or the district they were allocated to."""
    qs = Registration.objects.select_related(
        "person", "priority_group", "ward__parent", "allocated_district", "organisation", "required_vaccine")
    # The row carries its ward's codes, so an area is one indexed equality on this table, not a join. Only the
    # province allocates, within itself; a district also sees the people allocated to it from another district.
    j = jurisdiction_of(user)
    if j.is_district:
        district = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT, code=j.district_code)
        return qs.filter(Q(district_code=j.district_code) | Q(allocated_district=Subquery(district.values("pk")[:1])))
    return scope(qs, user=user, unit="")


# The order registrations are worked in: priority group, then first come (served by the queue indexes).
QUEUE_ORDER = ("priority_number", "created_at", "pk")


def registration_queue(qs: QuerySet[Registration]) -> QuerySet[Registration]:
    """A page of the queue, in order, joining only what a row shows: at seven joins PostgreSQL spent far longer
    planning the page's query than running it."""
    return qs.select_related(None).select_related("person", "ward__parent", "allocated_district").order_by(
        *QUEUE_ORDER)


# What a row of the queue shows, read as plain values: a page of model instances (five per row) cost more than
# its query.
QUEUE_ROW = ("pk", "person__full_name", "person__date_of_birth", "person__id_number", "priority_number",
             "ward__name", "ward__parent__name", "allocated_district__name", "status", "created_at")


def registration_queue_rows(qs: QuerySet[Registration]) -> QuerySet:
    """The queue in order, each row a dict of QUEUE_ROW (slice it for a page)."""
    return qs.select_related(None).order_by(*QUEUE_ORDER).values(*QUEUE_ROW)


def registration_filter(qs: QuerySet[Registration], *, status="", priority_group=None, district=None, age_band="",
                        date_from=None, date_to=None, organisation=None, query="") -> QuerySet[Registration]:
    if status:
        qs = qs.filter(status=status)
    if priority_group:
        qs = qs.filter(priority_group=priority_group)
    if district:
        qs = qs.filter(Q(district_code=district.code) | Q(allocated_district=district))
    if age_band:
        low, _sep, high = age_band.partition("-")
        today = timezone.localdate()
        if low:
            qs = qs.filter(person__date_of_birth__lte=today.replace(year=today.year - int(low)))
        if high:
            qs = qs.filter(person__date_of_birth__gt=today.replace(year=today.year - int(high) - 1))
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if organisation:
        qs = qs.filter(organisation=organisation)
    if query:
        query = query.strip()
        digits = "".join(ch for ch in query if ch.isdigit())
        condition = Q(person__full_name__icontains=query)
        if len(digits) >= 9:
            condition |= Q(person__id_number=query.upper()) | Q(person__phone__endswith=digits[-9:])
        qs = qs.filter(condition)
    return qs


def waiting_list(*, user, on: datetime.date | None = None) -> QuerySet[Registration]:
    """Allocated registrations of a district that can be given their next dose on `on`."""
    on = on or timezone.localdate()
    qs = registration_list(user=user).filter(
        status__in=[Registration.Status.ALLOCATED, Registration.Status.NO_SHOW])
    return qs.filter(Q(due_from__isnull=True) | Q(due_from__lte=on)).order_by(*QUEUE_ORDER)


def session_list(*, user) -> QuerySet[Session]:
    return scope(Session.objects.select_related("site__unit", "vaccine", "lot"), user=user, facility="site")


def balance_list(*, user) -> QuerySet[StockBalance]:
    qs = StockBalance.objects.select_related("facility__unit", "lot__vaccine")
    return scope(qs, user=user, facility="facility").order_by("facility__name", "lot__expiry_date", "pk")


def movement_list(*, user) -> QuerySet[StockMovement]:
    qs = StockMovement.objects.select_related("facility", "lot__vaccine", "counterpart", "actor")
    return scope(qs, user=user, facility="facility")


def doses_given_between(*, start: datetime.date, end: datetime.date) -> QuerySet[Dose]:
    """Valid doses given from `start` to `end`, local days both included (unscoped: the caller narrows it to an
    area). A range of `given_at` itself, not of its date, so that PostgreSQL reads only those months' partitions
    of the dose table, through its index."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time(), zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), zone)
    return Dose.objects.filter(voided=False, given_at__gte=since, given_at__lt=until)


def expiry_warning_date() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.STOCK_EXPIRY_WARNING_DAYS)


def lots_usable() -> QuerySet[Lot]:
    return Lot.objects.filter(expiry_date__gte=timezone.localdate()).select_related("vaccine")


def person_registrations(*, user, person_id: int):
    """A citizen's view of one of their people: registrations (newest first) and appointments."""
    person = person_for(user, person_id)
    if person is None:
        return None, Registration.objects.none()
    registrations = person.registrations.select_related(
        "priority_group", "ward__parent__parent", "allocated_district", "required_vaccine"
    ).prefetch_related(
        Prefetch("declared_doses", queryset=DeclaredDose.objects.select_related("vaccine")),
        Prefetch("appointments", queryset=Appointment.objects.select_related("session__site")),
    ).order_by("-created_at")
    return person, registrations


def person_vaccination_book(*, user, person_id: int) -> dict | None:
    """All that a citizen's "My vaccinations" page shows of one of their people, in a fixed number of queries;
    None when the person is not theirs. `history` is the course (every dose, recorded here or declared, oldest
    first), `level` its level; `carrier` is the registration that brings the next dose by itself (vaccinated,
    waiting for it to fall due), `next_dose` the dose a new registration would be for."""
    person, registrations = person_registrations(user=user, person_id=person_id)
    if person is None:
        return None
    registrations = list(registrations)
    history = course_of(recorded=person.doses.filter(voided=False).select_related("vaccine", "site", "lot"),
                        declared=[d for r in reversed(registrations) for d in r.declared_doses.all()])
    current = next((r for r in registrations if r.status in Registration.OPEN), None)
    carrier = None if current else next((r for r in registrations if r.status == Registration.Status.VACCINATED),
                                        None)
    return {
        "person": person, "registrations": registrations, "current": current, "history": history,
        "level": level_of(history), "next_dose": next_dose(history), "carrier": carrier,
        "earlier": [r for r in registrations if r not in (current, carrier)],
        "appointment": next((a for a in current.appointments.all() if a.status == Appointment.Status.BOOKED),
                            None) if current else None,
        "reactions": list(person.reactions.all()), "help_requests": list(person.help_requests.all()),
    }


def appointment_for_citizen(*, user, appointment_id: int) -> Appointment | None:
    return Appointment.objects.filter(pk=appointment_id, registration__person__in=people_for(user)).first()


def registration_to_cancel(*, user, registration_id: int) -> Registration | None:
    """One of the citizen's people's registrations that is still in progress (so it can be withdrawn)."""
    return Registration.objects.select_related("person").filter(
        pk=registration_id, person__in=people_for(user), status__in=Registration.OPEN).first()


def appointment_to_cancel(*, user, appointment_id: int) -> Appointment | None:
    """One of the citizen's people's appointments that is still booked."""
    return Appointment.objects.select_related("registration__person", "session__site").filter(
        pk=appointment_id, registration__person__in=people_for(user), status=Appointment.Status.BOOKED).first()


def staff_facility(user):
    """The facility a staff member works from (its stock), or None for national staff without one."""
    return facility_of(jurisdiction_of(user))


# The audit actions by which site staff find a person: a scanned health or declaration code (citizens'
# health_code_resolve), a search by ID number or phone, a walk-in they entered.
FOUND_AT_SITE = ("person.code_resolved", "person.searched_at_site", "person.walk_in_created")


def people_for_check_in(*, user, on: datetime.date | None = None) -> QuerySet[Person]:
    """The people a site's staff member may check in on `on`: booked at the site that day, or found that day
    by the site's staff. A person's sequential id alone opens nothing."""
    j = jurisdiction_of(user)
    if not j.is_site:
        return Person.objects.none()
    on = on or timezone.localdate()
    day_start = timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))
    booked = Appointment.objects.filter(registration__person=OuterRef("pk"), status=Appointment.Status.BOOKED,
                                        session__site_id=j.facility_id, session__date=on)
    # Keyed on the audit row's target, so the look-up rides the (target_type, target_id) index.
    found = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Person), target_id=Cast(OuterRef("pk"), CharField()),
        action__in=FOUND_AT_SITE, at__gte=day_start, at__lt=day_start + datetime.timedelta(days=1),
        actor_id__in=StaffAssignment.objects.filter(facility_id=j.facility_id).values("user_id"))
    return Person.objects.filter(Exists(booked) | Exists(found))


def reaction_list(*, user):
    return scope(Reaction.objects.select_related("person", "dose__vaccine", "site"), user=user, facility="site")


def help_request_list(*, user):
    return scope(HelpRequest.objects.select_related("person", "facility", "dose_vaccine"), user=user,
                 facility="facility")


def site_day(*, user, on: datetime.date | None = None):
    """Today's sessions at the staff member's site, their appointments and visits."""
    on = on or timezone.localdate()
    sessions = session_list(user=user).filter(date=on).order_by("start_time")
    visits = scope(Visit.objects.filter(checked_in_at__date=on).select_related("person", "appointment"),
                   user=user, facility="site")
    return sessions, visits


def appointments_upcoming(*, user) -> QuerySet[Appointment]:
    """Everything still booked for the account holder and the people in their care, soonest first ("lịch hẹn")."""
    return Appointment.objects.filter(
        registration__person__in=people_for(user), status=Appointment.Status.BOOKED,
        session__date__gte=timezone.localdate(),
    ).select_related("registration__person", "session__site", "session__vaccine").order_by(
        "session__date", "slot_start", "pk")


def help_requests_for(*, user) -> QuerySet[HelpRequest]:
    """The help requests of the account holder's people and their answers, newest first (their consultation
    history)."""
    return HelpRequest.objects.filter(person__in=people_for(user)).select_related("person", "facility").order_by(
        "-created_at", "-pk")
