"""The dashboard's report period: the form of its daily report (drawn with the figures, read by the report)."""
from django import forms
from django.utils.translation import gettext_lazy


class PeriodForm(forms.Form):
    # A date input's value is always yyyy-mm-dd whatever the language; the browser shows it the local way.
    date_from = forms.DateField(label=gettext_lazy("From date"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=gettext_lazy("Until date"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
