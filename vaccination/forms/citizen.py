"""The citizen's forms: registration, declared doses, cancelling, reporting a reaction, asking for help."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.forms import ward_in_district_check
from registry.models import AdministrativeUnit, Facility, PriorityGroup, Vaccine

from .fields import DATE_INPUT

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
        from ..models import Reaction

        super().__init__(*args, **kwargs)
        self.fields["symptoms"].choices = Reaction.Symptom.choices


class HelpRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it about?"), choices=[])
    message = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    site = forms.ModelChoiceField(label=_("Vaccination site (for a missing dose)"), required=False,
                                  queryset=Facility.objects.filter(kind=Facility.Kind.SITE).order_by("name"))
    dose_date = forms.DateField(label=_("Date of the dose (for a missing dose)"), required=False, widget=DATE_INPUT)
    dose_vaccine = forms.ModelChoiceField(label=_("Vaccine (for a missing dose)"), required=False,
                                          queryset=Vaccine.objects.all())

    def __init__(self, *args, **kwargs):
        from ..models import HelpRequest

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = HelpRequest.Kind.choices
