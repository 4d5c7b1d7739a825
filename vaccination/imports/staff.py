"""An organisation's staff list: checked row by row, then people and registrations written set-wise.

An upload creates people and keeps up to date the people the organisation's own uploads added (while no
account holds them); it never changes anyone else. A row whose ID number belongs to anyone else is refused
with the same words whatever the reason, and that person joins the list only by their own consent (links.py).
"""
import datetime
import re
from collections import Counter

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from citizens.id_numbers import id_kind_of, id_number_clean
from citizens.models import Person, id_number_mask, new_qr_token
from citizens.phones import phone_display, phone_normalize
from citizens.services.people import people_identity_change
from registry.bulk import copy_rows, reserve_ids
from registry.models import AdministrativeUnit, PriorityGroup

from ..course import courses_of, next_dose
from ..models import OrganisationPerson, Registration, RegistrationEvent
from ..signals import registrations_moved
from .sheets import FORMULA_MESSAGE, FORMULA_SIGN_MESSAGE, looks_like_formula

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
# The same words for a number that belongs to a stranger, to another organisation's person or to an account
# holder: the uploader learns nothing about whom the number belongs to.
NOT_FROM_UPLOAD = gettext_lazy(
    "This ID number cannot be added from an upload. If the person works for you, use “Ask a person to join”: "
    "they agree with a code sent to their phone.")
IDENTITY = ("full_name", "date_of_birth", "sex", "id_kind", "phone", "ward_id")
PREVIEW_ROWS = 20


def headers() -> list[str]:
    return [str(label) for label in COLUMNS.values()]


def parse_date(text: str) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y %H:%M"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def whole_number(text: str) -> int | None:
    """ASCII digits only: "²" or "١" pass str.isdigit() but are not what the person meant to type."""
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text.strip()) else None


def _among(values, db_type: str):
    """The right side of `field__in` for a whole file's values: one array parameter on PostgreSQL, not one
    placeholder per value (at 100,000 ID numbers, building and sending those took seconds)."""
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{db_type}[])", (list(values),))
    return list(values)


def _people_on_file(organisation, id_numbers, *, lock: bool) -> tuple[dict[str, Person], set[int]]:
    """People already holding these numbers, and which of them this organisation's uploads may update:
    those it added itself and whom no account holds or cares for since."""
    people = Person.objects.filter(id_number__in=_among(id_numbers, "varchar"))
    if lock:
        people = people.select_for_update(of=("self",)).order_by("pk")
    existing = {person.id_number: person for person in people}
    owned = OrganisationPerson.objects.filter(
        organisation=organisation, origin=OrganisationPerson.Origin.ADDED,
        person_id__in=_among([person.pk for person in existing.values()], "bigint"),
        person__account__isnull=True, person__managed_by__isnull=True)
    return existing, set(owned.values_list("person_id", flat=True))


def _identity(row: dict) -> dict:
    return {"full_name": row["full_name"], "date_of_birth": datetime.date.fromisoformat(row["date_of_birth"]),
            "sex": row["sex"], "id_kind": row["id_kind"], "phone": row["phone"], "ward_id": row["ward_id"]}


def _differs(person: Person, row: dict) -> bool:
    values = {**_identity(row), "occupation": row["occupation"]}
    return any(getattr(person, field) != value for field, value in values.items())


def check_rows(rows: list[tuple[int, dict]], formula_rows: dict, *, organisation) -> tuple[list[dict], list[dict]]:
    """Return (valid rows normalised, errors [{row, column, message}]) — nothing is written."""
    label = {key: str(value) for key, value in COLUMNS.items()}
    groups = set(PriorityGroup.objects.values_list("number", flat=True))
    codes = {whole_number(values.get("ward_code", "")) for _number, values in rows} - {None}
    wards = dict(AdministrativeUnit.objects.filter(level="ward", code__in=codes).values_list("code", "id"))
    numbers = {values.get("id_number", "").upper().replace(" ", "") for _number, values in rows}
    existing, owned = _people_on_file(organisation, numbers - {""}, lock=False)
    valid, errors, seen = [], [], {}
    today = timezone.localdate()
    for number, values in rows:
        problems = [(label[key], str(FORMULA_MESSAGE)) for key in formula_rows.get(number, [])]
        phone = ""
        if values["phone"]:
            try:
                phone = phone_normalize(values["phone"])
            except Exception:  # noqa: BLE001 - ValidationError: reported on the row
                problems.append((label["phone"], _("Enter a Vietnamese mobile number such as 0912345678.")))
        # "+84912345678" is a phone number, not a formula; any other cell a spreadsheet would run is refused.
        problems += [(label[key], str(FORMULA_SIGN_MESSAGE)) for key, value in values.items()
                     if looks_like_formula(value) and key != "phone" and key not in formula_rows.get(number, [])]
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
        id_number = id_number_clean(values["id_number"])
        kind = id_kind_of(id_number)
        if kind is None:
            problems.append((label["id_number"], _("A CCCD has 12 digits, a CMND 9; a passport 6 to 12 letters "
                                                   "and digits.")))
        elif id_number in seen:
            problems.append((label["id_number"], _("The same ID number is on row %(row)s.") % {"row": seen[id_number]}))
        person = existing.get(id_number) if kind else None
        if person is not None and person.pk not in owned:
            problems.append((label["id_number"], str(NOT_FROM_UPLOAD)))
        group = whole_number(values["priority_group"])
        if group not in groups:
            problems.append((label["priority_group"], _("Write a priority group number from 1 to 16.")))
        ward_id = wards.get(whole_number(values["ward_code"]))
        if ward_id is None:
            problems.append((label["ward_code"], _("No ward has this code.")))
        if problems:
            errors += [{"row": number, "column": column, "message": message} for column, message in problems]
            continue
        seen[id_number] = number
        row = {"row": number, "full_name": values["full_name"], "date_of_birth": born.isoformat(), "sex": sex,
               "id_number": id_number, "id_kind": kind, "phone": phone, "priority_group": group,
               "ward_id": ward_id, "occupation": values["occupation"][:120]}
        row["action"] = "create" if person is None else ("update" if _differs(person, row) else "unchanged")
        valid.append(row)
    return valid, errors


ACTIONS = {
    "create": gettext_lazy("new person"),
    "update": gettext_lazy("details updated"),
    "unchanged": gettext_lazy("already on your list"),
}


def preview(rows: list[dict]) -> tuple[list[str], list[list]]:
    """The first rows that confirming will write, as the person will see them in their list."""
    header = [_("Row"), str(COLUMNS["full_name"]), _("Date of birth"), _("ID number"), _("Mobile number"),
              _("Priority group"), _("What will happen")]
    lines = [[row["row"], row["full_name"], datetime.date.fromisoformat(row["date_of_birth"]).strftime("%d/%m/%Y"),
              id_number_mask(row["id_number"]), phone_display(row["phone"]),
              row["priority_group"], str(ACTIONS.get(row.get("action", "create"), ""))]
             for row in rows[:PREVIEW_ROWS]]
    return header, lines


def registrations_open(*, actor, organisation, entries: list[tuple[int, int, int]], reason: str,
                       first_seen: set[int] = frozenset()) -> set[int]:
    """A registration through the organisation for each (person id, priority group id, ward id) that has no
    registration in progress yet (open, or carrying their course on after a dose), for the person's next dose;
    returns the people registered now. `first_seen`: people written by this upload, who have had no dose here."""
    in_progress = [*Registration.OPEN, Registration.Status.VACCINATED]
    # People this upload has just written have no registration yet: only the others are looked up.
    known = [person_id for person_id, _group, _ward in entries if person_id not in first_seen]
    open_ids = set(Registration.objects.filter(person_id__in=_among(known, "bigint"), status__in=in_progress)
                   .values_list("person_id", flat=True)) if known else set()
    now = timezone.now()
    new = [entry for entry in entries if entry[0] not in open_ids]
    wards = {pk: (parent, province, district) for pk, parent, province, district in AdministrativeUnit.objects.filter(
        pk__in={ward_id for _person, _group, ward_id in new}).values_list("pk", "parent_id", "province_code",
                                                                         "district_code")}
    if connection.vendor == "postgresql":
        # COPY: at a hundred thousand rows an instance per registration and event cost most of the upload. The
        # ids come from the sequence first, so both go straight into their tables, with no staging table.
        numbers = dict(PriorityGroup.objects.values_list("pk", "number"))
        ids = reserve_ids(Registration, len(new))
        copy_rows(
            Registration, ["id", "person", "priority_group", "ward", "organisation", "consent_at", "created_by",
                           "province_code", "district_code", "priority_number"],
            ((pk, person_id, group_id, ward_id, organisation.pk, now, actor.pk, wards[ward_id][1], wards[ward_id][2],
              numbers[group_id]) for pk, (person_id, group_id, ward_id) in zip(ids, new)))
        copy_rows(RegistrationEvent, ["registration", "actor", "at", "to_status", "reason"],
                  ((pk, actor.pk, now, Registration.Status.SUBMITTED, reason) for pk in ids))
    else:
        registrations = Registration.objects.bulk_create([
            Registration(person_id=person_id, priority_group_id=group_id, ward_id=ward_id,
                         organisation=organisation, consent_at=now, created_by=actor)
            for person_id, group_id, ward_id in new], batch_size=2000)
        RegistrationEvent.objects.bulk_create(
            [RegistrationEvent(registration=r, actor=actor, at=now, to_status=Registration.Status.SUBMITTED,
                               reason=reason) for r in registrations], batch_size=2000)
    _carry_courses_on([person_id for person_id, _group, _ward in new if person_id not in first_seen])
    registrations_moved.send(sender=Registration, moves=Counter(
        (wards[ward_id][0], "", Registration.Status.SUBMITTED) for _person, _group, ward_id in new))
    return {person_id for person_id, _group, _ward in new}


def _carry_courses_on(person_ids: list[int]) -> None:
    """The new registrations of people who had doses (recorded, or declared at an earlier registration) are for
    their next dose, from the day it falls due: a registration carries a course on, never restarts it."""
    plans: dict[tuple, list[int]] = {}
    for person_id, course in courses_of(person_ids).items():
        plan = next_dose(course)
        key = (plan.number, plan.due_from, plan.required_vaccine.pk if plan.required_vaccine else None)
        plans.setdefault(key, []).append(person_id)
    for (number, due_from, vaccine_id), people in plans.items():
        Registration.objects.filter(person_id__in=people, status=Registration.Status.SUBMITTED).update(
            next_dose_number=number, due_from=due_from, required_vaccine_id=vaccine_id)


PERSON_COLUMNS = ["id_number", "occupation", "qr_token", "full_name", "date_of_birth", "sex", "id_kind", "phone", "ward"]


def _people_create(rows: list[dict]) -> dict[str, int]:
    """Write a person for each checked row, skipping any number another upload wrote meanwhile; returns
    {ID number: id} of those written here."""
    if connection.vendor == "postgresql":
        # Straight from the checked rows to COPY: at 100,000 rows a Person instance each cost more than the write.
        return dict(copy_rows(Person, PERSON_COLUMNS, ((
            row["id_number"], row["occupation"], new_qr_token(), row["full_name"], row["date_of_birth"], row["sex"],
            row["id_kind"], row["phone"], row["ward_id"]) for row in rows), skip_conflicts=True,
            returning=("id_number", "id")))
    people = [Person(id_number=row["id_number"], occupation=row["occupation"], qr_token=new_qr_token(),
                     **_identity(row)) for row in rows]
    Person.objects.bulk_create(people, batch_size=2000, ignore_conflicts=True)
    tokens = {person.qr_token for person in people}
    return {number: pk for number, pk, token in Person.objects.filter(id_number__in=[p.id_number for p in people])
            .values_list("id_number", "pk", "qr_token") if token in tokens}


@transaction.atomic
def apply_rows(*, actor, organisation, rows: list[dict]) -> list[dict]:
    """New people are created and the organisation's own people updated (through the identity service);
    each gets a registration linked to the organisation unless one is already open. Rows whose number became
    someone else's since the check are refused. One transaction, set-wise."""
    existing, owned = _people_on_file(organisation, [row["id_number"] for row in rows], lock=True)
    groups = dict(PriorityGroup.objects.values_list("number", "id"))
    to_create, identity_changes, occupations = [], [], []
    for row in rows:
        person = existing.get(row["id_number"])
        if person is None:
            to_create.append(row)
        elif person.pk in owned:
            identity_changes.append((person, _identity(row)))
            if person.occupation != row["occupation"]:
                person.occupation = row["occupation"]
                occupations.append(person)
    # Another upload may create the same number at the same moment: whoever commits first has it, and the
    # other's row is refused below instead of failing the whole file.
    created = _people_create(to_create)
    if connection.vendor == "postgresql":
        # Straight into the table: people this transaction has just written cannot be on anyone's list yet.
        copy_rows(OrganisationPerson, ["organisation", "person", "origin"], rows=(
            (organisation.pk, pk, OrganisationPerson.Origin.ADDED) for pk in created.values()))
    else:
        OrganisationPerson.objects.bulk_create(
            [OrganisationPerson(organisation=organisation, person_id=pk, origin=OrganisationPerson.Origin.ADDED)
             for pk in created.values()], batch_size=2000, ignore_conflicts=True)
    reason = _("Staff list uploaded by %(organisation)s") % {"organisation": organisation.name}
    changed = {person.pk for person in people_identity_change(actor=actor, changes=identity_changes, reason=reason)}
    Person.objects.bulk_update(occupations, ["occupation"], batch_size=2000)
    changed |= {person.pk for person in occupations}
    person_of = {**{number: person.pk for number, person in existing.items() if person.pk in owned}, **created}
    registered = registrations_open(
        actor=actor, organisation=organisation, reason=_("Registered by %(organisation)s") % {
            "organisation": organisation.name},
        entries=[(person_of[row["id_number"]], groups[row["priority_group"]], row["ward_id"])
                 for row in rows if row["id_number"] in person_of], first_seen=set(created.values()))
    results = []
    # Each message translated once, not once per row.
    refused, registered_now, in_progress = (str(NOT_FROM_UPLOAD), _("registered"),
                                            _("already has a registration in progress"))
    for row in rows:
        pk = person_of.get(row["id_number"])
        if pk is None:
            results.append({"row": row["row"], "status": "refused", "message": refused})
            continue
        status = "created" if row["id_number"] in created else ("updated" if pk in changed else "unchanged")
        results.append({"row": row["row"], "status": status,
                        "message": registered_now if pk in registered else in_progress})
    return results
