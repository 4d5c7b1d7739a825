"""The vaccination site's forms for the day: check-in, screening, injection, observation, closing the session."""
from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import Vaccine

from ..models import Lot
from .fields import DATE_INPUT, DosesField


class CheckInSearchForm(forms.Form):
    q = forms.CharField(label=_("Scan the QR code, or type an ID number or phone"), max_length=80,
                        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))


class WalkInForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE_INPUT)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("F", _("Female")), ("M", _("Male")), ("O", _("Other"))])
    id_number = forms.CharField(label=_("ID number"), max_length=20, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)


def _screening_fields():
    from ..screening import ITEMS

    return {f"answer_{code}": forms.BooleanField(label=label, required=False) for code, _group, label in ITEMS}


class ScreeningForm(forms.Form):
    temperature = forms.DecimalField(label=_("Temperature (°C)"), max_digits=4, decimal_places=1, min_value=30,
                                     max_value=45)
    pulse = forms.IntegerField(label=_("Pulse (per minute)"), min_value=20, max_value=250, required=False)
    systolic = forms.IntegerField(label=_("Blood pressure, systolic (mmHg)"), min_value=40, max_value=300,
                                  required=False)
    diastolic = forms.IntegerField(label=_("Blood pressure, diastolic (mmHg)"), min_value=20, max_value=200,
                                   required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        ("screened", _("Eligible: vaccinate now")), ("deferred", _("Postpone")),
        ("referred", _("Refer to hospital"))])
    postpone_until = forms.DateField(label=_("Come back from"), required=False, widget=DATE_INPUT)
    refer_reason = forms.CharField(label=_("Reason for the referral"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in _screening_fields().items():
            self.fields[name] = field
        order = [name for name in self.fields if name.startswith("answer_")]
        self.order_fields(order + ["temperature", "pulse", "systolic", "diastolic", "outcome", "postpone_until",
                                   "refer_reason"])

    def answers(self) -> dict:
        return {name.removeprefix("answer_"): value for name, value in self.cleaned_data.items()
                if name.startswith("answer_")}


class InjectionForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Vaccine lot"), queryset=Lot.objects.none())
    override_reason = forms.CharField(label=_("Reason to go ahead despite a warning (only if asked)"),
                                      max_length=300, required=False)
    # Made when the page is drawn, so that sending the form twice records one dose (the model holds 80 characters).
    idempotency_key = forms.CharField(label=_("Request key"), widget=forms.HiddenInput, max_length=80, error_messages={
        "required": _("This form is out of date. Reload the page and record the dose again."),
        "max_length": _("This form is out of date. Reload the page and record the dose again.")})

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots


class ObservationForm(forms.Form):
    note = forms.CharField(label=_("Observation"), max_length=500, required=False)
    early_reason = forms.CharField(label=_("Reason to end the observation early (only before its time is up)"),
                                   max_length=300, required=False)
    had_reaction = forms.BooleanField(label=_("An immediate reaction happened"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=[("", "—")] + [
        ("mild", _("Mild")), ("moderate", _("Moderate")), ("severe", _("Severe"))])
    description = forms.CharField(label=_("What happened"), max_length=1000, required=False)


class SessionCloseForm(forms.Form):
    wasted = DosesField(label=_("Doses wasted in opened vials"), min_value=0, initial=0)
    wasted_reason = forms.CharField(label=_("Note"), max_length=300, required=False)
