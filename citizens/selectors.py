"""Reads for citizens (only their own people) and for staff (scoped, audited)."""
from django.conf import settings
from django.db.models import F, Q, QuerySet

from registry.audit import audit_record
from registry.kept import kept_for, kept_forget, kept_set
from registry.selectors import jurisdiction_of

from .models import HealthDeclaration, Notification, Person


def people_for(user) -> QuerySet[Person]:
    """The account holder's own person and the people in their care; nobody else's."""
    if not user.is_authenticated or user.is_staff:
        return Person.objects.none()
    return Person.objects.filter(Q(account=user) | Q(managed_by=user)).select_related(
        "ward__parent__parent").order_by(F("account_id").desc(nulls_last=True), "full_name", "pk")


def person_for(user, person_id) -> Person | None:
    """One of the account's people by id, None when not theirs: `people_for` without the list's joins and order,
    for the pages of one person that show nothing of their address (the joins cost more than the read)."""
    return people_for(user).select_related(None).order_by().filter(pk=person_id).first()


def people_for_sql(user, *, alias: str = "p") -> tuple[str, list]:
    """`people_for`'s rule as a SQL condition on citizens_person `alias`, with its parameters, for the hot
    paths that read a person in raw SQL (a registration); the two must say the same."""
    if not user.is_authenticated or user.is_staff:
        return "1 = 0", []
    return f"({alias}.account_id = %s OR {alias}.managed_by_id = %s)", [user.pk, user.pk]


def declarations_for(user) -> QuerySet[HealthDeclaration]:
    return HealthDeclaration.objects.filter(person__in=people_for(user)).select_related("person")


def notifications_for(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("person")


UNREAD_KEY = "citizens.unread:{}"


def unread_notification_count(user) -> int:
    """The badge on every citizen page: kept BADGE_CACHE_SECONDS, dropped by `unread_forget` on every change."""
    if not user.is_authenticated or user.is_staff:
        return 0
    seconds = settings.BADGE_CACHE_SECONDS
    kept = kept_for(user, UNREAD_KEY.format(user.pk)) if seconds > 0 else None
    if isinstance(kept, int):
        return kept
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    kept_set(UNREAD_KEY.format(user.pk), count, seconds)
    return count


def unread_forget(*user_ids) -> None:
    """These accounts' notifications changed: their badges count again."""
    kept_forget(*(UNREAD_KEY.format(pk) for pk in user_ids if pk is not None))


def health_code_resolve(*, staff, code: str) -> tuple[Person | None, HealthDeclaration | None]:
    """What a scanned code points to, for site staff only: a personal health QR (SSK:…) or a declaration (TKYT:…).

    Every successful look-up is audited, because it reveals a person to a staff member.
    """
    if not (jurisdiction_of(staff).is_staff and staff.has_perm("citizens.resolve_health_code")):
        return None, None
    code = (code or "").strip()
    prefix, _sep, token = code.partition(":")
    if not token:
        return None, None
    if prefix.upper() == "SSK":
        person = Person.objects.select_related("ward__parent__parent").filter(qr_token=token).first()
        declaration = person.declarations.first() if person else None
    elif prefix.upper() == "TKYT":
        declaration = HealthDeclaration.objects.select_related("person__ward__parent__parent").filter(
            qr_token=token).first()
        person = declaration.person if declaration else None
    else:
        return None, None
    if person is not None:
        audit_record(actor=staff, action="person.code_resolved", target=person, changes={"kind": prefix.upper()})
    return person, declaration


def device_tokens_for(user) -> QuerySet:
    """The account's devices still signed in to the API, newest first."""
    from .models import DeviceToken

    if not user.is_authenticated or user.is_staff:
        return DeviceToken.objects.none()
    return DeviceToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at", "-pk")
