"""Upload → check (preview) → confirm → apply. Large files are checked and applied by a Celery task.

Every batch ends in a final state (refused, done or failed) with a reason in the uploader's language, which is
stored with the batch and switched on in the task: whatever a task raises is turned into "failed", and beat
marks failed a batch whose worker died (`imports_fail_stale`)."""
import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit import audit_record
from registry.models import Organisation
from registry.selectors import jurisdiction_of

from ..models import ImportBatch
from . import doses as dose_rows
from . import staff as staff_rows
from .sheets import SheetRefused, read_sheet

log = logging.getLogger(__name__)
Status = ImportBatch.Status
MODULES = {ImportBatch.Kind.STAFF: staff_rows, ImportBatch.Kind.DOSES: dose_rows}


def organisations_of(user):
    if not user.is_authenticated or user.is_staff:
        return Organisation.objects.none()
    return Organisation.objects.filter(members__user=user)


def batches_of(user):
    """The imports a user may see: their organisations' staff lists, or their site's dose files."""
    j = jurisdiction_of(user)
    if j.is_site:
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
        if not j.is_site or not actor.has_perm("vaccination.record_dose"):
            raise PermissionDenied(_("Only the staff of a vaccination site can import doses."))
        batch = ImportBatch(kind=kind, site_id=j.facility_id)
    batch.uploaded_by, batch.file_name, batch.content = actor, file_name[:200], content
    batch.language = translation.get_language() or settings.LANGUAGE_CODE
    batch.updated_at = timezone.now()
    batch.save()
    audit_record(actor=actor, action="import.upload", target=batch, changes={"kind": kind, "file": file_name})
    transaction.on_commit(lambda: _queue("check", batch.pk))
    return batch


def _queue(step: str, batch_id: int) -> None:
    from ..tasks import import_apply, import_check

    (import_check if step == "check" else import_apply).delay(batch_id)


def _finish(batch: ImportBatch, *, expected: str, **fields) -> None:
    """Move a batch on only if it is still where this step found it (beat may have given up on it meanwhile)."""
    ImportBatch.objects.filter(pk=batch.pk, status=expected).update(updated_at=timezone.now(), **fields)


def import_check(*, batch_id: int) -> ImportBatch:
    """Read the file and check every row; nothing but the batch itself is written."""
    batch = ImportBatch.objects.select_related("site", "organisation").get(pk=batch_id)
    if batch.status != Status.CHECKING:
        return batch
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        try:
            _check(batch)
        except SheetRefused as refusal:
            _finish(batch, expected=Status.CHECKING, status=Status.REFUSED, refusal=str(refusal)[:500])
        except Exception:  # noqa: BLE001 - whatever went wrong, the uploader gets an answer, never "checking" for ever
            log.exception("Import %s could not be checked", batch.pk)
            _finish(batch, expected=Status.CHECKING, status=Status.FAILED, refusal=_(
                "The file could not be checked because of an unexpected error; nothing was recorded. Upload it "
                "again; if this happens again, save it as .csv or contact the response center."))
    batch.refresh_from_db()
    return batch


def _check(batch: ImportBatch) -> None:
    module = MODULES[batch.kind]
    sheet = read_sheet(name=batch.file_name, content=bytes(batch.content), columns=module.COLUMNS)
    if batch.kind == ImportBatch.Kind.DOSES:
        valid, errors = module.check_rows(sheet.rows, sheet.formula_cells, site=batch.site)
    else:
        valid, errors = module.check_rows(sheet.rows, sheet.formula_cells, organisation=batch.organisation)
    _finish(batch, expected=Status.CHECKING, total_rows=len(sheet.rows), valid_rows=valid, errors=errors,
            status=Status.READY)


@transaction.atomic
def import_confirm(*, actor, batch_id: int) -> ImportBatch:
    batch = batches_of(actor).select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    if batch.status != Status.READY:
        return batch
    batch.status, batch.updated_at = Status.APPLYING, timezone.now()
    batch.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="import.confirm", target=batch, changes={"rows": len(batch.valid_rows)})
    transaction.on_commit(lambda: _queue("apply", batch.pk))
    return batch


def import_apply(*, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("organisation", "site", "uploaded_by").get(pk=batch_id)
    if batch.status != Status.APPLYING:
        return batch
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        try:
            _apply(batch)
        except Exception:  # noqa: BLE001 - the batch must end somewhere the uploader can read
            log.exception("Import %s could not be recorded", batch.pk)
            message = (_("Recording stopped because of an unexpected error; nothing from this file was recorded. "
                         "Upload it again.") if batch.kind == ImportBatch.Kind.STAFF else
                       _("Recording stopped because of an unexpected error. The report lists the doses recorded "
                         "so far; upload the file again to record the rest (no dose is recorded twice)."))
            _finish(batch, expected=Status.APPLYING, status=Status.FAILED, refusal=message)
    batch.refresh_from_db()
    return batch


def _apply(batch: ImportBatch) -> None:
    if batch.kind == ImportBatch.Kind.STAFF:
        results = staff_rows.apply_rows(actor=batch.uploaded_by, organisation=batch.organisation,
                                        rows=batch.valid_rows)
        _finish(batch, expected=Status.APPLYING, results=results, status=Status.DONE, applied_at=timezone.now())
        return
    results = list(batch.results)
    done = {r["row"] for r in results}
    for index, row in enumerate(r for r in batch.valid_rows if r["row"] not in done):
        results.append(dose_rows.apply_row(actor=batch.uploaded_by, site=batch.site, row=row))
        if index % 200 == 199:  # progress the page can show; a restarted task carries on from here
            _finish(batch, expected=Status.APPLYING, results=results)
    _finish(batch, expected=Status.APPLYING, results=results, status=Status.DONE, applied_at=timezone.now())


def imports_fail_stale() -> int:
    """Batches whose worker died mid-way (killed, out of memory) are failed after IMPORT_STALE_SECONDS, each
    with the reason in its uploader's language."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    stale = ImportBatch.objects.filter(status__in=[Status.CHECKING, Status.APPLYING], updated_at__lt=cutoff)
    count = 0
    for batch in stale.only("pk", "status", "language"):
        with translation.override(batch.language or settings.LANGUAGE_CODE):
            message = _("The file took too long to process and was stopped; nothing more will be recorded from "
                        "it. Upload it again, or split it into several files.")
        count += ImportBatch.objects.filter(pk=batch.pk, status=batch.status, updated_at__lt=cutoff).update(
            status=Status.FAILED, refusal=message, updated_at=timezone.now())
    return count


def import_preview(batch: ImportBatch) -> dict:
    """What confirming will write: how many rows, of which kind, and the first of them."""
    header, lines = MODULES[batch.kind].preview(batch.valid_rows)
    actions = [row.get("action", "create") for row in batch.valid_rows]
    return {"header": header, "lines": lines, "count": len(batch.valid_rows), "new": actions.count("create"),
            "updated": actions.count("update"), "unchanged": actions.count("unchanged")}


RESULT_LABELS = {
    "created": gettext_lazy("new person registered"),
    "updated": gettext_lazy("person updated"),
    "unchanged": gettext_lazy("already on the list, nothing changed"),
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
