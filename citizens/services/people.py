"""People an account holds or cares for: profile, family members, health QR, health declarations."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from registry.audit import audit_record

from ..models import HealthDeclaration, Person, new_qr_token
from ..selectors import people_for

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


@transaction.atomic
def person_update(*, actor, person_id: int, data: dict) -> Person:
    person = _own_person_locked(actor, person_id)
    _id_number_free(data.get("id_number"), exclude_pk=person.pk)
    changed = [field for field in PROFILE_FIELDS if field in data and getattr(person, field) != data[field]]
    for field in changed:
        setattr(person, field, data[field])
    if changed:
        person.save()
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
