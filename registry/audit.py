"""The one helper every service uses to say who did what to which record."""
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from .db import hot_cursor
from .middleware import current_origin
from .models import AuditEvent


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_label": "system"}
    return {"actor": actor, "actor_label": str(actor)[:200]}


def _origin_fields() -> dict:
    origin = current_origin()
    return {"ip": origin.ip, "user_agent": origin.user_agent} if origin else {}


_INSERT = ("INSERT INTO registry_auditevent (at, actor_id, actor_label, action, target_type_id, target_id, "
           "target_label, changes, ip, user_agent) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


def audit_record(*, actor, action: str, target: models.Model | None = None, changes: dict | None = None) -> None:
    """Write one audit row in the caller's transaction.

    One plain INSERT rather than a model save: every dose, registration and sign-up writes one, and the ORM's
    save costs more CPU than the rest of such a transaction's statements together."""
    who, origin = _actor_fields(actor), _origin_fields()
    target_type = ContentType.objects.get_for_model(target).pk if target is not None else None
    ops = connection.ops
    with hot_cursor() as cursor:
        cursor.execute(_INSERT, [
            ops.adapt_datetimefield_value(timezone.now()), who["actor"].pk if who["actor"] else None,
            who["actor_label"], action, target_type, str(target.pk) if target is not None else "",
            str(target)[:200] if target is not None else "", ops.adapt_json_value(changes or {}, None),
            ops.adapt_ipaddressfield_value(origin.get("ip")), origin.get("user_agent", ""),
        ])


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
