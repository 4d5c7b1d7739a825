"""Site staff: what a scanned personal health QR or declaration QR points to."""
from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from registry.console import console_view

from ..selectors import health_code_resolve


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Scan or type the code"), max_length=80,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


@console_view("citizens.resolve_health_code")
def code_lookup_view(request):
    form = LookupForm(request.GET or None)
    person = declaration = None
    searched = form.is_valid()
    if searched:
        person, declaration = health_code_resolve(staff=request.user, code=form.cleaned_data["code"])
    return render(request, "citizens/console_code_lookup.html", {
        "form": form, "person": person, "declaration": declaration, "searched": searched,
    })
