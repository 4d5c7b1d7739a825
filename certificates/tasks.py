from celery import shared_task

from vaccination.models import Dose

from .services import certificate_issue


@shared_task(name="certificates.tasks.certificates_issue", ignore_result=True)
def certificates_issue(dose_ids: list[int], force: bool = False) -> int:
    """Sign (or re-sign) the certificates of the people these doses belong to. Safe to run twice."""
    person_ids = sorted(set(Dose.objects.filter(pk__in=dose_ids).values_list("person_id", flat=True)))
    return sum(1 for person_id in person_ids if certificate_issue(person_id=person_id, force=force))


@shared_task(name="certificates.tasks.certificates_sweep", ignore_result=True)
def certificates_sweep(limit: int = 2000) -> int:
    """Every few minutes: sign what a lost task left unsigned (confirmed doses with no certificate at all)."""
    from django.db.models import Exists, OuterRef

    from .models import Certificate

    missing = (Dose.objects.filter(voided=False, confirmed_at__isnull=False)
               .exclude(Exists(Certificate.objects.filter(dose=OuterRef("pk"))))
               .values_list("pk", flat=True)[:limit])
    return certificates_issue(list(missing))
