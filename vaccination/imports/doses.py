"""Doses given offline at a site: each row goes through `dose_record`, like a dose recorded live."""
import datetime

from django.core.exceptions import ValidationError

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citizens.models import Person, id_number_mask
from registry.models import Vaccine

from ..models import Dose, Lot
from ..services.dose_recording import dose_record
from .sheets import FORMULA_MESSAGE, FORMULA_SIGN_MESSAGE, looks_like_formula
from .staff import PREVIEW_ROWS, parse_date, whole_number

COLUMNS = {
    "id_number": gettext_lazy("ID number (CCCD, CMND or passport)"),
    "full_name": gettext_lazy("Full name"),
    "date_of_birth": gettext_lazy("Date of birth (dd/mm/yyyy)"),
    "vaccine": gettext_lazy("Vaccine"),
    "lot": gettext_lazy("Lot number"),
    "dose_number": gettext_lazy("Dose number"),
    "given_on": gettext_lazy("Date of the dose (dd/mm/yyyy)"),
    "given_at": gettext_lazy("Time of the dose (HH:MM)"),
}
EXAMPLE = ["001085012345", "Nguyễn Văn An", "15/03/1985", "AstraZeneca", "AZ-001", "1", "02/10/2021", "08:30"]


def headers() -> list[str]:
    return [str(label) for label in COLUMNS.values()]


def _vaccine(text: str, vaccines: list[Vaccine]) -> Vaccine | None:
    folded = text.strip().lower()
    for vaccine in vaccines:
        if folded in (vaccine.code.lower(), vaccine.name.lower()) or vaccine.name.lower().startswith(folded):
            return vaccine
    return None


def check_rows(rows: list[tuple[int, dict]], formula_rows: dict, *, site) -> tuple[list[dict], list[dict]]:
    """Match each row to exactly one person and one lot; rows that match nothing are reported, never guessed."""
    label = {key: str(value) for key, value in COLUMNS.items()}
    vaccines = list(Vaccine.objects.all())
    valid, errors = [], []
    now = timezone.now()
    for number, values in rows:
        formulas = formula_rows.get(number, [])
        problems = [(label[key], str(FORMULA_MESSAGE)) for key in formulas]
        problems += [(label[key], str(FORMULA_SIGN_MESSAGE)) for key, value in values.items()
                     if key not in formulas and looks_like_formula(value)]
        person = None
        id_number = values["id_number"].upper().replace(" ", "")
        born = parse_date(values["date_of_birth"]) if values["date_of_birth"] else None
        if id_number:
            person = Person.objects.filter(id_number=id_number).only("pk").first()
        elif values["full_name"] and born:
            matches = list(Person.objects.filter(full_name__iexact=values["full_name"], date_of_birth=born)
                           .only("pk")[:2])
            if len(matches) > 1:
                problems.append((label["full_name"], _("Several people have this name and date of birth; give the "
                                                       "ID number.")))
            person = matches[0] if len(matches) == 1 else None
        if person is None and not problems:
            problems.append((label["id_number"], _("No person matches this row.")))
        vaccine = _vaccine(values["vaccine"], vaccines)
        if vaccine is None:
            problems.append((label["vaccine"], _("Unknown vaccine.")))
        lot = Lot.objects.filter(lot_number=values["lot"].upper(), vaccine=vaccine).first() if vaccine else None
        if vaccine and lot is None:
            problems.append((label["lot"], _("No lot with this number for this vaccine.")))
        dose_number = whole_number(values["dose_number"]) or 0
        if not 1 <= dose_number <= 10:
            problems.append((label["dose_number"], _("Write the dose number, 1 to 10.")))
        given_on = parse_date(values["given_on"])
        given_time = None
        try:
            given_time = datetime.datetime.strptime(values["given_at"] or "12:00", "%H:%M").time()
        except ValueError:
            problems.append((label["given_at"], _("Write the time as HH:MM.")))
        given_at = None
        if given_on is None:
            problems.append((label["given_on"], _("Write the date as dd/mm/yyyy.")))
        elif given_time:
            given_at = timezone.make_aware(datetime.datetime.combine(given_on, given_time))
            if given_at > now:
                problems.append((label["given_on"], _("A dose cannot be recorded in the future.")))
        if problems:
            errors += [{"row": number, "column": column, "message": message} for column, message in problems]
            continue
        valid.append({"row": number, "person_id": person.pk, "lot_id": lot.pk, "dose_number": dose_number,
                      "given_at": given_at.isoformat(), "id_number": id_number})
    return valid, errors


def preview(rows: list[dict]) -> tuple[list[str], list[list]]:
    """The first doses that confirming will record."""
    header = [_("Row"), _("ID number"), _("Dose number"), _("Date and time of the dose")]
    lines = [[row["row"], id_number_mask(row["id_number"]) or "—", row["dose_number"],
              timezone.localtime(datetime.datetime.fromisoformat(row["given_at"])).strftime("%d/%m/%Y %H:%M")]
             for row in rows[:PREVIEW_ROWS]]
    return header, lines


def apply_row(*, actor, site, row: dict) -> dict:
    """One dose through the live path; the key makes a second import of the same row record nothing."""
    key = f"import:{site.pk}:{row['person_id']}:{row['dose_number']}"
    try:
        dose, created = dose_record(
            actor=actor, person_id=row["person_id"], site_id=site.pk, lot_id=row["lot_id"], idempotency_key=key,
            given_at=datetime.datetime.fromisoformat(row["given_at"]), dose_number=row["dose_number"],
            source=Dose.Source.IMPORT, confirm=True, override_reason=_("Recorded offline, imported"))
    except ValidationError as error:
        return {"row": row["row"], "status": "refused", "message": " ".join(error.messages)}
    except Http404:
        return {"row": row["row"], "status": "refused", "message": _("No person matches this row.")}
    return {"row": row["row"], "status": "recorded" if created else "already recorded",
            "message": f"#{dose.dose_number}"}

