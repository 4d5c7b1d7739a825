"""Device tokens for the phone app: issued at sign-in, checked on every API call, revoked by the citizen."""
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from registry.audit import audit_record

from ..models import DeviceToken, User

TOKEN_PREFIX = "ssk_"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def device_token_issue(*, user: User, name: str) -> tuple[DeviceToken, str]:
    """A new token for a signed-in device; the raw token is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = DeviceToken.objects.create(user=user, name=(name or "").strip()[:80] or "?", token_hash=token_hash(raw))
    audit_record(actor=user, action="citizen.device_signed_in", target=user, changes={"device": device.name})
    return device, raw


def device_token_user(raw: str) -> User | None:
    """The active citizen account a bearer token belongs to, or None. Marks the device used, at most once a
    minute, so a busy app does not write on every call."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    device = DeviceToken.objects.select_related("user").filter(
        token_hash=token_hash(raw), revoked_at__isnull=True, user__is_active=True, user__is_staff=False).first()
    if device is None:
        return None
    now = timezone.now()
    if device.last_used_at is None or (now - device.last_used_at).total_seconds() > settings.API_TOKEN_TOUCH_SECONDS:
        DeviceToken.objects.filter(pk=device.pk).update(last_used_at=now)
    device.user.api_device = device
    return device.user


@transaction.atomic
def device_token_revoke(*, actor: User, device_id: int) -> bool:
    """Sign a device out; False when the account has no such device still signed in (someone else's: the same)."""
    device = DeviceToken.objects.select_for_update().filter(
        pk=device_id, user=actor, revoked_at__isnull=True).first()
    if device is None:
        return False
    device.revoked_at = timezone.now()
    device.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="citizen.device_signed_out", target=actor, changes={"device": device.name})
    return True
