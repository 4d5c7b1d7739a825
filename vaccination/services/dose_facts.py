"""What the recording of a dose needs to know, read in one query (see dose_recording.py): the request key, the
lot and its vaccine, the site and its area, the registration the dose moves on, and every dose the person had,
recorded or declared."""
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ..course import CourseDose, course_merge
from ..models import Registration

Status = Registration.Status
# The open registration, else the one that carries the course on after an earlier dose.
CARRIES_THE_DOSE = [*Registration.OPEN, Status.VACCINATED]
FACTS_SQL = """
    SELECT p.full_name, k.dose_id, k.person_id,
           l.id, l.lot_number, l.expiry_date, v.id, v.name, v.doses_in_series, v.min_interval_days,
           f.id, u.province_code, u.district_code,
           r.id, r.status, w.parent_id,
           h.given_at, h.given_on, h.dose_number, hv.id, hv.name, hv.doses_in_series, hv.min_interval_days
    FROM (SELECT 1 AS one) AS x
    LEFT JOIN citizens_person p ON p.id = %(person)s
    LEFT JOIN vaccination_doseclaim k ON k.idempotency_key = %(key)s
    LEFT JOIN vaccination_lot l ON l.id = %(lot)s
    LEFT JOIN registry_vaccine v ON v.id = l.vaccine_id
    LEFT JOIN registry_facility f ON f.id = %(site)s AND f.kind = 'site'
    LEFT JOIN registry_administrativeunit u ON u.id = f.unit_id
    LEFT JOIN vaccination_registration r ON r.id = (
        SELECT o.id FROM vaccination_registration o WHERE o.person_id = %(person)s AND o.status IN ({statuses})
        ORDER BY CASE WHEN o.status = 'vaccinated' THEN 1 ELSE 0 END, o.created_at DESC LIMIT 1)
    LEFT JOIN registry_administrativeunit w ON w.id = r.ward_id
    -- One row per earlier dose (the facts above repeat on each), or one row of NULLs for a first dose.
    LEFT JOIN (
        SELECT d.given_at AS given_at, NULL AS given_on, d.dose_number AS dose_number, d.vaccine_id AS vaccine_id
        FROM vaccination_doseclaim d WHERE d.person_id = %(person)s AND NOT d.voided  -- one index, not a month each
        UNION ALL
        SELECT NULL, dd.given_on, dd.dose_number, dd.vaccine_id
        FROM vaccination_declareddose dd JOIN vaccination_registration dr ON dr.id = dd.registration_id
        WHERE dr.person_id = %(person)s
    ) AS h ON 1 = 1
    LEFT JOIN registry_vaccine hv ON hv.id = h.vaccine_id
""".format(statuses=", ".join(f"'{status}'" for status in CARRIES_THE_DOSE))


@dataclass(frozen=True)
class VaccineFacts:
    pk: int
    name: str
    doses_in_series: int
    min_interval_days: int

    def __str__(self) -> str:
        return self.name


@dataclass
class DoseFacts:
    person_name: str | None  # None: no such person
    key_dose_id: int | None
    key_person_id: int | None
    lot: tuple | None  # (id, lot_number, expiry_date, vaccine)
    site: tuple | None  # (id, province_code, district_code)
    registration: tuple | None  # (id, status, district_id)
    recorded: list[CourseDose]
    declared: list[CourseDose]

    @property
    def history(self) -> list[CourseDose]:
        """Every dose the person had, by the course's one rule."""
        return course_merge(recorded=self.recorded, declared=self.declared)


def as_date(value) -> datetime.date:
    return parse_date(value) if isinstance(value, str) else value


def as_datetime(value) -> datetime.datetime:
    if isinstance(value, str):  # SQLite hands back text, in UTC
        value = parse_datetime(value)
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value


def facts_read(cursor, *, person_id: int, site_id: int, lot_id: int, key: str) -> DoseFacts:
    cursor.execute(FACTS_SQL, {"key": key, "lot": lot_id, "site": site_id, "person": person_id})
    rows = cursor.fetchall()
    first = rows[0]
    facts = DoseFacts(person_name=first[0], key_dose_id=first[1], key_person_id=first[2],
                      lot=(first[3], first[4], as_date(first[5]), VaccineFacts(*first[6:10])) if first[3] else None,
                      site=first[10:13] if first[10] else None, registration=first[13:16] if first[13] else None,
                      recorded=[], declared=[])
    for row in rows:
        if row[16] is not None:
            facts.recorded.append(CourseDose(timezone.localtime(as_datetime(row[16])).date(), row[18],
                                             VaccineFacts(*row[19:23])))
        elif row[17] is not None:
            facts.declared.append(CourseDose(as_date(row[17]), row[18], VaccineFacts(*row[19:23])))
    return facts
