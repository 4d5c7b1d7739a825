"""The forms of an organisation's account: registering it, uploading a sheet, asking to link a person."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from registry.models import AdministrativeUnit, Organisation, PriorityGroup

from ..imports.sheets import size_refusal


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"), allow_empty_file=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if refusal := size_refusal(upload.size):  # before the file is read
            raise ValidationError(refusal)
        return upload


class OrganisationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the organisation"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Organisation.Kind.choices)
    registration_number = forms.RegexField(label=gettext_lazy("Tax or registration number"), regex=r"^[0-9A-Za-z\-]{5,20}$",
                                           error_messages={"invalid": gettext_lazy("5 to 20 letters and digits.")})
    # The same province → district → ward picker as the profile (static/js/address.js fills each list from the
    # one before it; without JavaScript, saving with a province chosen brings back its districts, and so on).
    province = forms.ModelChoiceField(label=gettext_lazy("Province or city"), queryset=AdministrativeUnit.objects.none())
    district = forms.ModelChoiceField(label=gettext_lazy("District"), queryset=AdministrativeUnit.objects.none())
    ward = forms.ModelChoiceField(label=gettext_lazy("Ward or commune"), queryset=AdministrativeUnit.objects.none(),
                                  error_messages={"required": gettext_lazy("Choose the ward or commune.")})
    address = forms.CharField(label=gettext_lazy("Address"), max_length=300)
    contact_name = forms.CharField(label=gettext_lazy("Contact person"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdministrativeUnit.objects.order_by("name")
        self.fields["province"].queryset = units.filter(level="province")
        self.fields["district"].queryset = units.filter(
            level="district", parent_id=_whole(self.data.get(self.add_prefix("province"))))
        self.fields["ward"].queryset = units.filter(
            level="ward", parent_id=_whole(self.data.get(self.add_prefix("district"))))


def _whole(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class LinkRequestForm(forms.Form):
    id_number = forms.RegexField(label=gettext_lazy("ID number (CCCD, CMND or passport)"),
                                 regex=r"^\s*[0-9A-Za-z ]{6,14}\s*$",
                                 error_messages={"invalid": gettext_lazy("A CCCD has 12 digits, a CMND 9; a passport "
                                                                         "6 to 12 letters and digits.")})
    priority_group = forms.ModelChoiceField(label=gettext_lazy("Priority group"), queryset=PriorityGroup.objects.all())


class LinkCodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code in the SMS"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "autocapitalize": "characters"}))
