"""Widgets and fields the vaccination forms share."""
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class DosesField(forms.IntegerField):
    """A number of doses in one stock movement, within STOCK_MOVEMENT_MAX_DOSES (either way when `signed`)."""

    def __init__(self, *, signed: bool = False, **kwargs):
        limit = settings.STOCK_MOVEMENT_MAX_DOSES
        kwargs.setdefault("min_value", -limit if signed else 1)
        messages = {"max_value": _("Enter at most %(limit_value)s doses; check the figure.")}
        if signed:
            messages["min_value"] = _("Enter at least %(limit_value)s doses; check the figure.")
        super().__init__(max_value=limit, error_messages={**messages, **kwargs.pop("error_messages", {})}, **kwargs)
