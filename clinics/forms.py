from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import AdministrativeUnit

from .models import Service

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
Level = AdministrativeUnit.Level


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SlotSearchForm(forms.Form):
    """Where and what: a service, a province and district (the citizen's own by default), a day if they wish."""
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    province = forms.ModelChoiceField(label=_("Province or city"), queryset=AdministrativeUnit.objects.filter(
        level=Level.PROVINCE).order_by("name"))
    district = forms.ModelChoiceField(label=_("District"), queryset=AdministrativeUnit.objects.none())
    day = forms.DateField(label=_("Day (any day if empty)"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, home_ward=None, **kwargs):
        super().__init__(*args, **kwargs)
        province_id = _int(self.data.get("province")) or (home_ward.parent.parent_id if home_ward else None)
        self.fields["district"].queryset = AdministrativeUnit.objects.filter(
            level=Level.DISTRICT, parent_id=province_id).order_by("name")
        if home_ward is not None and not self.is_bound:
            self.initial.update(province=home_ward.parent.parent_id, district=home_ward.parent_id)


class BookingForm(forms.Form):
    person = forms.ModelChoiceField(label=_("For whom"), queryset=None, empty_label=None,
                                    widget=forms.RadioSelect)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class MoveForm(forms.Form):
    slot = forms.ModelChoiceField(label=_("New time"), queryset=None, empty_label=None, widget=forms.RadioSelect)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = lambda s: timezone.localtime(s.starts_at).strftime("%H:%M %d/%m/%Y")


class PublishForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    day = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    start = forms.TimeField(label=_("First slot starts at"), widget=TIME_INPUT)
    end = forms.TimeField(label=_("Last slot ends by"), widget=TIME_INPUT)
    minutes = forms.IntegerField(label=_("Slot length (minutes)"), min_value=1, max_value=1440, initial=15)
    capacity = forms.IntegerField(label=_("People per slot"), min_value=1, max_value=1000, initial=2)


class ConsultationForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the consultation"), max_length=300)
    advice = forms.CharField(label=_("Advice given"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    follow_up_on = forms.DateField(label=_("Follow-up date (if any)"), required=False, widget=DATE_INPUT)
