from django.db.models import QuerySet

from citizens.selectors import person_for
from registry.text import date_text
from vaccination.course import course_of, level_of
from vaccination.models import DeclaredDose, Dose

from .models import Certificate


def certificate_expiry(person):
    """When the person's valid certificate expires, None without one: all that other apps' pages show of it."""
    return Certificate.objects.filter(person=person, status=Certificate.Status.VALID).values_list(
        "expires_at", flat=True).first()


def certificate_current(person) -> Certificate | None:
    return Certificate.objects.filter(person=person, status=Certificate.Status.VALID).select_related(
        "dose__vaccine").first()


def certificates_of(person) -> QuerySet[Certificate]:
    return Certificate.objects.filter(person=person).order_by("-issued_at")


def person_certificate(*, user, person_id: int):
    """A citizen's view of one of their people's certificate: (person, current certificate, doses, level).

    The level and the doses are the person's course, the same rule as on "My vaccinations": the signed QR numbers
    a dose after the doses declared at registration, so the level counts them too."""
    person = person_for(user, person_id)
    if person is None:
        return None
    return certificate_context(person)


def certificate_context(person) -> dict:
    """What a person's certificate page and its PDF show, whoever was let see it (their account, or a look-up
    without one)."""
    course = course_of(
        recorded=Dose.objects.filter(person=person, voided=False).select_related("vaccine", "lot", "site"),
        declared=DeclaredDose.objects.filter(registration__person=person).select_related("vaccine")
        .order_by("registration__created_at", "dose_number"))
    certificate = certificate_current(person)
    level = level_of(course)
    rows = [{"number": d.number, "vaccine": d.vaccine.name, "lot": d.dose.lot.lot_number if d.dose else "",
             "date": date_text(d.day), "place": d.dose.site.name if d.dose else "", "declared": d.dose is None}
            for d in course]
    return {"person": person, "certificate": certificate, "doses": rows, "level": level, "colour": level.colour,
            "history": certificates_of(person)}
