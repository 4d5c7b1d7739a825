from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from registry.replica import read_from_replica
from vaccination.models import Dose

from .models import PriorityGroupCount

# pg_advisory_xact_lock key: one recomputation at a time, so two never interleave their DELETE and INSERT.
_REFRESH_LOCK = 0x09E_DA7A


def priority_counts_refresh() -> int:
    """Recompute people vaccinated per district, vaccine and priority group from the dose facts; returns the rows
    written.

    The GROUP BY reads every dose once, on the replica when there is one; the small result replaces the table in
    one transaction, so readers see either the old figures or the new ones."""
    now = timezone.now()
    in_series = F("vaccine__doses_in_series")
    with read_from_replica():
        rows = list(Dose.objects.filter(voided=False).values(
            "vaccine_id", province=F("site__unit__province_code"), district=F("site__unit__district_code"),
            group=F("registration__priority_number")).annotate(
            first=Count("pk", filter=Q(dose_number=1)), full=Count("pk", filter=Q(dose_number=in_series)),
            booster=Count("pk", filter=Q(dose_number__gt=in_series))).order_by())
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
        PriorityGroupCount.objects.all().delete()
        PriorityGroupCount.objects.bulk_create([
            PriorityGroupCount(province_code=row["province"], district_code=row["district"],
                               vaccine_id=row["vaccine_id"], priority_number=row["group"], first=row["first"],
                               full=row["full"], booster=row["booster"], computed_at=now)
            for row in rows if row["district"] is not None], batch_size=5000)
    return len(rows)
