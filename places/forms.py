from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citizens.models import Person
from registry.forms import ward_in_district_check
from registry.models import AdministrativeUnit

from .models import Venue

Level = AdministrativeUnit.Level


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class VenueForm(forms.ModelForm):
    """A venue's kind, name and address down to the ward (the profile's province → district → ward selects)."""

    province = forms.ModelChoiceField(label=_("Province or city"), queryset=AdministrativeUnit.objects.none())
    district = forms.ModelChoiceField(label=_("District"), queryset=AdministrativeUnit.objects.none())

    class Meta:
        model = Venue
        fields = ["kind", "name", "province", "district", "ward", "street"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdministrativeUnit.objects.order_by("name")
        self.fields["province"].queryset = units.filter(level=Level.PROVINCE)
        province_id = self.data.get(self.add_prefix("province"))
        district_id = self.data.get(self.add_prefix("district"))
        self.fields["district"].queryset = units.filter(level=Level.DISTRICT, parent_id=_int(province_id))
        self.fields["ward"].queryset = units.filter(level=Level.WARD, parent_id=_int(district_id))
        self.fields["ward"].label = _("Ward or commune")

    def clean(self):
        cleaned = super().clean()
        ward_in_district_check(self, cleaned)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code on the poster"), max_length=40, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))


class CheckInForm(forms.Form):
    people = forms.ModelMultipleChoiceField(label=_("Who is here?"), queryset=Person.objects.none(),
                                            widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("Choose at least one person who is here.")})

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people


DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ExposureForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Start of the window"), widget=DATETIME_INPUT,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label=_("End of the window"), widget=DATETIME_INPUT,
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             help_text=_("Short, as the people told will read it, e.g. a confirmed case was here."))
    advice = forms.CharField(label=_("Advice to the people told"), max_length=600,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             initial=_("Watch your health for 14 days and call the hotline 1900 9095 if you have "
                                       "a fever, a cough or shortness of breath."))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end of the window must be after its start."))
        if start and start > timezone.now():
            self.add_error("starts_at", _("The window cannot start in the future."))
        return cleaned
