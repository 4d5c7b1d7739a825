"""The response center's fix for a dose missing from a person's record: recorded and answered together."""
import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from registry.models import Facility
from registry.text import date_text
from registry.transitions import transition_check

from ..models import Dose, DoseClaim, HelpRequest
from ..selectors import help_request_list
from .dose_recording import dose_record
from .reactions import help_request_answer


def help_request_takes_dose(user, help_request: HelpRequest) -> bool:
    """Whether this staff member may add the missing dose a request asks for: it names a vaccination site, and
    they may correct dose records there (the site's own staff; `dose_record` checks the place)."""
    return (help_request.kind == HelpRequest.Kind.MISSING_DOSE and help_request.facility is not None
            and help_request.facility.kind == Facility.Kind.SITE and user.has_perm("vaccination.correct_dose"))


@transaction.atomic
def help_request_dose_add(*, actor, request_id: int, lot_id: int, given_at: datetime.datetime,
                          dose_number: int) -> Dose:
    """The missing dose is recorded at the site the request names (confirmed, so its certificate follows) and the
    person is answered, in one transaction: never a dose without the answer, nor an answer without the dose.
    Sending it again records nothing new."""
    request = (help_request_list(user=actor).select_for_update(of=("self",)).filter(pk=request_id).first())
    if request is None:
        raise Http404
    if not help_request_takes_dose(actor, request):
        raise PermissionDenied(_("You may not add doses from this request."))
    key = f"help-{request.pk}-{dose_number}"
    sent_before = DoseClaim.objects.filter(idempotency_key=key).exists()
    if not sent_before:  # HelpRequest.TRANSITIONS: a request already closed takes no new dose
        transition_check(request, HelpRequest.Status.CLOSED)
    dose, _created = dose_record(
        actor=actor, person_id=request.person_id, site_id=request.facility_id, lot_id=lot_id,
        idempotency_key=key, given_at=given_at, dose_number=dose_number,
        source=Dose.Source.CORRECTION, confirm=True,
        override_reason=_("Missing dose added from help request %(id)s") % {"id": request.pk})
    if sent_before and request.status == HelpRequest.Status.CLOSED:
        return dose  # the same dose sent again: it and its answer are there already, the person is not told twice
    help_request_answer(actor=actor, request_id=request.pk, answer=_(
        "Dose %(number)s (%(vaccine)s, %(date)s) is now in your record.") % {
        "number": dose.dose_number, "vaccine": dose.vaccine, "date": date_text(dose.given_at)})
    return dose
