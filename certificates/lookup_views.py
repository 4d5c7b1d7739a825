"""Certificate look-up without an account: the pages (the rules are in lookup.py)."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from citizens.captcha import captcha_check, captcha_new, captcha_png, captcha_text
from citizens.forms import DATE_INPUT
from citizens.models import Person
from registry.http import client_ip, credentials_page

from .lookup import (
    ACCESS, PENDING, certificate_lookup_finish, certificate_lookup_start, identifier_parse, lookup_people,
)
from .pdf import certificate_pdf, qr_png
from .selectors import certificate_context

CAPTCHA = "certificate_lookup"


class LookupForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("ID number (CCCD, CMND or passport) or mobile number"), max_length=30,
        help_text=gettext_lazy("As recorded when the person was vaccinated."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    date_of_birth = forms.DateField(label=gettext_lazy("Date of birth"), widget=DATE_INPUT)
    captcha = forms.CharField(label=gettext_lazy("Security code shown in the picture"), max_length=10,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))

    def clean_identifier(self):
        return identifier_parse(self.cleaned_data["identifier"])

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate() or born.year < 1900:
            raise ValidationError(_("Check the date of birth."))
        return born


class CodeForm(forms.Form):
    code = forms.RegexField(label=gettext_lazy("6-digit code sent by SMS"), regex=r"^\s*\d{6}\s*$",
                            error_messages={"invalid": gettext_lazy("The code has 6 digits.")},
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


@credentials_page
def lookup_start_view(request):
    form = LookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        captcha_ok = captcha_check(request.session, CAPTCHA, request.POST.get("captcha", ""))
        if form.is_valid():
            if not captcha_ok:
                form.add_error("captcha", _("The security code is not right. Type the code in the new picture."))
            else:
                try:
                    pending = certificate_lookup_start(identifier=form.cleaned_data["identifier"],
                                                       date_of_birth=form.cleaned_data["date_of_birth"],
                                                       ip=client_ip(request))
                except ValidationError as error:
                    form.add_error(None, error.messages)
                    status = 429
                else:
                    request.session[PENDING] = pending
                    return redirect("certificates:lookup_code")
    captcha_new(request.session, CAPTCHA)
    return render(request, "certificates/lookup_start.html", {"form": form}, status=status)


@never_cache
def lookup_captcha_view(request):
    return HttpResponse(captcha_png(captcha_text(request.session, CAPTCHA)), content_type="image/png")


@credentials_page
def lookup_code_view(request):
    pending = request.session.get(PENDING)
    if pending is None:
        return redirect("certificates:lookup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer, access = certificate_lookup_finish(pending=pending, code=form.cleaned_data["code"])
        if answer.ok:
            request.session.pop(PENDING, None)
            request.session[ACCESS] = access
            request.session.cycle_key()  # what the session opens changed: a new key, as at sign-in
            return redirect("certificates:lookup_result")
        if answer.restart:
            request.session.pop(PENDING, None)
            messages.error(request, answer.error)
            return redirect("certificates:lookup")
        form.add_error("code", answer.error)
    return render(request, "certificates/lookup_code.html", {"form": form})


def _opened(request) -> list[int]:
    return lookup_people(request.session.get(ACCESS))


@never_cache
def lookup_result_view(request):
    people = _opened(request)
    if not people:
        if request.session.pop(ACCESS, None):
            messages.info(request, _("The look-up has ended. Look the certificate up again to see it."))
        return redirect("certificates:lookup")
    cards = [certificate_context(person) for person in Person.objects.filter(pk__in=people).order_by("full_name")]
    return render(request, "certificates/lookup_result.html", {"cards": cards})


def _certificate(request, person_id: int) -> dict:
    """The opened person's certificate; anyone else's (or after the access ended) is 404, like a missing one."""
    if person_id not in _opened(request):
        raise Http404
    context = certificate_context(Person.objects.get(pk=person_id))
    if context["certificate"] is None:
        raise Http404
    return context


@never_cache
def lookup_png_view(request, person_id: int):
    context = _certificate(request, person_id)
    response = HttpResponse(qr_png(context["certificate"].qr_text), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{person_id}.png"'
    return response


@never_cache
def lookup_pdf_view(request, person_id: int):
    context = _certificate(request, person_id)
    data = certificate_pdf(certificate=context["certificate"], doses=context["doses"], level=context["level"])
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-tiem-chung-{person_id}.pdf"'
    return response
