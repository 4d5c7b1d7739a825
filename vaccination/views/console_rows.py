"""The console's long tables as ready rows of HTML, each row one format call with every value escaped.

A page of the province queue is 50 rows of 8 cells; drawn by the template, with a variable look-up and a filter
per cell and a translated label per row, it cost more than the page's queries. The template only places the rows.
"""
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from citizens.models import id_number_mask
from registry.html import html_format, html_join

from ..models import Registration

_PLACEHOLDER = 2**62  # a primary key no row has: reversed once, then each row's key takes its place


def _url_of(name: str):
    """`reverse(name, args=[pk])` for many keys at the cost of one."""
    pattern = reverse(name, args=[_PLACEHOLDER])
    head, _sep, tail = pattern.partition(str(_PLACEHOLDER))
    return lambda pk: f"{head}{pk}{tail}"


def queue_rows(page) -> SafeString:
    """The rows of a page of `registration_queue_rows`: tick box, name (linked), date of birth, masked ID,
    priority group, ward and district (→ the district allocated to), state and when registered (Viet Nam time)."""
    detail = _url_of("vaccination_console:registration_detail")
    select = _("Select %(name)s")
    states = {value: str(label) for value, label in Registration.Status.choices}
    return html_join((
        '<tr><td><input type="checkbox" name="ids" value="{}" aria-label="{}"></td><td><a href="{}">{}</a></td>'
        "<td>{}</td><td>{}</td><td>{}</td><td>{}, {}{}</td><td>{}</td><td>{}</td></tr>"), (
        (row["pk"], select % {"name": row["person__full_name"]}, detail(row["pk"]), row["person__full_name"],
         row["person__date_of_birth"].strftime("%d/%m/%Y") if row["person__date_of_birth"] else "",
         id_number_mask(row["person__id_number"]), row["priority_number"], row["ward__name"],
         row["ward__parent__name"] or "",
         html_format(" → {}", row["allocated_district__name"]) if row["allocated_district__name"] else "",
         states.get(row["status"], row["status"]), timezone.localtime(row["created_at"]).strftime("%d/%m/%Y %H:%M"))
        for row in page))
