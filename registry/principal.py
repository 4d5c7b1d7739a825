"""Who is signed in, read from the cache: the user with their permissions and jurisdiction, and their second factor.

Every signed-in page used to start with five database round trips before its own work: the user, the second-factor
device, the staff assignment and two permission queries. Here the first request of a user reads them once and keeps
them in the cache (Redis in production) for AUTH_CACHE_SECONDS; later requests read them, and the badges their
pages show, in the same round trip as the session (`principal_keys`, registry/kept.py).

What is kept is never trusted beyond what the database would say:
- every change that affects it (the user's row, their staff assignment, groups and permissions, a facility's area,
  a second-factor device) deletes the kept copy in the same moment, through model signals;
- the session's password hash is checked against the kept user as Django checks it, so a password change still
  ends every other session;
- AUTH_CACHE_SECONDS bounds anything a signal cannot see (a row changed by hand in the database);
- when the cache fails, the database answers, as without it.
"""
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import DEFAULT_CACHE_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils.crypto import constant_time_compare
from django.utils.functional import LazyObject, SimpleLazyObject, empty
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from .kept import kept_for, kept_forget, kept_read_by, kept_set, kept_with_user

USER_KEY = "registry.principal.user:{}"
DEVICE_KEY = "registry.principal.device:{}"


def principal_forget(*user_ids) -> None:
    """Drop the kept copy of these users: the next request reads them from the database."""
    kept_forget(*(USER_KEY.format(pk) for pk in user_ids if pk is not None))


def _remember(user) -> None:
    from .selectors import jurisdiction_of

    user.get_all_permissions()  # fills the backends' per-user permission caches, kept with the user
    jurisdiction_of(user)
    kept_set(USER_KEY.format(user.pk), user, settings.AUTH_CACHE_SECONDS)


_session_users: dict[str, str] = {}  # per session key, the user its last request had in this process (a guess)
SESSION_USERS = 4096


def principal_keys(session_key: str | None) -> list[str]:
    """The kept keys that the session's next request will read, as far as this process can guess: those of the user
    its last request had here (their copy, and what `kept_for` read for them). The session reads them with its own,
    in one round trip (registry/sessions.py); `principal_user` still checks that the user is the session's."""
    user_id = _session_users.get(session_key) if session_key else None
    if user_id is None or not settings.AUTH_CACHE_SECONDS or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
        return []
    return [USER_KEY.format(user_id), *kept_read_by(user_id)]


def principal_user(request):
    """request.user: the kept copy when the session's user, backend and password hash agree with it."""
    session = request.session
    user_id, backend, session_hash = (session.get(SESSION_KEY), session.get(BACKEND_SESSION_KEY),
                                      session.get(HASH_SESSION_KEY))
    if settings.AUTH_CACHE_SECONDS and user_id and session_hash and backend in settings.AUTHENTICATION_BACKENDS:
        user_key = USER_KEY.format(user_id)
        read = getattr(session, "kept_along", {})  # read with the session, as principal_keys guessed
        kept, with_user = (read[user_key], read) if user_key in read else kept_with_user(user_id, user_key)
        if kept is not None and str(kept.pk) == str(user_id) and kept.is_active and constant_time_compare(
                session_hash, kept.get_session_auth_hash()):
            kept.kept_with_user = with_user  # what kept_for answers from, for this request
            if session.session_key and _session_users.get(session.session_key) != str(user_id):
                if len(_session_users) >= SESSION_USERS:
                    _session_users.clear()
                _session_users[session.session_key] = str(user_id)
            return kept
    user = get_user(request)  # Django's own path: the database, fallback secrets, flushing a stale session
    if settings.AUTH_CACHE_SECONDS and user.is_authenticated and user.is_active:
        _remember(user)
    return user


class PrincipalAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with request.user read through `principal_user`."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: principal_user(request))


def _unwrapped(user):
    """The object behind a lazy request.user (a LazyObject holds it in `_wrapped` once set up)."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


class PrincipalOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, with the session's second-factor device read from the cache when kept there.
    django-otp still checks that the device belongs to the user and is confirmed."""

    def _verify_user_sync(self, request, user):
        """django-otp's own, reading the device through `kept_for`: with the user, in one round trip.

        The user itself then replaces the lazy objects on the request (ours inside django-otp's): a page reads
        request.user dozens of times, and each read through them raised and caught an AttributeError in each."""
        user = _unwrapped(user)
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if persistent_id:
            user.otp_device = self._finalize_device(request, user, self._device_of(user, persistent_id))
        request.user = user
        return user

    def _device_of(self, user, persistent_id: str):
        if not settings.AUTH_CACHE_SECONDS:
            return self._device_from_persistent_id(persistent_id)
        key = DEVICE_KEY.format(self._normalize_persistent_id(persistent_id))
        device = kept_for(user, key)
        if device is None:
            device = self._device_from_persistent_id(persistent_id)
            if device is not None:
                kept_set(key, device, settings.AUTH_CACHE_SECONDS)
        return device


# What makes a kept copy stale: each deletes it when it happens. A row just created has no kept copy (its id is
# new), so saving one costs no round trip to the cache (every sign-up creates an account and a code device).

def _user_changed(sender, instance, created=False, **kwargs):
    if not created:
        principal_forget(instance.pk)


def _assignment_changed(sender, instance, **kwargs):
    principal_forget(instance.user_id)


def _facility_changed(sender, instance, **kwargs):
    from .models import StaffAssignment

    principal_forget(*StaffAssignment.objects.filter(facility=instance).values_list("user_id", flat=True))


def _holders_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A user's groups or own permissions changed, from either side of the relation."""
    from django.contrib.auth import get_user_model

    if isinstance(instance, get_user_model()):
        if action.startswith("post_"):
            principal_forget(instance.pk)
    elif action == "pre_clear":  # a group or permission loses all its users: read them before they go
        principal_forget(*instance.user_set.values_list("pk", flat=True))
    elif action.startswith("post_"):
        principal_forget(*(pk_set or []))


def _group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from django.contrib.auth.models import Group

    if not (action.startswith("post_") or action == "pre_clear"):
        return
    groups = [instance] if isinstance(instance, Group) else list(Group.objects.filter(pk__in=pk_set or []))
    if action == "pre_clear" and not isinstance(instance, Group):
        groups = list(instance.group_set.all())
    for group in groups:
        principal_forget(*group.user_set.values_list("pk", flat=True))


def _group_deleted(sender, instance, **kwargs):
    principal_forget(*instance.user_set.values_list("pk", flat=True))


def _device_changed(sender, instance, created=False, **kwargs):
    if not created:
        kept_forget(DEVICE_KEY.format(instance.persistent_id))


def principal_signals_connect() -> None:
    """Called once from RegistryConfig.ready."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django_otp.models import Device

    from .models import Facility, StaffAssignment

    user_model = get_user_model()
    devices = [model for model in apps.get_models() if issubclass(model, Device)]
    for signal in (post_save, post_delete):
        signal.connect(_user_changed, sender=user_model, dispatch_uid="principal-user")
        signal.connect(_assignment_changed, sender=StaffAssignment, dispatch_uid="principal-assignment")
        for model in devices:  # per model: a receiver for every model would stop Django's fast deletes
            signal.connect(_device_changed, sender=model, dispatch_uid=f"principal-device-{model._meta.label}")
    post_save.connect(_facility_changed, sender=Facility, dispatch_uid="principal-facility")
    pre_delete.connect(_group_deleted, sender=Group, dispatch_uid="principal-group")
    m2m_changed.connect(_holders_changed, sender=user_model.groups.through, dispatch_uid="principal-groups")
    m2m_changed.connect(_holders_changed, sender=user_model.user_permissions.through,
                        dispatch_uid="principal-user-permissions")
    m2m_changed.connect(_group_permissions_changed, sender=Group.permissions.through,
                        dispatch_uid="principal-group-permissions")
