"""A person's course of doses: the doses they had, which one comes next and from when, and the level people know.

One rule, used by "My vaccinations", the certificate page and PDF, the site's pages and a new registration: a
recorded dose counts, and so does a dose the person declared at registration (elsewhere, abroad, before the
platform) unless a dose of the same number was recorded; the days are Viet Nam's (Asia/Ho_Chi_Minh).
"""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import DeclaredDose, Dose


@dataclass(frozen=True)
class CourseDose:
    day: datetime.date  # the local day it was given
    number: int
    vaccine: object  # a registry Vaccine (or anything with name, doses_in_series, min_interval_days, pk)
    dose: object | None = None  # the recorded Dose; None for a declared one


@dataclass(frozen=True)
class NextDose:
    number: int
    due_from: datetime.date | None
    required_vaccine: object | None  # the vaccine a dose within the primary series must be


@dataclass(frozen=True)
class Level:
    count: int
    colour: str  # level-none (grey), level-partial (yellow), level-full (green), level-booster (blue)

    @property
    def label(self) -> str:
        """In the active language (the PDF asks for both)."""
        if self.count == 0:
            return _("Not vaccinated")
        return ngettext("Vaccinated with %(count)s dose", "Vaccinated with %(count)s doses", self.count) % {
            "count": self.count}

    def __str__(self) -> str:
        return self.label


def course_of(*, recorded: Iterable = (), declared: Iterable = ()) -> list[CourseDose]:
    """Every dose, oldest first: recorded Doses (not voided), then declared doses (objects with given_on, or dicts
    with "given_on") of a number not recorded and not declared before."""
    return course_merge(
        recorded=[CourseDose(timezone.localtime(dose.given_at).date(), dose.dose_number, dose.vaccine, dose)
                  for dose in recorded if not dose.voided],
        declared=[CourseDose(dose["given_on"], dose["dose_number"], dose["vaccine"]) if isinstance(dose, dict)
                  else CourseDose(dose.given_on, dose.dose_number, dose.vaccine) for dose in declared])


def course_merge(*, recorded: Iterable[CourseDose], declared: Iterable[CourseDose]) -> list[CourseDose]:
    """The one rule of a course, on doses already dated: a recorded dose wins over a declared one of the same
    number, the first declaration of a number over later ones; oldest first."""
    doses = {dose.number: dose for dose in recorded}
    for dose in declared:
        doses.setdefault(dose.number, dose)
    return sorted(doses.values(), key=lambda dose: (dose.day, dose.number))


def person_course(person) -> list[CourseDose]:
    """The course of one person, read in two queries."""
    return course_of(
        recorded=person.doses.filter(voided=False).select_related("vaccine"),
        declared=DeclaredDose.objects.filter(registration__person=person).select_related("vaccine")
        .order_by("registration__created_at", "dose_number"))


def courses_of(person_ids: Iterable[int], *, chunk: int = 2000) -> dict[int, list[CourseDose]]:
    """The course of each of these people who had any dose, recorded or declared, in two queries a chunk."""
    ids, recorded, declared = list(person_ids), {}, {}
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        for dose in Dose.objects.filter(person_id__in=part, voided=False).select_related("vaccine"):
            recorded.setdefault(dose.person_id, []).append(dose)
        for dose in (DeclaredDose.objects.filter(registration__person_id__in=part).select_related("vaccine")
                     .annotate(owner=F("registration__person_id")).order_by("registration__created_at", "dose_number")):
            declared.setdefault(dose.owner, []).append(dose)
    return {pk: course_of(recorded=recorded.get(pk, ()), declared=declared.get(pk, ()))
            for pk in recorded.keys() | declared.keys()}


def interval_after(vaccine, dose_number: int) -> int:
    """Days before the dose after dose `dose_number` of `vaccine` may be given: the vaccine's interval within its
    primary series, the booster interval after it."""
    if dose_number < vaccine.doses_in_series:
        return vaccine.min_interval_days
    return settings.BOOSTER_MIN_INTERVAL_DAYS


def next_dose(course: list[CourseDose]) -> NextDose:
    """The dose after the course so far: its number, the day it falls due, and the vaccine it must be."""
    if not course:
        return NextDose(1, None, None)
    last = course[-1]
    number = max(dose.number for dose in course) + 1
    within_series = number <= last.vaccine.doses_in_series
    return NextDose(number, last.day + datetime.timedelta(days=interval_after(last.vaccine, last.number)),
                    last.vaccine if within_series else None)


def level_of(course: list[CourseDose]) -> Level:
    """ "Chưa tiêm vắc xin", "Đã tiêm 1 mũi vắc xin", "Đã tiêm 2 mũi vắc xin"…: one per dose in the course; the
    colour says whether the primary series of the latest dose's vaccine is complete or a booster was given."""
    count = len(course)
    if count == 0:
        return Level(0, "level-none")
    series = course[-1].vaccine.doses_in_series
    return Level(count, "level-booster" if count > series else "level-full" if count >= series else "level-partial")


def vaccine_mixed(required_vaccine_id: int | None, vaccine_id: int) -> bool:
    """Whether a dose of `vaccine_id` departs from the vaccine the person's primary series must go on with: the
    mixed-vaccine rule, which asks the district for a reason (the session page shows the reason's box by it)."""
    return required_vaccine_id is not None and required_vaccine_id != vaccine_id


def same_vaccine_q(vaccine_id: int) -> Q:
    """The registrations `vaccine_mixed` says no to for `vaccine_id`, as a filter (scheduling without mixing)."""
    return Q(required_vaccine__isnull=True) | Q(required_vaccine=vaccine_id)
