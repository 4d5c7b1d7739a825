"""Reminders sent by Celery beat, and the notices that follow a province decision."""
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citizens.services.messaging import Notice, notify_many
from registry.text import ascii_fold

from ..models import Appointment, Registration


@transaction.atomic
def registrations_decision_notify(*, ids: list[int], kind: str) -> int:
    registrations = Registration.objects.filter(pk__in=ids).select_related(
        "person__account", "person__managed_by")
    with translation.override(settings.LANGUAGE_CODE):
        notices = []
        for registration in registrations:
            values = {"name": registration.person.full_name, "reason": registration.status_reason}
            if kind == "approved":
                notices.append(Notice(person=registration.person,
                                      title=_("Registration approved"),
                                      body=_("The registration of %(name)s is approved. You will receive the "
                                             "appointment by SMS.") % values))
            else:
                notices.append(Notice(
                    person=registration.person, title=_("Registration not approved"),
                    body=_("The registration of %(name)s was not approved: %(reason)s") % values,
                    sms_text=ascii_fold(_("The registration of %(name)s was not approved: %(reason)s") % values),
                ))
    return notify_many(notices)


@transaction.atomic
def appointment_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """The day before: remind everyone booked for tomorrow who has not been reminded yet."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + datetime.timedelta(days=1)
    due = list(
        Appointment.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=Appointment.Status.BOOKED, session__date=tomorrow, reminded_at__isnull=True)
        .select_related("registration__person__account", "registration__person__managed_by", "session__site")
    )
    with translation.override(settings.LANGUAGE_CODE):
        notices = [
            Notice(
                person=a.registration.person,
                title=_("Reminder: vaccination tomorrow"),
                body=_("%(name)s: tomorrow %(date)s at %(time)s, %(site)s.") % _values(a),
                sms_text=ascii_fold(_("Reminder: %(name)s is vaccinated tomorrow %(date)s at %(time)s, %(site)s.")
                                    % _values(a)),
                sms_purpose="reminder",
            )
            for a in due
        ]
    notify_many(notices)
    Appointment.objects.filter(pk__in=[a.pk for a in due]).update(reminded_at=now)
    return len(due)


def _values(appointment: Appointment) -> dict:
    return {"name": appointment.registration.person.full_name,
            "date": appointment.session.date.strftime("%d/%m/%Y"),
            "time": appointment.slot_start.strftime("%H:%M"), "site": appointment.session.site.name}


@transaction.atomic
def next_dose_reminders_send(*, today: datetime.date | None = None) -> int:
    """Daily: people whose next dose has fallen due go back to their district's list by themselves, and are told
    once per dose."""
    from .common import registrations_transition

    today = today or timezone.localdate()
    due = list(
        Registration.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status__in=[Registration.Status.ALLOCATED, Registration.Status.VACCINATED],
                next_dose_number__gt=1, due_from__lte=today)
        .exclude(due_reminded_for=F("next_dose_number"))
        .select_related("person__account", "person__managed_by")
    )
    back = [r.pk for r in due if r.status == Registration.Status.VACCINATED]
    with translation.override(settings.LANGUAGE_CODE):
        registrations_transition(actor=None, rows=Registration.objects.filter(pk__in=back),
                                 to=Registration.Status.ALLOCATED, reason=_("Next dose due"))
        notices = [
            Notice(person=r.person, title=_("Your next dose is due"),
                   body=_("%(name)s can now have dose %(dose)s. The district will send the appointment.") % {
                       "name": r.person.full_name, "dose": r.next_dose_number},
                   sms_text=ascii_fold(_("%(name)s can now have dose %(dose)s. The district will send the appointment.")
                                       % {"name": r.person.full_name, "dose": r.next_dose_number}),
                   sms_purpose="reminder")
            for r in due
        ]
    notify_many(notices)
    for registration in due:
        registration.due_reminded_for = registration.next_dose_number
    Registration.objects.bulk_update(due, ["due_reminded_for"], batch_size=2000)
    return len(due)
