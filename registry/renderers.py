"""Form widgets drawn in Python: the same HTML as Django's own widget templates, without a template per option.

Django draws a <select> by rendering one small template per option (and one more per attribute list). On the
province queue, whose filter offers every district, organisation and priority group, that cost a third of the
page. This renderer writes the plain input, select, text area and file input widgets directly, character for
character what django/forms/widgets/{input,select,select_option,attrs,textarea,clearable_file_input}.html write
(tests/registry/test_renderers.py compares them), and hands every other template (radio lists, a file input with
a file already set, whole forms) to Django's templates.
"""
from html import escape as _escape

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime

from .html import esc

_WIDGETS = "django/forms/widgets/"
_INPUTS = frozenset(_WIDGETS + name + ".html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
    "color", "checkbox", "file"))
_SELECT, _OPTION = _WIDGETS + "select.html", _WIDGETS + "select_option.html"
_TEXTAREA, _CLEARABLE_FILE = _WIDGETS + "textarea.html", _WIDGETS + "clearable_file_input.html"


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: "%s" of the raw value, escaped unless it was already safe."""
    text = "%s" % value
    return text if isinstance(value, SafeData) else _escape(text)


def _shown(value) -> str:
    """`{{ value }}` in a template: localised, then escaped unless safe."""
    return esc(localize(template_localtime(value)))


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {esc(name)}" if value is True else f' {esc(name)}="{_formatted(value)}"'
        for name, value in attrs.items() if value is not False)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (f'<input type="{esc(widget["type"])}" name="{esc(widget["name"])}"{value}'
            f'{_attrs(widget["attrs"])}>')


def _textarea(widget: dict) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _clearable_file(widget: dict) -> str | None:
    """Only while no file is set: then Django's template draws a plain file input (without a value)."""
    if widget["is_initial"]:
        return None
    return (f'<input type="{esc(widget["type"])}" name="{esc(widget["name"])}"'
            f'{_attrs(widget["attrs"])}>')


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return None
            parts.append(f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{_shown(option["label"])}</option>\n')  # the option template's own last newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FastWidgetRenderer(DjangoTemplates):
    """FORM_RENDERER: plain inputs and selects in Python, everything else through Django's templates."""

    def render(self, template_name, context, request=None):
        html = None
        if template_name in _INPUTS:
            html = _input(context["widget"])
        elif template_name == _SELECT:
            html = _select(context["widget"])
        elif template_name == _TEXTAREA:
            html = _textarea(context["widget"])
        elif template_name == _CLEARABLE_FILE:
            html = _clearable_file(context["widget"])
        if html is None:
            return super().render(template_name, context, request=request)
        return mark_safe(html) if not isinstance(html, SafeString) else html


class ListedSelect(forms.Select):
    """A single <select> drawn straight from its choices, the same HTML as Django's Select. Django first builds a
    dictionary per option (copied attributes, index, template name) and the renderer then walks them; for the
    console filters' lists of districts and organisations that was a sixth of the province queue."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)  # a model field's choices are built anew on every pass: once
        if self.allow_multiple_selected or any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs=attrs, renderer=renderer)
        chosen, has_selected = self.format_value(value), False
        parts = [f'<select name="{esc(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>']
        for option_value, label in choices:
            option_value = "" if option_value is None else option_value
            selected = not has_selected and str(option_value) in chosen
            has_selected |= selected
            parts.append(f'\n  <option value="{_formatted(option_value)}"{" selected" if selected else ""}>'
                         f'{_shown(label)}</option>\n')
        parts.append("\n</select>")
        return mark_safe("".join(parts))
