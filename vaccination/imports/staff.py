"""An organisation's staff list: checked row by row, then people and registrations written set-wise."""
import datetime
import re
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citizens.models import Person
from citizens.phones import phone_normalize
from registry.models import AdministrativeUnit, PriorityGroup

from ..models import Registration, RegistrationEvent
from ..signals import registrations_moved

COLUMNS = {
    "full_name": gettext_lazy("Full name"),
    "date_of_birth": gettext_lazy("Date of birth (dd/mm/yyyy)"),
    "sex": gettext_lazy("Sex (Nam/Nữ)"),
    "id_number": gettext_lazy("ID number (CCCD, CMND or passport)"),
    "phone": gettext_lazy("Mobile number"),
    "priority_group": gettext_lazy("Priority group (1-16)"),
    "ward_code": gettext_lazy("Ward code (GSO)"),
    "occupation": gettext_lazy("Occupation"),
}
EXAMPLE = ["Nguyễn Văn An", "15/03/1985", "Nam", "001085012345", "0912345678", "9", "1", "Kỹ sư"]
SEXES = {"nam": "M", "m": "M", "male": "M", "nữ": "F", "nu": "F", "f": "F", "female": "F", "khác": "O", "o": "O"}


def headers() -> list[str]:
    return [str(label) for label in COLUMNS.values()]


def parse_date(text: str) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y %H:%M"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def id_kind_for(number: str) -> str | None:
    if re.fullmatch(r"\d{12}", number):
        return "cccd"
    if re.fullmatch(r"\d{9}", number):
        return "cmnd"
    if re.fullmatch(r"[A-Z0-9]{6,12}", number) and not number.isdigit():
        return "passport"
    return None


def check_rows(rows: list[tuple[int, dict]], formula_rows: dict) -> tuple[list[dict], list[dict]]:
    """Return (valid rows normalised, errors [{row, column, message}]) — nothing is written."""
    label = {key: str(value) for key, value in COLUMNS.items()}
    by_label = {v: k for k, v in label.items()}
    groups = set(PriorityGroup.objects.values_list("number", flat=True))
    ward_codes = {row[1].get(label["ward_code"], "").strip() for row in rows}
    wards = dict(AdministrativeUnit.objects.filter(
        level="ward", code__in=[int(c) for c in ward_codes if c.isdigit()]).values_list("code", "id"))
    valid, errors, seen = [], [], {}
    today = timezone.localdate()
    for number, raw in rows:
        values = {by_label[k]: v.strip() for k, v in raw.items() if k in by_label}
        problems = []
        for column in formula_rows.get(number, []):
            problems.append((column, _("The cell holds a formula; type the value itself.")))
        if any(v.startswith(("=", "+", "@")) for v in values.values()):
            problems.append((label["full_name"], _("A cell starts with = + or @; type the value itself.")))
        if not values["full_name"] or len(values["full_name"]) > 200:
            problems.append((label["full_name"], _("Enter the full name.")))
        born = parse_date(values["date_of_birth"])
        if born is None:
            problems.append((label["date_of_birth"], _("Write the date as dd/mm/yyyy.")))
        elif born > today or born.year < 1900:
            problems.append((label["date_of_birth"], _("The date of birth is not possible.")))
        sex = SEXES.get(values["sex"].lower())
        if sex is None:
            problems.append((label["sex"], _("Write Nam or Nữ.")))
        id_number = values["id_number"].upper().replace(" ", "")
        kind = id_kind_for(id_number)
        if kind is None:
            problems.append((label["id_number"], _("A CCCD has 12 digits, a CMND 9; a passport 6 to 12 letters "
                                                   "and digits.")))
        elif id_number in seen:
            problems.append((label["id_number"], _("The same ID number is on row %(row)s.") % {"row": seen[id_number]}))
        phone = ""
        if values["phone"]:
            try:
                phone = phone_normalize(values["phone"])
            except Exception:  # noqa: BLE001 - ValidationError: reported on the row
                problems.append((label["phone"], _("Enter a Vietnamese mobile number such as 0912345678.")))
        group = int(values["priority_group"]) if values["priority_group"].isdigit() else None
        if group not in groups:
            problems.append((label["priority_group"], _("Write a priority group number from 1 to 16.")))
        ward_id = wards.get(int(values["ward_code"])) if values["ward_code"].isdigit() else None
        if ward_id is None:
            problems.append((label["ward_code"], _("No ward has this code.")))
        if problems:
            errors += [{"row": number, "column": column, "message": message} for column, message in problems]
            continue
        seen[id_number] = number
        valid.append({"row": number, "full_name": values["full_name"], "date_of_birth": born.isoformat(),
                      "sex": sex, "id_number": id_number, "id_kind": kind, "phone": phone, "priority_group": group,
                      "ward_id": ward_id, "occupation": values["occupation"][:120]})
    return valid, errors


@transaction.atomic
def apply_rows(*, actor, organisation, rows: list[dict]) -> list[dict]:
    """People matched by ID number are updated, others created; each gets a registration linked to the
    organisation unless one is already open. One transaction, set-wise."""
    ids = [row["id_number"] for row in rows]
    existing = {p.id_number: p for p in Person.objects.select_for_update().filter(id_number__in=ids)}
    groups = dict(PriorityGroup.objects.values_list("number", "id"))
    to_update, to_create = [], []
    fields = ["full_name", "date_of_birth", "sex", "phone", "ward_id", "occupation", "id_kind"]
    for row in rows:
        values = {"full_name": row["full_name"], "date_of_birth": datetime.date.fromisoformat(row["date_of_birth"]),
                  "sex": row["sex"], "phone": row["phone"], "ward_id": row["ward_id"],
                  "occupation": row["occupation"], "id_kind": row["id_kind"]}
        person = existing.get(row["id_number"])
        if person is None:
            to_create.append(Person(id_number=row["id_number"], **values))
        else:
            for key, value in values.items():
                setattr(person, key, value)
            to_update.append(person)
    Person.objects.bulk_update(to_update, fields, batch_size=2000)
    Person.objects.bulk_create(to_create, batch_size=2000)
    people = {p.id_number: p for p in Person.objects.filter(id_number__in=ids).only("pk", "id_number")}
    open_ids = set(Registration.objects.filter(person__in=people.values(), status__in=Registration.OPEN)
                   .values_list("person_id", flat=True))
    now = timezone.now()
    new = [Registration(person=people[row["id_number"]], priority_group_id=groups[row["priority_group"]],
                        ward_id=row["ward_id"], organisation=organisation, consent_at=now, created_by=actor)
           for row in rows if people[row["id_number"]].pk not in open_ids]
    Registration.objects.bulk_create(new, batch_size=2000)
    RegistrationEvent.objects.bulk_create(
        [RegistrationEvent(registration=r, actor=actor, at=now, to_status=Registration.Status.SUBMITTED,
                           reason=_("Registered by %(organisation)s") % {"organisation": organisation.name})
         for r in new], batch_size=2000)
    wards = dict(AdministrativeUnit.objects.filter(pk__in={r.ward_id for r in new}).values_list("pk", "parent_id"))
    registrations_moved.send(sender=Registration, moves=Counter(
        (wards[r.ward_id], "", Registration.Status.SUBMITTED) for r in new))
    created = {p.id_number for p in to_create}
    registered = {r.person_id for r in new}
    return [{"row": row["row"], "status": "created" if row["id_number"] in created else "updated",
             "message": _("registered") if people[row["id_number"]].pk in registered
             else _("already has a registration in progress")} for row in rows]

