"""Upload → check (preview) → confirm → apply. Large files are checked and applied by a Celery task."""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit import audit_record
from registry.models import Organisation
from registry.selectors import jurisdiction_of

from ..models import ImportBatch
from . import doses as dose_rows
from . import staff as staff_rows
from .sheets import SheetRefused, read_sheet

Status = ImportBatch.Status
MODULES = {ImportBatch.Kind.STAFF: staff_rows, ImportBatch.Kind.DOSES: dose_rows}


def organisations_of(user):
    if not user.is_authenticated or user.is_staff:
        return Organisation.objects.none()
    return Organisation.objects.filter(members__user=user)


def batches_of(user):
    """The imports a user may see: their organisations' staff lists, or their site's dose files."""
    j = jurisdiction_of(user)
    if j.role == "site":
        return ImportBatch.objects.filter(kind=ImportBatch.Kind.DOSES, site_id=j.facility_id)
    return ImportBatch.objects.filter(kind=ImportBatch.Kind.STAFF, organisation__in=organisations_of(user))


@transaction.atomic
def import_upload(*, actor, kind: str, file_name: str, content: bytes, organisation_id: int | None = None
                  ) -> ImportBatch:
    if kind == ImportBatch.Kind.STAFF:
        organisation = organisations_of(actor).filter(pk=organisation_id).first()
        if organisation is None:
            raise Http404
        if organisation.confirmed_at is None:
            raise PermissionDenied(_("The province has not confirmed this organisation yet."))
        batch = ImportBatch(kind=kind, organisation=organisation)
    else:
        j = jurisdiction_of(actor)
        if j.role != "site" or not actor.has_perm("vaccination.record_dose"):
            raise PermissionDenied(_("Only the staff of a vaccination site can import doses."))
        batch = ImportBatch(kind=kind, site_id=j.facility_id)
    batch.uploaded_by, batch.file_name, batch.content = actor, file_name[:200], content
    batch.save()
    audit_record(actor=actor, action="import.upload", target=batch, changes={"kind": kind, "file": file_name})
    transaction.on_commit(lambda: _queue("check", batch.pk))
    return batch


def _queue(step: str, batch_id: int) -> None:
    from ..tasks import import_apply, import_check

    (import_check if step == "check" else import_apply).delay(batch_id)


def import_check(*, batch_id: int) -> ImportBatch:
    """Read the file and check every row; nothing but the batch itself is written."""
    batch = ImportBatch.objects.select_related("site").get(pk=batch_id)
    if batch.status != Status.CHECKING:
        return batch
    module = MODULES[batch.kind]
    try:
        sheet = read_sheet(name=batch.file_name, content=bytes(batch.content), columns=module.headers())
    except SheetRefused as refusal:
        batch.status, batch.refusal = Status.REFUSED, str(refusal)
        batch.save(update_fields=["status", "refusal"])
        return batch
    if batch.kind == ImportBatch.Kind.DOSES:
        valid, errors = module.check_rows(sheet.rows, sheet.formula_cells, site=batch.site)
    else:
        valid, errors = module.check_rows(sheet.rows, sheet.formula_cells)
    batch.total_rows, batch.valid_rows, batch.errors, batch.status = len(sheet.rows), valid, errors, Status.READY
    batch.save(update_fields=["total_rows", "valid_rows", "errors", "status"])
    return batch


@transaction.atomic
def import_confirm(*, actor, batch_id: int) -> ImportBatch:
    batch = batches_of(actor).select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    if batch.status != Status.READY:
        return batch
    batch.status = Status.APPLYING
    batch.save(update_fields=["status"])
    audit_record(actor=actor, action="import.confirm", target=batch, changes={"rows": len(batch.valid_rows)})
    transaction.on_commit(lambda: _queue("apply", batch.pk))
    return batch


def import_apply(*, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("organisation", "site", "uploaded_by").get(pk=batch_id)
    if batch.status != Status.APPLYING:
        return batch
    if batch.kind == ImportBatch.Kind.STAFF:
        results = staff_rows.apply_rows(actor=batch.uploaded_by, organisation=batch.organisation,
                                        rows=batch.valid_rows)
        ImportBatch.objects.filter(pk=batch.pk).update(results=results, status=Status.DONE, applied_at=timezone.now())
    else:
        results = list(batch.results)
        done = {r["row"] for r in results}
        for index, row in enumerate(r for r in batch.valid_rows if r["row"] not in done):
            results.append(dose_rows.apply_row(actor=batch.uploaded_by, site=batch.site, row=row))
            if index % 200 == 199:  # progress the page can show; a restarted task carries on from here
                ImportBatch.objects.filter(pk=batch.pk).update(results=results)
        ImportBatch.objects.filter(pk=batch.pk).update(results=results, status=Status.DONE, applied_at=timezone.now())
    batch.refresh_from_db()
    return batch


RESULT_LABELS = {
    "created": gettext_lazy("new person registered"),
    "updated": gettext_lazy("person updated"),
    "recorded": gettext_lazy("dose recorded"),
    "already recorded": gettext_lazy("already recorded before"),
    "refused": gettext_lazy("refused"),
}


def report_rows(batch: ImportBatch) -> list[list]:
    """Every row of the file with what happened to it, for the downloadable report."""
    lines = [[e["row"], _("refused"), e["column"], e["message"]] for e in batch.errors]
    lines += [[r["row"], str(RESULT_LABELS.get(r["status"], r["status"])), "", r["message"]] for r in batch.results]
    if batch.status == Status.READY:
        lines += [[r["row"], _("valid"), "", ""] for r in batch.valid_rows]
    return sorted(lines, key=lambda line: line[0])
