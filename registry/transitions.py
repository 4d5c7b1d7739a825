"""Allowed status moves, kept on each model as `TRANSITIONS` ({from: {to, …}}) and checked in one place.

Each model's moves are made by services of its own app (one per move), which lock the row, call
`transition_check` (or filter rows by `allowed_from`), change the status and write an audit row;
tests/test_transitions.py fails for a status written anywhere else.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def allowed_from(model, to: str) -> list[str]:
    """The states from which `model`'s rows may move to `to` (to filter rows set-wise)."""
    return [source for source, targets in model.TRANSITIONS.items() if to in targets]


def transition_check(instance, to: str, *, field: str = "status") -> str:
    """The current state of `instance` (locked by the caller) if it may move to `to`; otherwise a refusal that
    names the record and both states, on `field`."""
    current = getattr(instance, field)
    if to not in instance.TRANSITIONS.get(current, ()):
        choices = dict(instance._meta.get_field(field).flatchoices)
        raise ValidationError({field: _("This %(record)s cannot go from “%(status)s” to “%(to)s”.") % {
            "record": instance._meta.verbose_name, "status": choices.get(current, current),
            "to": choices.get(to, to)}})
    return current
