"""The district's and province's console forms: registrations, stock, sessions and bookings, follow-up of
reactions and help requests."""
import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.forms import ListedModelChoiceField
from registry.models import AdministrativeUnit, Facility, Organisation, PriorityGroup, Vaccine

from ..models import Lot, Registration, StockMovement
from .fields import DATE_INPUT, TIME_INPUT, DosesField


class RegistrationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(Registration.Status.choices))
    priority_group = ListedModelChoiceField(label=_("Priority group"), queryset=PriorityGroup.objects.all(),
                                            required=False)
    district = ListedModelChoiceField(label=_("District"), queryset=AdministrativeUnit.objects.none(), required=False)
    age_band = forms.ChoiceField(label=_("Age"), required=False, choices=[
        ("", _("All")), ("0-17", _("Under 18")), ("18-49", "18–49"), ("50-64", "50–64"), ("65-", _("65 and over"))])
    date_from = forms.DateField(label=_("Registered from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Registered until"), required=False, widget=DATE_INPUT)
    organisation = ListedModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(),
                                          required=False)
    q = forms.CharField(label=_("Name, phone or ID number"), required=False, max_length=100)

    def __init__(self, *args, districts, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["organisation"].queryset = organisations


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the rejection"), max_length=300, required=False)


class AllocateForm(forms.Form):
    district = ListedModelChoiceField(label=_("Allocate to"), queryset=AdministrativeUnit.objects.none(),
                                      required=False, empty_label=_("Each person's own district"))

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


class LotReceiveForm(forms.Form):
    vaccine = forms.ModelChoiceField(label=_("Vaccine"), queryset=Vaccine.objects.filter(is_active=True))
    lot_number = forms.CharField(label=_("Lot number"), max_length=40)
    expiry_date = forms.DateField(label=_("Expiry date"), widget=DATE_INPUT)
    quantity = DosesField(label=_("Doses"))


class TransferForm(forms.Form):
    to_facility = forms.ModelChoiceField(label=_("Send to"), queryset=Facility.objects.none())
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none())
    quantity = DosesField(label=_("Doses"))
    reason = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, targets, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_facility"].queryset = targets
        self.fields["lot"].queryset = lots


class AdjustForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none())
    kind = forms.ChoiceField(label=_("Change"), choices=[(StockMovement.Kind.WASTED, _("Wasted doses")),
                                                         (StockMovement.Kind.ADJUSTED, _("Count adjustment (+/-)"))])
    quantity = DosesField(label=_("Doses"), signed=True)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots


class SessionForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Vaccination site"), queryset=Facility.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT, initial=datetime.time(7, 30))
    end_time = forms.TimeField(label=_("End time"), widget=TIME_INPUT, initial=datetime.time(11, 30))
    slot_minutes = forms.IntegerField(label=_("Slot length (minutes)"), min_value=5, max_value=240, initial=30)
    people_per_slot = forms.IntegerField(label=_("People per slot"), min_value=1, max_value=500, initial=20)
    lot = forms.ModelChoiceField(label=_("Vaccine lot"), queryset=Lot.objects.none())

    def __init__(self, *args, sites, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["lot"].queryset = lots


class BookForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)
    mixed_reason = forms.CharField(label=_("Reason for another vaccine (only if needed)"), max_length=300,
                                   required=False)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        ("acknowledged", _("Acknowledged")), ("contacted", _("Contacted")), ("closed", _("Closed"))])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HelpAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MissingDoseForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Lot given"), queryset=Lot.objects.none())
    given_at = forms.DateTimeField(label=_("Given at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M"])
    dose_number = forms.IntegerField(label=_("Dose number"), min_value=1, max_value=10)

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots
