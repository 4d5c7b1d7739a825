"""Issue, re-issue and revoke certificates. Signing happens in a Celery task after the site confirmed the dose."""
import base64
import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import Person
from registry.audit import audit_record, audit_record_many
from registry.selectors import jurisdiction_of
from registry.transitions import allowed_from, transition_check
from registry.text import ascii_fold
from vaccination.models import Dose

from . import dcc
from .keys import signer
from .models import Certificate
from .transparency.services import log_certificate_issued, log_certificates_revoked

DISEASE_COVID19 = "840539006"
log = logging.getLogger(__name__)


def icao_name(text: str) -> str:
    """ICAO 9303 transliteration: NGUYEN<VAN<AN (Đ becomes D, spaces become <, only A-Z and <)."""
    folded = ascii_fold(text).upper()
    kept = "".join(ch if "A" <= ch <= "Z" else "<" for ch in folded.replace("-", "<").replace(" ", "<"))
    while "<<" in kept:
        kept = kept.replace("<<", "<")
    return kept.strip("<")[:80]


def split_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: family name first, then middle and given names."""
    parts = full_name.split()
    return (parts[0], " ".join(parts[1:])) if len(parts) > 1 else (full_name, "")


def series_doses(dose: Dose) -> int:
    """`sd` as the EU rules say: the doses of the series, a booster counting itself (3/3; 2/1 after Janssen)."""
    series = dose.vaccine.doses_in_series
    if dose.dose_number <= series:
        return series
    if series == 1 and dose.dose_number == 2:
        return 1
    return dose.dose_number


def new_uvci() -> str:
    return "URN:UVCI:01:VN:" + secrets.token_hex(12).upper()


def hcert_for(dose: Dose, *, uvci: str) -> dict:
    """The DCC payload (schema 1.3.0): names, date of birth and exactly one vaccination entry — nothing else."""
    person = dose.person
    family, given = split_name(person.full_name)
    names = {"fn": family, "fnt": icao_name(family)}
    if given:
        names.update(gn=given, gnt=icao_name(given))
    vaccine = dose.vaccine
    return {
        "ver": "1.3.0",
        "nam": names,
        "dob": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "v": [{
            "tg": DISEASE_COVID19,
            "vp": vaccine.dcc_prophylaxis or "J07BX03",
            "mp": vaccine.dcc_product or vaccine.code,
            "ma": vaccine.dcc_manufacturer or vaccine.manufacturer[:50],
            "dn": dose.dose_number,
            "sd": series_doses(dose),
            "dt": timezone.localtime(dose.given_at).date().isoformat(),
            "co": settings.CERT_ISSUER_COUNTRY,
            "is": settings.CERT_ISSUER_NAME,
            "ci": uvci,
        }],
    }


@transaction.atomic
def certificate_issue(*, person_id: int, now: datetime.datetime | None = None, force: bool = False
                      ) -> Certificate | None:
    """Sign a certificate for the person's latest confirmed dose, replacing the valid one.

    Running it twice for the same dose signs nothing new; `force` re-issues after a correction. A dose whose
    certificate was revoked gets no new one unless it was corrected.
    """
    person = Person.objects.select_for_update().get(pk=person_id)
    latest = (Dose.objects.filter(person=person, voided=False, confirmed_at__isnull=False)
              .select_related("vaccine", "person").order_by("-dose_number", "-given_at").first())
    current = Certificate.objects.filter(person=person, status=Certificate.Status.VALID).first()
    if latest is None:
        if current:
            _certificate_supersede(current, by=None)
        return None
    if not force and current and current.dose_id == latest.pk and current.payload == hcert_for(
            latest, uvci=current.uvci):
        return current
    if not force and Certificate.objects.filter(dose=latest, status=Certificate.Status.REVOKED).exists():
        return None
    now = now or timezone.now()
    key = signer()
    expires = min(now + datetime.timedelta(days=settings.CERT_VALIDITY_DAYS), key.not_after)
    uvci = new_uvci()
    payload = hcert_for(latest, uvci=uvci)
    qr_text = dcc.sign(hcert=payload, private_key=key.private_key, certificate_der=key.certificate_der,
                       issuer=settings.CERT_ISSUER_COUNTRY, issued_at=now, expires_at=expires)
    if current:
        _certificate_supersede(current, by=uvci)
    certificate = Certificate.objects.create(
        person=person, dose=latest, uvci=uvci, payload=payload, qr_text=qr_text,
        kid=base64.b64encode(key.kid).decode(), issued_at=now, expires_at=expires)
    audit_record(actor=None, action="certificate.issue", target=certificate,
                 changes={"dose": latest.dose_number, "replaces": current.uvci if current else None})
    log_certificate_issued(certificate=certificate)  # queued; the task gives the batch its indexes and a head
    return certificate


def _certificate_supersede(certificate: Certificate, *, by: str | None) -> None:
    """valid → superseded, by Certificate.TRANSITIONS (the caller holds the person's lock). Replaced by a new one,
    the new certificate's issue row says so; withdrawn with none after it (every dose voided), a row of its own."""
    transition_check(certificate, Certificate.Status.SUPERSEDED)
    certificate.status = Certificate.Status.SUPERSEDED
    certificate.save(update_fields=["status"])
    if by is None:
        audit_record(actor=None, action="certificate.supersede", target=certificate, changes={"replaced_by": None})


def _require_revoker(actor) -> None:
    if not (jurisdiction_of(actor).is_national and actor.has_perm("certificates.revoke_certificate")):
        raise PermissionDenied(_("Only the national level revokes certificates."))


@transaction.atomic
def certificate_revoke(*, actor, certificate_id: int, reason: str) -> Certificate:
    _require_revoker(actor)
    certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
    if certificate.status in allowed_from(Certificate, Certificate.Status.REVOKED):  # revoking twice changes nothing
        certificate.status, certificate.revoked_at = Certificate.Status.REVOKED, timezone.now()
        certificate.revoked_reason, certificate.revoked_by = reason[:300], actor
        certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
        audit_record(actor=actor, action="certificate.revoke", target=certificate, changes={"reason": reason})
        log_certificates_revoked(certificates=[(certificate.pk, certificate.qr_text)], at=certificate.revoked_at)
        transaction.on_commit(_tree_head_after_revocation)
    return certificate


@transaction.atomic
def certificates_revoke_for_lot(*, actor, lot_id: int, reason: str) -> int:
    """One action: every certificate that rests on a dose from a recalled lot is revoked, set-wise."""
    _require_revoker(actor)
    rows = Certificate.objects.filter(dose__lot_id=lot_id,
                                      status__in=allowed_from(Certificate, Certificate.Status.REVOKED))
    revoked = list(rows.select_for_update(of=("self",)).values_list("pk", "qr_text"))
    ids, now = [pk for pk, _qr in revoked], timezone.now()
    Certificate.objects.filter(pk__in=ids).update(status=Certificate.Status.REVOKED, revoked_at=now,
                                                  revoked_reason=reason[:300], revoked_by=actor)
    audit_record_many(actor=actor, action="certificate.revoke_lot", model=Certificate, ids=ids,
                      changes={"lot": lot_id, "reason": reason})
    log_certificates_revoked(certificates=revoked, at=now)  # one INSERT, one leaf per certificate
    transaction.on_commit(_tree_head_after_revocation)
    return len(ids)


def _tree_head_after_revocation() -> None:
    from .tasks import log_tree_head_sign

    try:
        log_tree_head_sign.delay(after_batch=True)
    except Exception:  # noqa: BLE001 - beat signs the grown tree within LOG_STH_BEAT_SECONDS anyway
        log.warning("signing the log's tree head after a revocation left to beat: the task queue is unreachable",
                    exc_info=True)


def is_revoked(uvci: str) -> bool:
    return Certificate.objects.filter(uvci=uvci, status=Certificate.Status.REVOKED).exists()
