from celery import shared_task

from vaccination.models import Dose

from .services import certificate_issue
from .transparency.services import tree_head_after_batch, tree_head_sign


@shared_task(name="certificates.tasks.certificates_issue", ignore_result=True)
def certificates_issue(dose_ids: list[int], force: bool = False) -> int:
    """Sign (or re-sign) the certificates of the people these doses belong to. Safe to run twice."""
    person_ids = sorted(set(Dose.objects.filter(pk__in=dose_ids).values_list("person_id", flat=True)))
    signed = sum(1 for person_id in person_ids if certificate_issue(person_id=person_id, force=force))
    if person_ids:
        tree_head_after_batch()  # the batch's leaves in a signed head at once (or by beat within seconds)
    return signed


@shared_task(name="certificates.tasks.certificates_sweep", ignore_result=True)
def certificates_sweep(limit: int = 2000) -> int:
    """Every few minutes: sign what a lost task left unsigned (confirmed doses with no certificate at all)."""
    from django.db.models import Exists, OuterRef

    from .models import Certificate

    missing = (Dose.objects.filter(voided=False, confirmed_at__isnull=False)
               .exclude(Exists(Certificate.objects.filter(dose=OuterRef("pk"))))
               .values_list("pk", flat=True)[:limit])
    return certificates_issue(list(missing))


@shared_task(name="certificates.tasks.log_tree_head_sign", ignore_result=True)
def log_tree_head_sign(after_batch: bool = False) -> int | None:
    """Beat: sign the public log's head when it grew, and re-sign an unchanged one every LOG_STH_MAX_MINUTES."""
    from django.conf import settings

    if after_batch:
        sth = tree_head_after_batch()
    else:
        sth = tree_head_sign(max_age_seconds=settings.LOG_STH_MAX_MINUTES * 60)
    return sth.tree_size if sth else None


@shared_task(name="certificates.tasks.lookup_code_send", ignore_result=True)
def lookup_code_send(token: str, people: list[int], ip: str | None = None) -> int:
    """The code of a certificate look-up, by SMS to the phone recorded with the people matched (none: nothing)."""
    from .lookup import lookup_code_deliver

    return lookup_code_deliver(token=token, people=people, ip=ip)
