"""A person's vaccination certificate for the phone app: its HC1 payload (what the QR holds), PNG and PDF, from
the certificate page's selector."""
import datetime

from django.http import Http404, HttpResponse
from ninja import Router, Schema

from certificates.pdf import certificate_pdf, qr_png
from certificates.selectors import certificate_context, person_certificate
from citizens.selectors import people_for

router = Router(tags=["certificates"])


class CertificateDoseOut(Schema):
    number: int
    vaccine: str
    lot: str
    date: str
    place: str
    declared: bool


class CertificateOut(Schema):
    person_id: int
    level: str
    hc1: str | None
    uvci: str | None
    issued_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    doses: list[CertificateDoseOut]


def _context(request, person_id: int, *, issued: bool) -> dict:
    context = person_certificate(user=request.user, person_id=person_id)
    if context is None or (issued and context["certificate"] is None):
        raise Http404
    return context


def _binary(content_type: str) -> dict:
    return {"responses": {200: {"description": "OK", "content": {
        content_type: {"schema": {"type": "string", "format": "binary"}}}}}}


def _out(person_id: int, context: dict) -> CertificateOut:
    current = context["certificate"]
    return CertificateOut(
        person_id=person_id, level=str(context["level"]), hc1=current.qr_text if current else None,
        uvci=current.uvci if current else None, issued_at=current.issued_at if current else None,
        expires_at=current.expires_at if current else None, doses=context["doses"])


@router.get("/certificates", response=list[CertificateOut],
            summary="The certificates of the account holder and the family in their care")
def certificate_list(request):
    return [_out(person.pk, certificate_context(person)) for person in people_for(request.user)]


@router.get("/people/{person_id}/certificate", response=CertificateOut,
            summary="The current certificate: level, doses and the signed HC1 payload (null before a first dose)")
def certificate(request, person_id: int):
    return _out(person_id, _context(request, person_id, issued=False))


@router.get("/people/{person_id}/certificate.png", response={200: None}, openapi_extra=_binary("image/png"),
            summary="The certificate's QR code as a PNG")
def certificate_png(request, person_id: int):
    context = _context(request, person_id, issued=True)
    return HttpResponse(qr_png(context["certificate"].qr_text), content_type="image/png")


@router.get("/people/{person_id}/certificate.pdf", response={200: None}, openapi_extra=_binary("application/pdf"),
            summary="The certificate as a PDF")
def certificate_pdf_file(request, person_id: int):
    context = _context(request, person_id, issued=True)
    data = certificate_pdf(certificate=context["certificate"], doses=context["doses"], level=context["level"])
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-tiem-chung-{person_id}.pdf"'
    return response
