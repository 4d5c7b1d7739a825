import json
from io import BytesIO

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from citizens.views.common import citizen_required
from registry.console import console_view
from registry.drawn import drawn, drawn_page, fill_marker, shaped, visitor_without_state
from registry.http import client_ip, too_many_requests
from registry.replica import replica_reads
from registry.throttle import throttle_hit

from . import dcc
from .keys import trust_list
from .pdf import certificate_pdf, qr_png
from .selectors import person_certificate
from .services import certificates_revoke_for_lot
from .verification import photo_check, photo_read, verification_display, verify_counted, verify_text

STATUS_LABELS = {
    dcc.Status.VALID: gettext_lazy("Valid"),
    dcc.Status.MALFORMED: gettext_lazy("Not a certificate QR code (unreadable)"),
    dcc.Status.UNKNOWN_KEY: gettext_lazy("Signed with an unknown key"),
    dcc.Status.INVALID_SIGNATURE: gettext_lazy("Invalid signature: the certificate was altered or forged"),
    dcc.Status.EXPIRED: gettext_lazy("Expired"),
    dcc.Status.NOT_YET_VALID: gettext_lazy("Not yet valid"),
    dcc.Status.REVOKED: gettext_lazy("Revoked"),
}


class VerifyForm(forms.Form):
    qr = forms.CharField(label=gettext_lazy("Text of the QR code (starts with HC1:)"), required=False,
                         max_length=dcc.MAX_QR_CHARS, widget=forms.Textarea(attrs={"rows": 4}))
    # A plain file field: the photo is opened once, by photo_check, which reads only its header.
    photo = forms.FileField(label=gettext_lazy("Or a photo of the QR code"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            photo_check(photo)
        return photo


# A body no longer than a text check's can be (the text percent-encoded, the form's token): its check is counted
# with its own reads. A longer one (a photo) is counted before a byte of it is read.
TEXT_BODY_BYTES = 3 * dcc.MAX_QR_CHARS + 1024


def _limit(request) -> dict:
    """The client's address's limit, as registry.throttle counts it."""
    return {"key": f"verify:ip:{client_ip(request) or 'unknown'}", "limit": settings.VERIFY_PER_IP,
            "window_seconds": settings.VERIFY_IP_WINDOW_SECONDS}


def _over_the_limit(request):
    """Count one check against the client's address, before any of its work; the refusal once over the limit."""
    hit = throttle_hit(**_limit(request), durable=False)
    return None if hit.allowed else hit


def _content_length(request) -> int | None:
    """From the header, before a byte of the body is read (Django reads none without it); None when unreadable."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def _body_too_large(request) -> bool:
    return (_content_length(request) or 0) > settings.VERIFY_MAX_BODY_BYTES


def _text_sized(request) -> bool:
    length = _content_length(request)
    return length is not None and length <= min(TEXT_BODY_BYTES, settings.VERIFY_MAX_BODY_BYTES)


@csrf_protect
def _verify_form(request, *, counted: bool):
    """`counted`: whether this request was counted against the address already. A text is counted with its check
    (`verify_counted`), a photo before it is opened, anything else before its answer."""
    if not counted and request.FILES:
        if hit := _over_the_limit(request):
            return too_many_requests(request, hit.resets_at)
        counted = True
    if not counted and (qr := _text_alone(request)) and visitor_without_state(request):
        # What verifiers post all day: a text, from a visitor without a session. No form is made for it.
        hit, result = verify_counted(qr, **_limit(request))
        if result is None:
            return too_many_requests(request, hit.resets_at)
        return HttpResponse(_answer_page(request, result))
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        qr = form.cleaned_data["qr"].strip()
        if not qr and form.cleaned_data.get("photo"):
            qr = photo_read(form.cleaned_data["photo"])
        if not qr:
            form.add_error(None, _("Paste the text of the QR code or choose a photo in which it can be read."))
        elif counted:
            result = verify_text(qr)
        else:
            hit, result = verify_counted(qr, **_limit(request))
            if result is None:
                return too_many_requests(request, hit.resets_at)
            counted = True
    if not counted and (hit := _over_the_limit(request)):
        return too_many_requests(request, hit.resets_at)
    result_html = _result_html(result) if result else ""
    if form.errors or not visitor_without_state(request):
        return render(request, "certificates/verify.html", {"form": form, "result_html": result_html})
    # The page verifiers post to all day: drawn once, with the text sent and the result put in.
    return HttpResponse(drawn_page(request, "certificates/verify.html", (),
                                   lambda: {"form": VerifyForm({"qr": fill_marker("qr")})},
                                   fills={"result_html": result_html, "qr": form["qr"].value() or ""}))


def _text_alone(request) -> str | None:
    """The text of a POST that carries a text and no photo, cleaned as the form's field cleans it; None for anything
    else (which the form then answers, with its messages)."""
    if request.method != "POST" or request.FILES:
        return None
    try:
        return VerifyForm.base_fields["qr"].clean(request.POST.get("qr", "")) or None
    except forms.ValidationError:
        return None


RESULT_TEMPLATE = "certificates/partials/verify_result.html"


def _result_shaped(result: dcc.Verification, fills: dict) -> tuple[tuple, dict]:
    """The result's section as its shape (valid with two doses in the log, revoked, altered…, and the words of its
    status) and its context to draw with, whose values are markers put in `fills`."""
    shape, display = shaped(verification_display(result), "result", fills, literal=frozenset({"status"}))
    label = str(STATUS_LABELS.get(result.status, ""))
    return (label, shape), {"result": display, "label": label}


def _answer_page(request, result: dcc.Verification) -> str:
    """The page with its result, for a `visitor_without_state`: drawn once per language and shape of result, this
    check's values put in."""
    fills = {"qr": request.POST.get("qr", "")}  # the text as sent, as the form shows it
    shape, result_context = _result_shaped(result, fills)

    def context() -> dict:
        return {"form": VerifyForm({"qr": fill_marker("qr")}),
                "result_html": get_template(RESULT_TEMPLATE).render(result_context)}

    return drawn_page(request, "certificates/verify.html", ("result", *shape), context, fills=fills)


def _result_html(result: dcc.Verification) -> str:
    """The result's section, drawn once per language and shape of result with this result's values put in."""
    fills: dict = {}
    shape, result_context = _result_shaped(result, fills)
    return drawn(RESULT_TEMPLATE, ("result", get_language(), *shape), result_context, fills)


@csrf_exempt  # the token is checked by _verify_form, once the body is known to be within its limit
@replica_reads
def verify_page(request):
    if request.method == "POST" and not _text_sized(request):
        if hit := _over_the_limit(request):
            return too_many_requests(request, hit.resets_at)
        if _body_too_large(request):
            refusal = _("The photo or text sent is too large (at most %(size)s).") % {
                "size": filesizeformat(settings.VERIFY_MAX_BODY_BYTES)}
            return render(request, "certificates/verify.html", {"form": VerifyForm(), "refusal": refusal},
                          status=413)
        return _verify_form(request, counted=True)
    return _verify_form(request, counted=request.method != "POST")


def _api_refusal(reason: str, status: int) -> JsonResponse:
    return JsonResponse({"status": dcc.Status.MALFORMED, "valid": False, "reason": reason}, status=status)


@csrf_exempt
@require_POST
@replica_reads
def verify_api(request):
    """POST {"qr": "HC1:…"} → {"status": …, "valid": …, "holder": …, "vaccinations": […]}.

    400 for anything that is not a certificate, 413 for a body or text over the limits, 429 over the rate."""
    counted = not _text_sized(request)  # a body that may be long is counted before it is read
    if counted and (hit := _over_the_limit(request)):
        return _api_too_many(request, hit)
    if _body_too_large(request):
        return _api_refusal("input too long", 413)
    qr, refusal = _api_text(request)
    if not counted and refusal is None:
        hit, result = verify_counted(qr, **_limit(request))
        if result is None:
            return _api_too_many(request, hit)
    else:
        if not counted and (hit := _over_the_limit(request)):
            return _api_too_many(request, hit)
        if refusal is not None:
            return refusal
        result = verify_text(qr)
    return JsonResponse(result.as_json(), status=400 if result.status == dcc.Status.MALFORMED else 200)


def _api_too_many(request, hit):
    return too_many_requests(request, hit.resets_at, json_body={
        "valid": False, "reason": "too many requests from this address"})


def _api_text(request) -> tuple[str, JsonResponse | None]:
    """The QR text the API was sent, or the refusal of what it was sent instead."""
    try:
        data = json.loads(request.body or b"{}")
    except RequestDataTooBig:
        return "", _api_refusal("input too long", 413)
    except (ValueError, RecursionError):
        return "", _api_refusal('send {"qr": "HC1:…"}', 400)
    qr = data.get("qr") if isinstance(data, dict) else None
    if not isinstance(qr, str):
        return "", _api_refusal('send {"qr": "HC1:…"} with the text of the QR code', 400)
    if len(qr) > dcc.MAX_QR_CHARS:
        return "", _api_refusal("input too long", 413)
    return qr, None


@cache_control(max_age=3600, public=True)
def trust_list_view(request):
    return JsonResponse(trust_list())


@citizen_required
def person_certificate_view(request, person_id: int):
    context = person_certificate(user=request.user, person_id=person_id)
    if context is None:
        raise Http404
    return render(request, "certificates/person_certificate.html", context)


def _current(request, person_id):
    context = person_certificate(user=request.user, person_id=person_id)
    if context is None or context["certificate"] is None:
        raise Http404
    return context


@citizen_required
def certificate_png_view(request, person_id: int):
    context = _current(request, person_id)
    response = HttpResponse(qr_png(context["certificate"].qr_text), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{person_id}.png"'
    return response


@citizen_required
def certificate_pdf_view(request, person_id: int):
    context = _current(request, person_id)
    data = certificate_pdf(certificate=context["certificate"], doses=context["doses"], level=context["level"])
    response = HttpResponse(BytesIO(data).getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-tiem-chung-{person_id}.pdf"'
    return response


class RecallForm(forms.Form):
    lot = forms.ModelChoiceField(label=gettext_lazy("Recalled lot"), queryset=None)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        from vaccination.models import Lot

        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = Lot.objects.select_related("vaccine").order_by("-received_at")


@console_view("certificates.revoke_certificate")
def recall_view(request):
    """National level: revoke, in one action, every certificate resting on a dose from a recalled lot."""
    form = RecallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = certificates_revoke_for_lot(actor=request.user, lot_id=form.cleaned_data["lot"].pk,
                                            reason=form.cleaned_data["reason"])
        messages.success(request, _("%(count)s certificates revoked.") % {"count": count})
        return redirect("certificates_console:recall")
    return render(request, "certificates/recall.html", {"form": form})
