"""The Python widget renderer writes exactly what Django's widget templates write, for every widget it draws."""
import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe

from registry.renderers import FastWidgetRenderer


class Everything(forms.Form):
    name = forms.CharField(max_length=20, help_text="x", widget=forms.TextInput(attrs={"placeholder": 'a "b" <c>'}))
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    count = forms.IntegerField(min_value=1, max_value=10_000_000, required=False)
    email = forms.EmailField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=False)
    at = forms.DateTimeField(required=False)
    agree = forms.BooleanField(required=False)
    flag = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": True, "data-x": False}))
    status = forms.ChoiceField(choices=[("", "All"), ("a&b", "A & B"), ("c", mark_safe("<b>C</b>")), (1000, 1000)],
                               required=False)
    grouped = forms.ChoiceField(choices=[("North", [("hn", "Hà Nội"), ("hp", "Hải Phòng")]), ("x", "Other")],
                                required=False)
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two"), ("3", "three")], required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)
    qr = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    photo = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": "image/*"}), required=False)
    sheet = forms.FileField(widget=forms.FileInput, required=False)


BOUND = {"name": 'Lê "Thu" <script>', "phone": "0912", "hidden": "h&", "secret": "s<", "count": "1234567",
         "email": "a@b.vn", "day": "2021-09-01", "at": "2021-09-01 08:30", "agree": "on", "status": "a&b",
         "grouped": "hp", "many": ["1", "3"], "kind": "b", "note": "line <1>", "qr": "HC1:A&B"}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("data", [None, BOUND, {"name": "", "count": "x", "day": "not a date"}])
def test_every_widget_is_drawn_as_django_draws_it(data, language):
    initial = {"count": 1000, "day": datetime.date(2021, 9, 1), "at": datetime.datetime(2021, 9, 1, 8, 30)}
    with translation.override(language):
        for field in Everything(data, initial=initial):
            ours = field.field.widget.render(
                field.html_name, field.value(), attrs=field.build_widget_attrs({"id": field.auto_id}),
                renderer=FastWidgetRenderer())
            theirs = field.field.widget.render(
                field.html_name, field.value(), attrs=field.build_widget_attrs({"id": field.auto_id}),
                renderer=DjangoTemplates())
            assert ours == theirs, field.name


def test_inputs_and_selects_load_no_template(monkeypatch):
    """The point of it: a select of 700 districts is one string join, not 700 template renders."""
    loaded = []
    monkeypatch.setattr(DjangoTemplates, "get_template", lambda self, name: loaded.append(name))
    form = Everything(BOUND)
    for name in ("name", "hidden", "count", "day", "agree", "status", "grouped", "many", "note", "photo", "sheet"):
        form[name].field.widget.render(form[name].html_name, form[name].value(), renderer=FastWidgetRenderer())
    assert loaded == []


def test_the_site_uses_it(settings):
    assert settings.FORM_RENDERER == "registry.renderers.FastWidgetRenderer"


@pytest.mark.parametrize("value", [None, "", "2", 2, "a&b", "missing", ["2"]])
def test_the_listed_select_draws_what_djangos_select_draws(value):
    from registry.renderers import ListedSelect

    choices = [("", "---------"), (1, "Ba Đình"), ("2", 'Hoàn "Kiếm" <b>'), ("a&b", mark_safe("<i>x</i>")),
               ("2", "the same value again: only the first is selected"), (None, "none")]
    attrs = {"id": "id_district", "aria-describedby": "help", "required": True, "disabled": False}
    ours = ListedSelect(attrs={"class": "wide"}, choices=choices).render("district", value, attrs=attrs)
    theirs = forms.Select(attrs={"class": "wide"}, choices=choices).render(
        "district", value, attrs=attrs, renderer=DjangoTemplates())
    assert ours == theirs


def test_console_filters_use_the_listed_select():
    from registry.forms import ListedModelChoiceField
    from registry.renderers import ListedSelect

    assert isinstance(ListedModelChoiceField(queryset=None).widget, ListedSelect)


def test_the_fast_escapes_escape_as_django_does():
    from django.utils.html import conditional_escape, format_html, format_html_join
    from django.utils.translation import gettext_lazy

    from registry.html import esc, html_format, html_join

    values = ['Lê "Thu" <script>&', "it's", mark_safe("<b>safe</b>"), gettext_lazy("Sign out"), 12, None, 1.5]
    for value in values:
        assert esc(value) == conditional_escape(value), value
    assert html_format("<td>{}</td><td>{}</td>", *values[:2]) == format_html("<td>{}</td><td>{}</td>", *values[:2])
    rows = [values[i:i + 2] for i in range(0, 6, 2)]
    assert html_join("<tr><td>{}</td><td>{}</td></tr>", rows) == format_html_join(
        "", "<tr><td>{}</td><td>{}</td></tr>", rows)
    assert isinstance(html_join("{}", [["x"]]), type(mark_safe("")))
