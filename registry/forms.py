from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm

from .auth import staff_authenticate, staff_sign_in_error
from .http import client_ip
from .renderers import ListedSelect


class StaffLoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(
        attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))


class StaffAdminLoginForm(OTPAdminAuthenticationForm):
    """/admin/'s sign-in checks the password through the console's staff sign-in: the same limits per username
    and per client address, counted in the same counters, and the same audit rows."""

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            result = staff_authenticate(self.request, username=username, password=password,
                                        ip=client_ip(self.request))
            if result.user is None:
                raise ValidationError(staff_sign_in_error(result), code="invalid_login")
            self.user_cache = result.user
            self.confirm_login_allowed(self.user_cache)
        self.clean_otp(self.get_user())
        return self.cleaned_data


class OtpTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """Reads the choices with one plain query, kept for the form's life. Django's own iterator reads them through
    `QuerySet.iterator()`, which on PostgreSQL is a server-side cursor (DECLARE, FETCH, CLOSE: three round trips)
    and runs again each time the widget looks at its choices."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):  # Django's counts with a query of its own; this reads the list it is about to show
        return len(self.queryset) + (self.field.empty_label is not None)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for the short lists of a console filter (districts, priority groups, organisations).
    Given a queryset already read, it keeps it instead of a fresh copy: two forms of one page share one list."""
    iterator = ListedChoiceIterator
    widget = ListedSelect

    def _set_queryset(self, queryset):
        if queryset is None or queryset._result_cache is None:
            return super()._set_queryset(queryset)
        self._queryset = queryset
        self.widget.choices = self.choices

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


WARD_NOT_IN_DISTRICT = _("This ward is not in the district chosen.")


def ward_in_district_check(form: forms.Form, cleaned: dict, *, with_province: bool = True) -> None:
    """The rule of every province → district → ward picker, in one place: the ward chosen must lie in the district
    chosen and, `with_province`, the district in the province chosen; otherwise the ward field says so."""
    ward, district = cleaned.get("ward"), cleaned.get("district")
    if ward and not (ward.lies_in(district) and (not with_province or district.lies_in(cleaned.get("province")))):
        form.add_error("ward", WARD_NOT_IN_DISTRICT)
