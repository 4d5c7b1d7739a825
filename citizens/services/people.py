"""People an account holds or cares for: profile, family members, health QR, health declarations; and the one
service through which anyone's identity (name, date of birth, sex, ID, phone, ward) changes."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry.audit import audit_record, audit_record_each
from registry.models import AdministrativeUnit
from registry.text import ascii_fold

from ..models import HealthDeclaration, Person, new_qr_token
from ..phones import phone_normalize
from ..selectors import people_for
from .messaging import Notice, notify_many

PROFILE_FIELDS = [
    "full_name", "date_of_birth", "sex", "nationality", "phone", "id_kind", "id_number", "insurance_number",
    "insurance_valid_from", "insurance_valid_to", "ward", "street", "occupation", "workplace",
    "chronic_conditions", "allergies", "severe_reactions", "medical_history",
]


def _own_person_locked(actor, person_id: int) -> Person:
    """Lock one of the actor's people; anyone else's person looks exactly like a missing one."""
    person = people_for(actor).select_for_update(of=("self",)).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def _id_number_free(id_number: str | None, *, exclude_pk: int | None) -> None:
    if id_number and Person.objects.filter(id_number=id_number).exclude(pk=exclude_pk).exists():
        raise ValidationError({"id_number": _("This ID number already belongs to another person. "
                                              "If it is yours, contact the response center.")})


IDENTITY_FIELDS = ("full_name", "date_of_birth", "sex", "id_kind", "id_number", "phone", "ward")
IDENTITY_ACTION = "person.identity_change"


def _identity_value(field: str, value):
    """A value as the audit log keeps it: JSON, and the ward as its id."""
    if isinstance(value, AdministrativeUnit):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value if value is not None else ""


def _identity_clean(changes: dict) -> dict:
    unknown = set(changes) - set(IDENTITY_FIELDS) - {"ward_id"}
    if unknown:
        raise ValueError(f"not identity fields: {sorted(unknown)}")
    clean = {}
    for field, value in changes.items():
        if field in ("ward", "ward_id"):
            field, value = "ward_id", value.pk if isinstance(value, AdministrativeUnit) else value
        elif field == "phone":
            value = phone_normalize(value) if value else ""  # one rule for every path: no number that cannot exist
        elif field == "id_number":
            value = (value or "").strip().upper().replace(" ", "") or None
        clean[field] = value
    return clean


@transaction.atomic
def people_identity_change(*, actor, changes: list[tuple[Person, dict]], reason: str,
                           action: str = IDENTITY_ACTION) -> list[Person]:
    """The one way anyone's identity changes, for one person or many (an upload): values before and after go to
    the audit log, and the person is told by a notification and by SMS to the phone on record *before* the
    change, so that a number moved elsewhere still reaches its owner. Callers decide whether the actor may
    change these people; this service re-reads and locks their rows. Returns the people that changed."""
    reason = str(reason)
    wanted = {person.pk: _identity_clean(fields) for person, fields in changes}
    current = (Person.objects.select_for_update(of=("self",)).select_related("account", "managed_by")
               .filter(pk__in=wanted).order_by("pk"))
    numbers = {pk: fields["id_number"] for pk, fields in wanted.items() if fields.get("id_number")}
    if numbers and Person.objects.filter(id_number__in=numbers.values()).exclude(pk__in=numbers).exists():
        raise ValidationError({"id_number": _("This ID number already belongs to another person. "
                                              "If it is yours, contact the response center.")})
    changed, entries, notices, fields_written = [], [], [], set()
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        for person in current:
            diff = {field: value for field, value in wanted[person.pk].items() if getattr(person, field) != value}
            if not diff:
                continue
            names = [field.removesuffix("_id") for field in diff]
            before = {name: _identity_value(name, getattr(person, field)) for name, field in zip(names, diff)}
            after = {name: _identity_value(name, value) for name, value in zip(names, diff.values())}
            entries.append((person, {"fields": names, "before": before, "after": after, "reason": reason}))
            labels = ", ".join(str(Person._meta.get_field(name).verbose_name) for name in names)
            notices.append(Notice(
                person=person, title=_("Your personal details were changed"),
                body=_("Changed: %(fields)s. Reason: %(reason)s. If this is wrong, contact the response "
                       "center.") % {"fields": labels, "reason": reason},
                sms_text=ascii_fold(_("Your details on the vaccination platform were changed (%(fields)s). If you "
                                      "did not ask for this, contact the response center.") % {"fields": labels})))
            fields_written.update(diff)
            changed.append((person, diff))
    if not changed:
        return []
    notify_many(notices)  # before the values change: the SMS goes to the number the person had until now
    for person, diff in changed:
        for field, value in diff.items():
            setattr(person, field, value)
        person.updated_at = now
    changed = [person for person, _diff in changed]
    Person.objects.bulk_update(changed, sorted(fields_written) + ["updated_at"], batch_size=2000)
    audit_record_each(actor=actor, action=action, entries=entries)
    given = {person.pk: person for person, _fields in changes}
    for person in changed:  # the caller's objects show the new values
        for field in wanted[person.pk]:
            setattr(given[person.pk], field, getattr(person, field))
    return changed


def person_identity_change(*, actor, person: Person, changes: dict, reason: str,
                           action: str = IDENTITY_ACTION) -> bool:
    """`people_identity_change` for one person; True if anything changed."""
    return bool(people_identity_change(actor=actor, changes=[(person, changes)], reason=reason, action=action))


@transaction.atomic
def person_update(*, actor, person_id: int, data: dict) -> Person:
    person = _own_person_locked(actor, person_id)
    identity = {field: data[field] for field in IDENTITY_FIELDS if field in data}
    person_identity_change(actor=actor, person=person, changes=identity, reason=_("Changed by the account holder"))
    changed = [field for field in PROFILE_FIELDS
               if field in data and field not in IDENTITY_FIELDS and getattr(person, field) != data[field]]
    for field in changed:
        setattr(person, field, data[field])
    if changed:
        person.save(update_fields=changed + ["updated_at"])
        # Only the names of changed fields: the audit log must not become a second copy of health data.
        audit_record(actor=actor, action="person.update", target=person, changes={"fields": changed})
    return person


@transaction.atomic
def family_member_add(*, actor, data: dict) -> Person:
    if actor.is_staff or not actor.is_authenticated:
        raise Http404
    _id_number_free(data.get("id_number"), exclude_pk=None)
    person = Person.objects.create(managed_by=actor, **{f: v for f, v in data.items() if f in PROFILE_FIELDS})
    audit_record(actor=actor, action="person.family_member_added", target=person)
    return person


@transaction.atomic
def person_qr_rotate(*, actor, person_id: int) -> Person:
    """A new personal health QR; the old one stops working at once."""
    person = _own_person_locked(actor, person_id)
    person.qr_token = new_qr_token()
    person.save(update_fields=["qr_token", "updated_at"])
    audit_record(actor=actor, action="person.qr_rotated", target=person)
    return person


@transaction.atomic
def declaration_submit(*, actor, person_id: int, symptoms: list[str], contact_confirmed: bool,
                       contact_suspected: bool, places_visited: str) -> HealthDeclaration:
    person = _own_person_locked(actor, person_id)
    declaration = HealthDeclaration.objects.create(
        person=person, declared_by=actor, symptoms=sorted(set(symptoms)), contact_confirmed=contact_confirmed,
        contact_suspected=contact_suspected, places_visited=places_visited,
    )
    audit_record(actor=actor, action="declaration.submit", target=declaration,
                 changes={"on_behalf": person.account_id != actor.pk})
    return declaration
