import datetime
import json
from io import BytesIO

from django import forms
from django.http import Http404, HttpResponse, JsonResponse
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from citizens.views.common import citizen_required
from registry.console import console_view

from . import dcc
from .keys import trust_list, trusted_keys
from .pdf import certificate_pdf, qr_png
from .selectors import person_certificate
from .services import certificates_revoke_for_lot, is_revoked

MAX_PHOTO_BYTES = 5 * 1024 * 1024
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
    photo = forms.ImageField(label=gettext_lazy("Or a photo of the QR code"), required=False)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        return photo


def _trust() -> dict:
    keys = {}
    for key in trusted_keys():
        keys.setdefault(key.kid, []).append(key)
    return keys


def verify_text(qr: str) -> dcc.Verification:
    return dcc.verify(qr, trust=_trust(), at=datetime.datetime.now(datetime.UTC), revoked=is_revoked)


def _read_photo(photo) -> str:
    import zxingcpp
    from PIL import Image

    try:
        image = Image.open(photo)
        image.load()
    except Exception:  # noqa: BLE001 - anything unreadable is "not a QR photo"
        return ""
    results = zxingcpp.read_barcodes(image.convert("L"))
    return next((r.text for r in results if r.text.startswith(dcc.PREFIX)), results[0].text if results else "")


def verify_page(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        qr = form.cleaned_data["qr"].strip()
        if not qr and form.cleaned_data.get("photo"):
            qr = _read_photo(form.cleaned_data["photo"])
        if not qr:
            form.add_error(None, _("Paste the text of the QR code or choose a photo in which it can be read."))
        else:
            result = verify_text(qr)
    return render(request, "certificates/verify.html", {
        "form": form, "result": result.as_json() if result else None,
        "label": STATUS_LABELS.get(result.status) if result else "",
    })


@csrf_exempt
@require_POST
def verify_api(request):
    """POST {"qr": "HC1:…"} → {"status": …, "valid": …, "holder": …, "vaccinations": […]}."""
    if len(request.body) > dcc.MAX_QR_CHARS * 2:
        return JsonResponse({"status": dcc.Status.MALFORMED, "valid": False, "reason": "input too long"},
                            status=413)
    try:
        qr = json.loads(request.body or b"{}").get("qr", "")
    except (ValueError, AttributeError):
        return JsonResponse({"status": dcc.Status.MALFORMED, "valid": False, "reason": 'send {"qr": "HC1:…"}'},
                            status=400)
    if not isinstance(qr, str):
        return JsonResponse({"status": dcc.Status.MALFORMED, "valid": False, "reason": "qr must be text"},
                            status=400)
    return JsonResponse(verify_text(qr).as_json())


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
