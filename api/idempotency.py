"""Idempotency-Key on creating POSTs: the same account sending the same key again within
API_IDEMPOTENCY_SECONDS gets the first answer back and nothing is created twice."""
import datetime
import hashlib
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.responses import Status

from citizens.models import IdempotentResponse

from .problems import ApiProblem

MAX_KEY = 200


def _fingerprint(request) -> str:
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + request.body).hexdigest()


def _claim(user, key: str, fingerprint: str) -> IdempotentResponse | None:
    """Our placeholder row for the key, or None when an earlier request holds it (its row is then read)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.API_IDEMPOTENCY_SECONDS)
    IdempotentResponse.objects.filter(user=user, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            return IdempotentResponse.objects.create(user=user, key=key, fingerprint=fingerprint, status=0)
    except IntegrityError:
        return None


def idempotent(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return view(request, *args, **kwargs)
        if len(key) > MAX_KEY:
            raise ApiProblem(400, "idempotency-key", _("The Idempotency-Key header is longer than %(max)s characters.")
                             % {"max": MAX_KEY})
        fingerprint = _fingerprint(request)
        row = _claim(request.user, key, fingerprint)
        if row is None:
            earlier = IdempotentResponse.objects.filter(user=request.user, key=key).first()
            if earlier is None or earlier.status == 0:
                raise ApiProblem(409, "idempotency-in-progress",
                                 _("A request with this Idempotency-Key is still being handled. Try again shortly."))
            if earlier.fingerprint != fingerprint:
                raise ApiProblem(422, "idempotency-key-reused",
                                 _("This Idempotency-Key was already used for a different request."))
            return Status(earlier.status, earlier.body)
        try:
            result = view(request, *args, **kwargs)
        except BaseException:
            row.delete()
            raise
        status, body = (result.status_code, result.value) if isinstance(result, Status) else (200, result)
        stored = body.model_dump(mode="json") if isinstance(body, Schema) else body
        IdempotentResponse.objects.filter(pk=row.pk).update(status=status, body=stored)
        return Status(status, body)

    return wrapper
