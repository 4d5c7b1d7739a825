"""People already on the platform join an organisation's list only by their own consent.

The organisation types an ID number and gets the same answer whatever the number is; it learns nothing about
the person until they agree. If the number belongs to someone who can be reached (a phone on their record, or
an account holding or caring for them), they get an SMS with a code and, in their account, a notification.
They agree from their account, or by typing the code on a public page. Only then are they on the list, with a
registration through the organisation; their details stay theirs (the organisation's uploads cannot change
them, see staff.py).
"""
import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from citizens.models import Person, id_number_mask
from citizens.selectors import people_for
from citizens.services.messaging import notify
from registry.audit import audit_record
from registry.models import PriorityGroup
from registry.text import ascii_fold
from registry.throttle import throttle_hit

from ..models import LinkRequest, OrganisationPerson, Registration
from .services import organisations_of
from .staff import registrations_open

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread from an SMS
CODE_LENGTH = 8  # 40 bits, and typed codes are limited per address
DAY = 24 * 3600
Status = LinkRequest.Status


def _digest(code: str) -> str:
    folded = "".join(ch for ch in code.upper() if ch.isalnum())
    return salted_hmac("vaccination.link-request", folded, algorithm="sha256").hexdigest()


def _reachable_phone(person: Person) -> str:
    holder = person.account or person.managed_by
    return person.phone or (holder.phone if holder else "") or ""


def _at(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "H:i d/m")


@transaction.atomic
def link_request_send(*, actor, organisation, id_number: str, priority_group: PriorityGroup) -> None:
    """Ask the holder of `id_number` to join the organisation's list. Returns nothing, on purpose: the answer
    must not tell whether the number is known, on the list already, or reachable."""
    if not organisations_of(actor).filter(pk=organisation.pk).exists():
        raise Http404
    if organisation.confirmed_at is None:
        raise PermissionDenied(_("The province has not confirmed this organisation yet."))
    # Counted before the number is even looked up, so the limit also bounds how many numbers can be tried.
    hit = throttle_hit(f"link-org:{organisation.pk}", limit=settings.LINK_REQUESTS_PER_ORGANISATION,
                       window_seconds=DAY)
    if not hit.allowed:
        raise ValidationError(_("Your organisation has sent %(count)s requests today. Try again after %(time)s.")
                              % {"count": hit.limit, "time": _at(hit.resets_at)}, code="rate_limited")
    number = "".join(id_number.split()).upper()
    audit_record(actor=actor, action="organisation.link_asked", target=organisation,
                 changes={"id_number": id_number_mask(number)})
    person = Person.objects.select_related("account", "managed_by").filter(id_number=number).first()
    now = timezone.now()
    if (person is None or not _reachable_phone(person)
            or OrganisationPerson.objects.filter(organisation=organisation, person=person).exists()
            or LinkRequest.objects.filter(organisation=organisation, person=person, status=Status.PENDING,
                                          expires_at__gt=now).exists()):
        return
    # Each request costs an SMS to the person; nobody may be pestered by many organisations at once.
    if not throttle_hit(f"link-person:{person.pk}", limit=settings.LINK_REQUESTS_PER_PERSON,
                        window_seconds=DAY).allowed:
        return
    LinkRequest.objects.filter(organisation=organisation, person=person, status=Status.PENDING).delete()  # expired
    code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    link = LinkRequest.objects.create(
        organisation=organisation, person=person, requested_by=actor, priority_group=priority_group,
        code_digest=_digest(code), expires_at=now + datetime.timedelta(hours=settings.LINK_REQUEST_VALID_HOURS))
    with translation.override(settings.LANGUAGE_CODE):
        values = {"organisation": organisation.name[:60], "code": f"{code[:4]}-{code[4:]}",
                  "hours": settings.LINK_REQUEST_VALID_HOURS}
        notify(person=person, link=reverse("vaccination:link_request_list"),
               title=_("%(organisation)s asks you to join its list") % values,
               body=_("%(organisation)s asks to add you to its staff list for vaccination. It sees nothing about "
                      "you unless you agree.") % values,
               sms_text=ascii_fold(_("%(organisation)s asks to add you to its staff list for vaccination. To agree, "
                                     "enter code %(code)s on the vaccination portal (Join an organisation) within "
                                     "%(hours)s hours. If you do not know them, ignore this message.") % values))
    audit_record(actor=actor, action="organisation.link_requested", target=link)


def link_request_by_code(*, code: str, ip: str | None) -> LinkRequest:
    """The request a typed code opens. Each try is counted per address before the code is looked up, outside
    any transaction, so wrong codes are counted even though they change nothing."""
    hit = throttle_hit(f"link-code-ip:{ip or 'unknown'}", limit=settings.LINK_CODE_TRIES_PER_IP,
                       window_seconds=settings.LINK_CODE_TRIES_WINDOW_SECONDS)
    if not hit.allowed:
        raise ValidationError(_("Too many codes were typed from this connection. Try again after %(time)s.")
                              % {"time": _at(hit.resets_at)}, code="rate_limited")
    link = (LinkRequest.objects.select_related("organisation")
            .filter(code_digest=_digest(code), status=Status.PENDING, expires_at__gt=timezone.now()).first())
    if link is None:
        raise ValidationError({"code": _("This code is not valid or has expired. Check the SMS and type it again.")})
    return link


def link_request_answer_by_code(*, code: str, accept: bool, ip: str | None) -> LinkRequest:
    link = link_request_by_code(code=code, ip=ip)
    return _decide(link_id=link.pk, accept=accept, actor=None)


def link_requests_for(user):
    """The waiting requests addressed to an account holder's own person and the people in their care."""
    return (LinkRequest.objects.filter(person__in=people_for(user), status=Status.PENDING,
                                       expires_at__gt=timezone.now())
            .select_related("organisation", "person").order_by("-created_at", "-pk"))


def link_request_answer(*, actor, request_id: int, accept: bool) -> LinkRequest:
    if not link_requests_for(actor).filter(pk=request_id).exists():
        raise Http404
    return _decide(link_id=request_id, accept=accept, actor=actor)


@transaction.atomic
def _decide(*, link_id: int, accept: bool, actor) -> LinkRequest:
    link = (LinkRequest.objects.select_for_update(of=("self",)).select_related("organisation", "person")
            .filter(pk=link_id).first())
    if link is None or link.status != Status.PENDING or link.expires_at <= timezone.now():
        raise ValidationError(_("This request has already been answered or has expired."))
    link.status = Status.ACCEPTED if accept else Status.DECLINED
    link.decided_at = timezone.now()
    link.save(update_fields=["status", "decided_at"])
    audit_record(actor=actor, action="organisation.link_accepted" if accept else "organisation.link_declined",
                 target=link)
    if not accept:
        return link
    organisation = link.organisation
    OrganisationPerson.objects.get_or_create(organisation=organisation, person=link.person,
                                             defaults={"origin": OrganisationPerson.Origin.CONSENTED})
    current = (Registration.objects.select_for_update().filter(person=link.person, status__in=Registration.OPEN)
               .first())
    if current is None:
        registrations_open(actor=actor or link.requested_by, organisation=organisation,
                           entries=[(link.person_id, link.priority_group_id, organisation.unit_id)],
                           reason=_("Joined the list of %(organisation)s") % {"organisation": organisation.name})
    elif current.organisation_id is None:
        current.organisation = organisation
        current.save(update_fields=["organisation"])
    return link
