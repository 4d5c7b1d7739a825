from django.db.models import QuerySet

from citizens.selectors import people_for
from vaccination.models import Dose

from .levels import level_for
from .models import Certificate


def certificate_current(person) -> Certificate | None:
    return Certificate.objects.filter(person=person, status=Certificate.Status.VALID).select_related(
        "dose__vaccine").first()


def certificates_of(person) -> QuerySet[Certificate]:
    return Certificate.objects.filter(person=person).order_by("-issued_at")


def person_certificate(*, user, person_id: int):
    """A citizen's view of one of their people's certificate: (person, current certificate, doses, level)."""
    person = people_for(user).filter(pk=person_id).first()
    if person is None:
        return None
    doses = list(Dose.objects.filter(person=person, voided=False).select_related("vaccine", "lot", "site")
                 .order_by("dose_number"))
    certificate = certificate_current(person)
    series = doses[-1].vaccine.doses_in_series if doses else None
    level, colour = level_for(len(doses), series)
    rows = [{"number": d.dose_number, "vaccine": d.vaccine.name, "lot": d.lot.lot_number,
             "date": d.given_at.strftime("%d/%m/%Y"), "place": d.site.name} for d in doses]
    return {"person": person, "certificate": certificate, "doses": rows, "level": level, "colour": colour,
            "history": certificates_of(person)}
