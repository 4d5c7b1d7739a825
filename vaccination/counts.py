"""The counts of a registration queue by state: up to a cap for any filter, or exact for a whole area from the
rollups that the reporting app keeps."""
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from registry.db import hot_cursor
from registry.selectors import jurisdiction_of

from .models import Registration


@dataclass(frozen=True)
class Tally:
    """A count that stops at a cap: past it, pages say "more than …" instead of counting a million rows."""
    value: int
    capped: bool = False

    def __str__(self) -> str:
        figure = number_format(self.value, force_grouping=True)
        return _("more than %(count)s") % {"count": figure} if self.capped else figure


def registration_counts_sql(qs: QuerySet[Registration], keys: list[str]) -> tuple[str, list]:
    """One query counting the rows of `qs` in each state of `keys` ("" for all of them), each up to
    REGISTRATION_COUNT_CAP. The filter is compiled once and each count selects from it by state; PostgreSQL folds
    the inner query into each count, so every count reads the state's index entries, at most the cap of them."""
    cap = settings.REGISTRATION_COUNT_CAP
    base, base_params = qs.order_by().values("pk", "status").query.sql_with_params()
    parts, params = [], []
    for key in keys:
        where = "WHERE filtered.status = %s " if key else ""
        parts.append(f"(SELECT COUNT(*) FROM (SELECT 1 FROM ({base}) AS filtered {where}LIMIT {cap + 1}) AS capped)")
        params += [*base_params, key] if key else base_params
    return "SELECT " + ", ".join(parts), params


def registration_count_keys(*, total: bool) -> list[str]:
    """The states `registration_counts` counts, and "" (all of them) when `total`."""
    return list(Registration.Status.values) + ([""] if total else [])


def registration_counts(qs: QuerySet[Registration], *, total: bool = False) -> dict[str, Tally]:
    """Rows of `qs` in each state (and in all, under "" when `total`), each counted up to the cap."""
    keys = registration_count_keys(total=total)
    cap = settings.REGISTRATION_COUNT_CAP
    cursor = hot_cursor()  # prepared: the same filter's counts are planned once per connection
    cursor.execute(*registration_counts_sql(qs, keys))
    row = cursor.fetchone()
    return {key: Tally(min(n, cap), n > cap) for key, n in zip(keys, row)}


# Exact counts by state of a whole province's or the nation's registrations: the reporting app keeps them in its
# rollups and registers how to read them here (vaccination does not import it).
_state_totals: list = []


def registration_totals_reader(read) -> None:
    """`read(province_code)` (None for the nation) → the SQL and parameters of (state, count) rows."""
    _state_totals[:] = [read]


def registration_totals_sql(user, filters: dict) -> tuple[str, list] | None:
    """The statement of exact counts by state when a queue's filter is its officer's whole area (a province or the
    nation, a state or none) and a reader is registered; None otherwise (`registration_counts` counts up to the cap)."""
    if not _state_totals or any(value for name, value in filters.items() if name != "status"):
        return None
    j = jurisdiction_of(user)
    if j.is_province:
        return _state_totals[0](j.province_code)
    return _state_totals[0](None) if j.is_national else None


def registration_totals(statement: tuple[str, list], *, total: bool = False) -> dict[str, Tally]:
    """`registration_counts`, exact, from `registration_totals_sql`'s statement."""
    cursor = hot_cursor()
    cursor.execute(*statement)
    found = {state: int(count or 0) for state, count in cursor.fetchall()}
    counts = {key: Tally(found.get(key, 0)) for key in Registration.Status.values}
    if total:
        counts[""] = Tally(sum(found.values()))
    return counts
