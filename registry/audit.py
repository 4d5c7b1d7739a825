"""The one helper every service uses to say who did what to which record."""
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .db import hot_cursor
from .middleware import current_origin
from .models import AuditEvent

SYSTEM_ACTOR = "system"  # the actor_label of rows written without a person (beat, a task, an anonymous visitor)


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_label": SYSTEM_ACTOR}
    return {"actor": actor, "actor_label": str(actor)[:200]}


def _origin_fields() -> dict:
    origin = current_origin()
    return {"ip": origin.ip, "user_agent": origin.user_agent} if origin else {}


_COLUMNS = "at, actor_id, actor_label, action, target_type_id, target_id, target_label, changes, ip, user_agent"
_INSERT = f"INSERT INTO registry_auditevent ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def _row(*, actor, action: str, target: models.Model | None, target_id: str, label: str,
         changes: dict | None) -> list:
    """One audit row's values, in the order of _COLUMNS (`target` gives the row's type only)."""
    who, origin = _actor_fields(actor), _origin_fields()
    ops = connection.ops
    return [
        ops.adapt_datetimefield_value(timezone.now()), who["actor"].pk if who["actor"] else None, who["actor_label"],
        action, ContentType.objects.get_for_model(target).pk if target is not None else None, target_id, label[:200],
        ops.adapt_json_value(changes or {}, None), ops.adapt_ipaddressfield_value(origin.get("ip")),
        origin.get("user_agent", ""),
    ]


def audit_record(*, actor, action: str, target: models.Model | None = None, changes: dict | None = None) -> None:
    """Write one audit row in the caller's transaction.

    One plain INSERT rather than a model save: every dose, registration and sign-up writes one, and the ORM's
    save costs more CPU than the rest of such a transaction's statements together."""
    row = _row(actor=actor, action=action, target=target, target_id=str(target.pk) if target is not None else "",
               label=str(target) if target is not None else "", changes=changes)
    with hot_cursor() as cursor:
        cursor.execute(_INSERT, row)


def audit_insert_from(source: str, *, actor, action: str, target: models.Model,
                      changes: dict | None = None) -> tuple[str, list]:
    """`audit_record`'s row as an INSERT to put in a WITH of the statement that writes `target` (PostgreSQL):
    `source` names the WITH query returning the new row's `id`, which becomes the audit row's target. One
    statement, one round trip, for a path that writes many rows (a dose); `target` is the unsaved instance."""
    row = _row(actor=actor, action=action, target=target, target_id="", label=str(target), changes=changes)
    values = ", ".join(f"{source}.id::text" if column == "target_id" else "%s" for column in _COLUMNS.split(", "))
    return (f"INSERT INTO registry_auditevent ({_COLUMNS}) SELECT {values} FROM {source}",
            [value for column, value in zip(_COLUMNS.split(", "), row) if column != "target_id"])


def audit_record_many(*, actor, action: str, model: type[models.Model], ids: Iterable, changes: dict | None = None) -> int:
    """One audit row per record of a bulk action, written set-wise."""
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    common = {**_actor_fields(actor), **_origin_fields()}
    rows = [
        AuditEvent(at=now, action=action, target_type=content_type, target_id=str(pk), changes=changes or {}, **common)
        for pk in ids
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def audit_trail(target: models.Model):
    """Everything the audit log holds about one record, newest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


def audit_record_each(*, actor, action: str, entries: list[tuple[models.Model, dict]]) -> int:
    """One audit row per record, each with its own changes (values before and after), written set-wise."""
    if not entries:
        return 0
    now = timezone.now()
    common = {**_actor_fields(actor), **_origin_fields()}
    types = {}
    rows = []
    for target, changes in entries:
        model = type(target)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(AuditEvent(at=now, action=action, target_type=types[model], target_id=str(target.pk),
                               target_label=str(target)[:200], changes=changes, **common))
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# What each action written to the audit log is called on the pages that show it (the audit log, an organisation's
# history), in the reader's language. tests/registry/test_labels.py holds every action the code writes to a label.
ACTION_LABELS = {
    "appointment.book": gettext_lazy("Appointment booked"),
    "certificate.issue": gettext_lazy("Certificate issued"),
    "certificate.looked_up": gettext_lazy("Certificate looked up without an account"),
    "certificate.revoke": gettext_lazy("Certificate revoked"),
    "certificate.revoke_lot": gettext_lazy("Certificates of a recalled lot revoked"),
    "certificate.supersede": gettext_lazy("Certificate withdrawn: no confirmed dose left"),
    "citizen.device_signed_in": gettext_lazy("Signed in on a device (the app)"),
    "clinic.booking_attended": gettext_lazy("Medical appointment attended"),
    "clinic.booking_cancel": gettext_lazy("Medical appointment cancelled"),
    "clinic.booking_create": gettext_lazy("Medical appointment booked"),
    "clinic.booking_move": gettext_lazy("Medical appointment moved"),
    "clinic.booking_no_show": gettext_lazy("Did not come to the medical appointment"),
    "clinic.slots_publish": gettext_lazy("Consultation slots published"),
    "consultation.record": gettext_lazy("Consultation recorded"),
    "citizen.device_signed_out": gettext_lazy("Signed out of a device (the app)"),
    "citizen.password_reset": gettext_lazy("Password reset"),
    "citizen.phone_changed": gettext_lazy("Phone number changed"),
    "citizen.signup_finished": gettext_lazy("Sign-up completed"),
    "citizen.signup_started": gettext_lazy("Sign-up started"),
    "declaration.submit": gettext_lazy("Health declaration sent"),
    "dose.correct": gettext_lazy("Dose record corrected"),
    "dose.record": gettext_lazy("Dose recorded"),
    "doses.confirm": gettext_lazy("Dose records confirmed"),
    "exposure.declare": gettext_lazy("Exposure declared at a place"),
    "exposure.notified": gettext_lazy("People who checked in told of an exposure"),
    "facility.create": gettext_lazy("Facility created"),
    "help.answer": gettext_lazy("Help request answered"),
    "help.submit": gettext_lazy("Help request sent"),
    "import.confirm": gettext_lazy("Uploaded list recorded"),
    "import.upload": gettext_lazy("File uploaded"),
    "lot.receive": gettext_lazy("Vaccine lot received"),
    "organisation.confirm": gettext_lazy("Organisation confirmed"),
    "organisation.link_accepted": gettext_lazy("Agreed to join the organisation's list"),
    "organisation.link_asked": gettext_lazy("Asked someone to join the list"),
    "organisation.link_declined": gettext_lazy("Declined to join the organisation's list"),
    "organisation.link_requested": gettext_lazy("Request to join the list sent"),
    "organisation.register": gettext_lazy("Organisation registered"),
    "person.code_resolved": gettext_lazy("Health QR code scanned"),
    "person.correct": gettext_lazy("Personal details corrected"),
    "person.family_member_added": gettext_lazy("Family member added"),
    "person.identity_change": gettext_lazy("Identity details changed"),
    "person.qr_rotated": gettext_lazy("Health QR code renewed"),
    "person.searched_at_site": gettext_lazy("Found by a search at the site"),
    "person.update": gettext_lazy("Profile updated"),
    "person.walk_in_created": gettext_lazy("Walk-in registered at the site"),
    "reaction.follow_up": gettext_lazy("Reaction followed up"),
    "reaction.report": gettext_lazy("Reaction reported"),
    "registration.after_dose": gettext_lazy("Put on a course after a dose given without a registration"),
    "registration.submit": gettext_lazy("Registration sent"),
    "registrations.allocate": gettext_lazy("Registrations allocated to a district"),
    "registrations.approve": gettext_lazy("Registrations approved"),
    "registrations.reject": gettext_lazy("Registrations rejected"),
    "session.close": gettext_lazy("Session closed"),
    "session.create": gettext_lazy("Session planned"),
    "session.schedule_auto": gettext_lazy("People scheduled automatically"),
    "staff.assign": gettext_lazy("Staff role assigned"),
    "staff.otp_enrolled": gettext_lazy("Authenticator app set up"),
    "staff.otp_failed": gettext_lazy("Wrong authenticator code"),
    "staff.otp_verified": gettext_lazy("Authenticator code accepted"),
    "staff.sign_in": gettext_lazy("Signed in"),
    "staff.sign_in_failed": gettext_lazy("Sign-in failed"),
    "staff.sign_in_refused": gettext_lazy("Sign-in refused (too many attempts)"),
    "stock.adjusted": gettext_lazy("Stock count adjusted"),
    "stock.transfer": gettext_lazy("Vaccine sent"),
    "stock.wasted": gettext_lazy("Wasted doses recorded"),
    "venue.register": gettext_lazy("Place registered for check-in"),
    "visit.check_in": gettext_lazy("Checked in at the site"),
    "visit.observe": gettext_lazy("Observation ended"),
    "visit.screen": gettext_lazy("Screened before vaccination"),
}


def action_label(action: str) -> str:
    """The phrase for an audit action; one nobody labelled yet still reads as a phrase, with its code for staff."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else _("Other action (%(code)s)") % {"code": action}


def actor_label(event) -> str:
    return _("System") if event.actor_id is None and event.actor_label == SYSTEM_ACTOR else event.actor_label
