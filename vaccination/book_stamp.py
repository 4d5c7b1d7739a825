"""What "My vaccinations" shows of one person, read as one fingerprint in one query.

The page is drawn once per fingerprint in each process (registry/drawn.py): every row the page reads (the person,
their registrations with the priority group, ward, district, province, allocated district and required vaccine,
the declared doses and their vaccines, the appointments with their sessions and sites, the doses with their
vaccines, sites and lots, the reactions, the help requests, and what other apps add to the page) is read here
whole, every column, so a page is drawn again exactly when something it could show has changed. A fingerprint
names its rows' ids, so it is never another person's.

Apps whose sections sit on the page (VACCINATION_PAGE_SECTIONS) add their rows with `book_stamp_part`.
"""
from django.apps import apps

from registry.db import hot_cursor, row_text, stamp_of

_parts: list[str] = []  # SELECT … statements of one text column, each with one parameter: the person's id
_sql: str | None = None


def book_stamp_part(sql: str) -> None:
    """Add the rows of another app's section to the fingerprint: `sql` selects one text column and takes the
    person's id as its one `%s`."""
    global _sql
    if sql not in _parts:
        _parts.append(sql)
        _sql = None


def _own_parts() -> list[str]:
    model = apps.get_model
    person, unit = model("citizens", "Person"), model("registry", "AdministrativeUnit")
    group, vaccine, facility = model("registry", "PriorityGroup"), model("registry", "Vaccine"), model("registry",
                                                                                                       "Facility")
    registration, declared = model("vaccination", "Registration"), model("vaccination", "DeclaredDose")
    appointment, session = model("vaccination", "Appointment"), model("vaccination", "Session")
    dose, lot = model("vaccination", "Dose"), model("vaccination", "Lot")
    reaction, help_request = model("vaccination", "Reaction"), model("vaccination", "HelpRequest")
    t = {m: m._meta.db_table for m in (person, unit, group, vaccine, facility, registration, declared, appointment,
                                       session, dose, lot, reaction, help_request)}
    registration_row = " || ".join(row_text(m, a) for m, a in [
        (registration, "r"), (group, "g"), (unit, "w"), (unit, "d"), (unit, "v"), (unit, "a"), (vaccine, "x")])
    dose_row = " || ".join(row_text(m, a) for m, a in [(dose, "o"), (vaccine, "x"), (facility, "f"), (lot, "l")])
    return [
        f"SELECT {row_text(person, 'p')} FROM {t[person]} p WHERE p.id = %s",
        f"SELECT {registration_row}"
        f" FROM {t[registration]} r LEFT JOIN {t[group]} g ON g.id = r.priority_group_id"
        f" LEFT JOIN {t[unit]} w ON w.id = r.ward_id LEFT JOIN {t[unit]} d ON d.id = w.parent_id"
        f" LEFT JOIN {t[unit]} v ON v.id = d.parent_id LEFT JOIN {t[unit]} a ON a.id = r.allocated_district_id"
        f" LEFT JOIN {t[vaccine]} x ON x.id = r.required_vaccine_id WHERE r.person_id = %s",
        f"SELECT {row_text(declared, 'e')} || {row_text(vaccine, 'x')} FROM {t[declared]} e"
        f" JOIN {t[registration]} r ON r.id = e.registration_id LEFT JOIN {t[vaccine]} x ON x.id = e.vaccine_id"
        f" WHERE r.person_id = %s",
        f"SELECT {row_text(appointment, 'b')} || {row_text(session, 's')} || {row_text(facility, 'f')}"
        f" FROM {t[appointment]} b JOIN {t[registration]} r ON r.id = b.registration_id"
        f" LEFT JOIN {t[session]} s ON s.id = b.session_id LEFT JOIN {t[facility]} f ON f.id = s.site_id"
        f" WHERE r.person_id = %s",
        f"SELECT {dose_row}"
        f" FROM {t[dose]} o LEFT JOIN {t[vaccine]} x ON x.id = o.vaccine_id"
        f" LEFT JOIN {t[facility]} f ON f.id = o.site_id LEFT JOIN {t[lot]} l ON l.id = o.lot_id"
        f" WHERE o.person_id = %s",
        f"SELECT {row_text(reaction, 'c')} FROM {t[reaction]} c WHERE c.person_id = %s",
        f"SELECT {row_text(help_request, 'h')} FROM {t[help_request]} h WHERE h.person_id = %s",
    ]


def _statement() -> str:
    """Every part, each row as (part's number, text); the person's row (part 0) only for their account or the
    account caring for them; last, the account's unread notices (the header's badge), counted exactly."""
    global _sql
    if _sql is None:
        notice = apps.get_model("citizens", "Notification")._meta.db_table
        parts = [*_own_parts(), *_parts,
                 f"SELECT CAST(COUNT(*) AS TEXT) FROM {notice} n WHERE n.recipient_id = %s AND n.read_at IS NULL"]
        parts[0] += " AND (p.account_id = %s OR p.managed_by_id = %s)"
        _sql = " UNION ALL ".join(f"SELECT {number}, part{number}.* FROM ({part}) AS part{number}"
                                  for number, part in enumerate(parts))
    return _sql


def person_book_stamp(*, user, person_id: int) -> tuple[str, int] | None:
    """The fingerprint of everything "My vaccinations" shows of `person_id`, and the account's unread notices;
    None when the person is not one of the account's people (`people_for`'s rule)."""
    if not user.is_authenticated or user.is_staff or not 0 < person_id < 2**63:  # no row has a larger id
        return None
    sql = _statement()
    cursor = hot_cursor()
    cursor.execute(sql, [person_id, user.pk, user.pk] + [person_id] * (sql.count("%s") - 4) + [user.pk])
    rows = cursor.fetchall()
    if not any(number == 0 for number, _text in rows):  # without the person's own row, nothing is theirs to see
        return None
    last = max(number for number, _text in rows)
    unread = next(int(text) for number, text in rows if number == last)
    return stamp_of(row for row in rows if row[0] != last), unread
