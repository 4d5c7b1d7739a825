import re

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.forms import ward_in_district_check
from registry.models import AdministrativeUnit

from .id_numbers import id_number_clean, id_number_fits
from .models import HealthDeclaration, Person
from .phones import phone_normalize

Level = AdministrativeUnit.Level
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PhoneField(forms.CharField):
    """A Vietnamese mobile number in any usual form, cleaned to +84xxxxxxxxx."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return phone_normalize(value) if value else value


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                validate_password(first)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignUpForm(forms.Form):
    """Step 1 of sign-up: who and which number. The password comes with the code (SignUpFinishForm)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = PhoneField(label=_("Mobile number"))


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("6-digit code sent by SMS"), regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class SignInForm(forms.Form):
    phone = PhoneField(label=_("Mobile number"))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class ForgotPasswordForm(forms.Form):
    phone = PhoneField(label=_("Mobile number"))


class ResetPasswordForm(NewPasswordMixin):
    code = CodeForm.base_fields["code"]
    field_order = ["code", "password1", "password2"]


class SignUpFinishForm(NewPasswordMixin):
    """Step 2 of sign-up: the code sent by SMS and the password the account will sign in with."""

    code = CodeForm.base_fields["code"]
    field_order = ["code", "password1", "password2"]


class PhoneChangeForm(forms.Form):
    new_phone = PhoneField(label=_("New mobile number"))
    password = forms.CharField(label=_("Your current password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


# What a number that does not fit the kind chosen is told (the rule itself: citizens/id_numbers.py).
ID_MESSAGES = {
    Person.IdKind.CCCD: _("A citizen ID (CCCD) has exactly 12 digits."),
    Person.IdKind.CMND: _("An old ID card (CMND) number has exactly 9 digits."),
    Person.IdKind.PASSPORT: _("A passport number has 6 to 12 letters and digits, such as C1234567."),
}
INSURANCE_PATTERN = re.compile(r"^[A-Z]{2}\d{13}$")


class PersonForm(forms.ModelForm):
    """A person's profile; the address is picked province → district → ward."""

    province = forms.ModelChoiceField(label=_("Province or city"), queryset=AdministrativeUnit.objects.none(),
                                      required=False)
    district = forms.ModelChoiceField(label=_("District"), queryset=AdministrativeUnit.objects.none(), required=False)
    phone = PhoneField(label=_("Mobile number"), required=False)

    class Meta:
        model = Person
        fields = [
            "full_name", "date_of_birth", "sex", "nationality", "phone", "id_kind", "id_number",
            "insurance_number", "insurance_valid_from", "insurance_valid_to",
            "province", "district", "ward", "street", "occupation", "workplace",
            "chronic_conditions", "allergies", "severe_reactions", "medical_history",
        ]
        widgets = {
            "date_of_birth": DATE_INPUT, "insurance_valid_from": DATE_INPUT, "insurance_valid_to": DATE_INPUT,
            "chronic_conditions": forms.Textarea(attrs={"rows": 2}), "allergies": forms.Textarea(attrs={"rows": 2}),
            "severe_reactions": forms.Textarea(attrs={"rows": 2}), "medical_history": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "id_number": {"unique": _("This ID number already belongs to another person. "
                                      "If it is yours, contact the response center.")},
        }
        help_texts = {
            "insurance_number": _("2 letters and 13 digits, as on the card (e.g. DN4010123456789)."),
            "allergies": _("Medicines, foods or vaccine ingredients you are allergic to."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("full_name", "date_of_birth", "sex"):
            self.fields[name].required = True
        units = AdministrativeUnit.objects.order_by("name")
        self.fields["province"].queryset = units.filter(level=Level.PROVINCE)
        ward = self.instance.ward if self.instance.pk and self.instance.ward_id else None
        province_id = self.data.get(self.add_prefix("province")) or (ward and ward.parent.parent_id)
        district_id = self.data.get(self.add_prefix("district")) or (ward and ward.parent_id)
        self.fields["district"].queryset = units.filter(level=Level.DISTRICT, parent_id=_int(province_id))
        self.fields["ward"].queryset = units.filter(level=Level.WARD, parent_id=_int(district_id))
        self.fields["ward"].label = _("Ward or commune")
        if ward is not None and not self.is_bound:
            self.initial.update(province=ward.parent.parent_id, district=ward.parent_id)

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        if born and born.year < 1900:
            raise ValidationError(_("Check the year of birth."))
        return born

    def clean_id_number(self):
        return id_number_clean(self.cleaned_data.get("id_number")) or None

    def clean_insurance_number(self):
        number = (self.cleaned_data.get("insurance_number") or "").strip().upper().replace(" ", "")
        if number and not INSURANCE_PATTERN.match(number):
            raise ValidationError(_("A health insurance card number has 2 letters then 13 digits."))
        return number

    def clean(self):
        cleaned = super().clean()
        kind, number = cleaned.get("id_kind"), cleaned.get("id_number")
        if number and not kind:
            self.add_error("id_kind", _("Choose the kind of ID for this number."))
        elif kind and not number:
            self.add_error("id_number", _("Enter the ID number."))
        elif kind and number:
            if not id_number_fits(kind, number):
                self.add_error("id_number", ID_MESSAGES[kind])
        start, end = cleaned.get("insurance_valid_from"), cleaned.get("insurance_valid_to")
        if start and end and end < start:
            self.add_error("insurance_valid_to", _("The card cannot expire before it becomes valid."))
        if (start or end) and not cleaned.get("insurance_number"):
            self.add_error("insurance_number", _("Enter the card number for these dates."))
        ward, district, province = cleaned.get("ward"), cleaned.get("district"), cleaned.get("province")
        ward_in_district_check(self, cleaned)
        if (province or district) and not ward:
            self.add_error("ward", _("Choose the ward or commune."))
        return cleaned

    def profile_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("province", "district")}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DeclarationForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Declaring for"), queryset=Person.objects.none(), empty_label=None)
    symptoms = forms.MultipleChoiceField(
        label=_("In the last 14 days, have you had any of these?"), required=False,
        choices=HealthDeclaration.Symptom.choices, widget=forms.CheckboxSelectMultiple,
    )
    contact_confirmed = forms.TypedChoiceField(
        label=_("In the last 14 days, were you in contact with a confirmed COVID-19 case?"),
        choices=[("no", _("No")), ("yes", _("Yes"))], coerce=lambda v: v == "yes", widget=forms.RadioSelect,
    )
    contact_suspected = forms.TypedChoiceField(
        label=_("In the last 14 days, were you in contact with a suspected case or someone from an outbreak area?"),
        choices=[("no", _("No")), ("yes", _("Yes"))], coerce=lambda v: v == "yes", widget=forms.RadioSelect,
    )
    places_visited = forms.CharField(
        label=_("Places visited in the last 14 days (provinces, outbreak areas)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    captcha = forms.CharField(label=_("Security code shown in the picture"), max_length=10,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
