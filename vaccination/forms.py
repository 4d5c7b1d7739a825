import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.forms import ListedModelChoiceField
from registry.forms import ward_in_district_check
from registry.models import AdministrativeUnit, Facility, Organisation, PriorityGroup, Vaccine

from .models import Lot, Registration, StockMovement

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
Level = AdministrativeUnit.Level


class RegistrationForm(forms.Form):
    priority_group = forms.ModelChoiceField(label=_("Priority group"), queryset=PriorityGroup.objects.all())
    wished_date = forms.DateField(label=_("Wished date"), required=False, widget=DATE_INPUT)
    district = forms.ModelChoiceField(label=_("District where you want to be vaccinated"),
                                      queryset=AdministrativeUnit.objects.none())
    ward = forms.ModelChoiceField(label=_("Ward or commune"), queryset=AdministrativeUnit.objects.none())
    consent = forms.BooleanField(
        label=_("I agree to be vaccinated against COVID-19 and have read the information about the vaccine."),
        error_messages={"required": _("Tick the consent box to register.")},
    )

    def __init__(self, *args, home_ward=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdministrativeUnit.objects.order_by("name")
        province_code = home_ward.province_code if home_ward else None
        district_id = self.data.get(self.add_prefix("district")) or (home_ward and home_ward.parent_id)
        if district_id and not province_code:
            province_code = units.filter(pk=_int(district_id)).values_list("province_code", flat=True).first()
        self.fields["district"].queryset = units.filter(level=Level.DISTRICT, province_code=province_code or 0)
        self.fields["ward"].queryset = units.filter(level=Level.WARD, parent_id=_int(district_id))
        self.province_code = province_code
        if home_ward is not None and not self.is_bound:
            self.initial.update(district=home_ward.parent_id, ward=home_ward.pk)

    def clean_wished_date(self):
        wished = self.cleaned_data.get("wished_date")
        if wished and wished < timezone.localdate():
            raise ValidationError(_("The wished date cannot be in the past."))
        return wished

    def clean(self):
        cleaned = super().clean()
        ward_in_district_check(self, cleaned, with_province=False)
        return cleaned


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DeclaredDoseForm(forms.Form):
    vaccine = forms.ModelChoiceField(label=_("Vaccine"), queryset=Vaccine.objects.filter(is_active=True),
                                     required=False)
    given_on = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        vaccine, given_on = cleaned.get("vaccine"), cleaned.get("given_on")
        if vaccine and not given_on:
            self.add_error("given_on", _("Enter the date of this dose."))
        if given_on and not vaccine:
            self.add_error("vaccine", _("Choose the vaccine of this dose."))
        if given_on and given_on > timezone.localdate():
            self.add_error("given_on", _("A dose already given cannot be in the future."))
        return cleaned


DeclaredDoseFormSet = forms.formset_factory(DeclaredDoseForm, extra=3, max_num=3)


class CancelConfirmForm(forms.Form):
    """The second step of a cancellation: the person has read what it means and confirms."""
    confirm = forms.CharField(widget=forms.HiddenInput, initial="yes")

    def clean_confirm(self):
        if self.cleaned_data["confirm"] != "yes":
            raise ValidationError(_("Confirm the cancellation with the button on this page."))
        return True


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


class DosesField(forms.IntegerField):
    """A number of doses in one stock movement, within STOCK_MOVEMENT_MAX_DOSES (either way when `signed`)."""

    def __init__(self, *, signed: bool = False, **kwargs):
        limit = settings.STOCK_MOVEMENT_MAX_DOSES
        kwargs.setdefault("min_value", -limit if signed else 1)
        messages = {"max_value": _("Enter at most %(limit_value)s doses; check the figure.")}
        if signed:
            messages["min_value"] = _("Enter at least %(limit_value)s doses; check the figure.")
        super().__init__(max_value=limit, error_messages={**messages, **kwargs.pop("error_messages", {})}, **kwargs)


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
    from .screening import ITEMS

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


class ReactionForm(forms.Form):
    onset_at = forms.DateTimeField(label=_("When did it start?"),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    symptoms = forms.MultipleChoiceField(label=_("Symptoms"), widget=forms.CheckboxSelectMultiple, choices=[])
    severity = forms.ChoiceField(label=_("How severe?"), widget=forms.RadioSelect, choices=[
        ("mild", _("Mild: it does not stop daily life")), ("moderate", _("Moderate: it stops some activities")),
        ("severe", _("Severe: needs medical care"))])
    description = forms.CharField(label=_("Describe what happened"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from .models import Reaction

        super().__init__(*args, **kwargs)
        self.fields["symptoms"].choices = Reaction.Symptom.choices


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        ("acknowledged", _("Acknowledged")), ("contacted", _("Contacted")), ("closed", _("Closed"))])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HelpRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it about?"), choices=[])
    message = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    site = forms.ModelChoiceField(label=_("Vaccination site (for a missing dose)"), required=False,
                                  queryset=Facility.objects.filter(kind=Facility.Kind.SITE).order_by("name"))
    dose_date = forms.DateField(label=_("Date of the dose (for a missing dose)"), required=False, widget=DATE_INPUT)
    dose_vaccine = forms.ModelChoiceField(label=_("Vaccine (for a missing dose)"), required=False,
                                          queryset=Vaccine.objects.all())

    def __init__(self, *args, **kwargs):
        from .models import HelpRequest

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = HelpRequest.Kind.choices


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
