"""Writes: a venue registered, visits recorded, an exposure declared and its people told. Each checks the actor,
locks what it changes and leaves an audit row (visits excepted: see visit_record)."""
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from citizens.selectors import people_for
from citizens.services.messaging import Notice, notify_many
from registry.audit import audit_record
from registry.models import AdministrativeUnit
from registry.selectors import jurisdiction_of
from registry.text import ascii_fold
from registry.throttle import throttle_hit

from .models import Exposure, ExposureContact, Venue, Visit
from .selectors import venue_by_code, venue_list

EXPOSE_PERMISSION = "places.add_exposure"


def _citizen(actor) -> None:
    if not actor.is_authenticated or actor.is_staff:
        raise Http404


@transaction.atomic
def venue_register(*, actor, kind: str, name: str, ward: AdministrativeUnit, street: str) -> Venue:
    """A citizen registers a place they run; it gets its own random code for the poster."""
    _citizen(actor)
    if ward.level != AdministrativeUnit.Level.WARD:
        raise ValidationError({"ward": _("Choose the ward or commune.")})
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()  # parallel registrations take turns
    if Venue.objects.filter(owner=actor).count() >= settings.PLACES_VENUES_PER_ACCOUNT:
        raise ValidationError(_("You have registered %(count)s places, the most one account may.")
                              % {"count": settings.PLACES_VENUES_PER_ACCOUNT}, code="rate_limited")
    venue = Venue.objects.create(kind=kind, name=name.strip(), ward=ward, street=street.strip(), owner=actor)
    audit_record(actor=actor, action="venue.register", target=venue, changes={"kind": kind, "ward": ward.pk})
    return venue


@transaction.atomic
def visit_record(*, actor, code: str, person_ids: list[int]) -> list[Visit]:
    """Record that the actor and the people of their family with them are at the venue of `code`, now.

    Limited per account (counted before the work, in the database, so parallel requests cannot pass together).
    Not audited: the audit log is kept for years, and a row naming the venue would outlive the visit it records,
    which is deleted after PLACES_VISIT_RETENTION_DAYS; the visit row itself says who recorded it.
    """
    _citizen(actor)
    venue = venue_by_code(code)
    if venue is None:
        raise ValidationError({"code": _("No place has this code. Check the code on the poster.")})
    wanted = sorted(set(int(pk) for pk in person_ids))
    if not wanted:
        raise ValidationError({"people": _("Choose at least one person who is here.")})
    people = list(people_for(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    if len(people) != len(wanted):
        raise Http404  # someone not in the account's family looks like no one
    hit = throttle_hit(f"places-visit:{actor.pk}", limit=settings.PLACES_VISITS_PER_ACCOUNT,
                       window_seconds=settings.PLACES_VISIT_WINDOW_SECONDS)
    if not hit.allowed:
        raise ValidationError(_("You have recorded %(count)s visits in a short time. Try again after %(time)s.") % {
            "count": hit.limit, "time": formats.time_format(timezone.localtime(hit.resets_at), "H:i")},
            code="rate_limited")
    now = timezone.now()
    visits = Visit.objects.bulk_create([Visit(venue=venue, person_id=pk, recorded_by=actor, visited_at=now)
                                        for pk in people])
    for visit in visits:
        visit.venue = venue
    return visits


def _window_check(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    errors = {}
    now = timezone.now()
    if starts_at >= ends_at:
        errors["ends_at"] = _("The end of the window must be after its start.")
    if starts_at > now:
        errors["starts_at"] = _("The window cannot start in the future.")
    oldest = now - datetime.timedelta(days=settings.PLACES_VISIT_RETENTION_DAYS)
    if ends_at < oldest:
        errors["ends_at"] = _("Visits older than %(days)s days are already deleted; nobody could be told.") % {
            "days": settings.PLACES_VISIT_RETENTION_DAYS}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def exposure_declare(*, officer, venue_id: int, starts_at: datetime.datetime, ends_at: datetime.datetime,
                     reason: str, advice: str) -> Exposure:
    """A district or province officer flags a venue of their jurisdiction for a window; the people who checked in
    during it are told by a task after commit (a venue may have thousands of visits)."""
    if not (jurisdiction_of(officer).is_staff and officer.has_perm(EXPOSE_PERMISSION)):
        raise Http404
    venue = venue_list(user=officer).select_for_update(of=("self",)).filter(pk=venue_id).first()
    if venue is None:
        raise Http404
    _window_check(starts_at, ends_at)
    exposure = Exposure.objects.create(venue=venue, starts_at=starts_at, ends_at=ends_at, reason=reason.strip(),
                                       advice=advice.strip(), declared_by=officer)
    audit_record(actor=officer, action="exposure.declare", target=exposure, changes={
        "venue": venue.pk, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "reason": reason})
    from .tasks import exposure_notify

    transaction.on_commit(lambda: exposure_notify.delay(exposure.pk))
    return exposure


def _notice_texts(exposure: Exposure) -> tuple[str, str, str]:
    """Title, body and SMS, in the platform's language (a notification has one text for every reader)."""
    local = {"venue": exposure.venue.name,
             "start": formats.date_format(timezone.localtime(exposure.starts_at), "H:i d/m/Y"),
             "end": formats.date_format(timezone.localtime(exposure.ends_at), "H:i d/m/Y")}
    title = _("Possible exposure at %(venue)s") % local
    body = _("You checked in at %(venue)s between %(start)s and %(end)s, when a health risk was declared there: "
             "%(reason)s. %(advice)s") % {**local, "reason": exposure.reason, "advice": exposure.advice}
    sms = ascii_fold(_("Health notice: you checked in at %(venue)s between %(start)s and %(end)s, when a risk was "
                       "declared there. See Places visited in your health book.") % local)[:480]
    return title, body, sms


@transaction.atomic
def exposure_notify(*, exposure_id: int) -> int:
    """Tell everyone who checked in during the exposure's window, once: a notification and an SMS each, written
    set-wise; safe to run twice (a told exposure is skipped). Returns how many people were told."""
    exposure = (Exposure.objects.select_for_update(of=("self",)).select_related("venue")
                .filter(pk=exposure_id, status=Exposure.Status.PENDING).first())
    if exposure is None:
        return 0
    person_ids = list(Visit.objects.filter(venue_id=exposure.venue_id, visited_at__gte=exposure.starts_at,
                                           visited_at__lte=exposure.ends_at)
                      .values_list("person_id", flat=True).distinct().order_by("person_id"))
    ExposureContact.objects.bulk_create([ExposureContact(exposure=exposure, person_id=pk) for pk in person_ids],
                                        batch_size=5000, ignore_conflicts=True)
    with translation.override(settings.LANGUAGE_CODE):
        title, body, sms = _notice_texts(exposure)
    link = reverse("places:visit_list")
    notify_many([Notice(person_id=pk, title=title, body=body, link=link, sms_text=sms) for pk in person_ids])
    Exposure.objects.filter(pk=exposure.pk).update(status=Exposure.Status.SENT, notified_count=len(person_ids),
                                                   notified_at=timezone.now())
    audit_record(actor=None, action="exposure.notified", target=exposure, changes={"people": len(person_ids)})
    return len(person_ids)


def visits_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete visits older than PLACES_VISIT_RETENTION_DAYS, and who was told of exposures that old, set-wise."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.PLACES_VISIT_RETENTION_DAYS)
    deleted, _detail = Visit.objects.filter(visited_at__lt=cutoff).delete()
    ExposureContact.objects.filter(exposure__declared_at__lt=cutoff).delete()
    return deleted
