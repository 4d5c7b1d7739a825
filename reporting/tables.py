"""The dashboard's long tables as ready rows of HTML.

At national level the page has some 700 cells (63 provinces, 30 days, the stages of every province); one
template variable with a filter per cell cost more time than all the page's queries together. Here each row is
one `format_html` call, every value escaped; the template only places the rows.
"""
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def _figure(value) -> str:
    """A count grouped as the reader's language writes it (12.345.678 in Vietnamese, 12,345,678 in English)."""
    return number_format(int(value or 0))


def _pct(value) -> str:
    return f" ({number_format(value)}%)" if value is not None else ""


def _link(area, key, name) -> SafeString:
    if area.child == "province":
        return format_html('<a href="?province={}">{}</a>', key, name)
    if area.child == "district":
        return format_html('<a href="?province={}&amp;district={}">{}</a>', area.province.code, key, name)
    return format_html("{}", name)


def breakdown_rows(area, rows: list[dict]) -> SafeString:
    return format_html_join("", "<tr><td>{}</td><td>{}{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>", (
        (_link(area, row["key"], row["name"]), _figure(row["first"]), _pct(row["first_pct"]), _figure(row["full"]),
         _pct(row["full_pct"]), _figure(row["booster"]), _figure(row["total"])) for row in rows))


def chart_bars(days: list[tuple]) -> SafeString:
    return format_html_join("", '<rect x="{}" y="{}" width="8" height="{}"><title>{}: {}</title></rect>', (
        (index * 10, 100 - height, height, date_format(day, "MONTH_DAY_FORMAT"), _figure(count))
        for index, (day, count, height) in enumerate(days)))


def chart_rows(days: list[tuple]) -> SafeString:
    return format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", (
        (date_format(day, "SHORT_DATE_FORMAT"), _figure(count)) for day, count, _height in days))


def waiting_rows(area, rows: list[dict]) -> SafeString:
    return format_html_join("", "<tr><td>{}</td>{}</tr>", (
        (_link(area, row["key"], row["name"]),
         format_html_join("", "<td>{}</td>", ((_figure(n),) for n in row["stages"]))) for row in rows))

