"""List pages cost the same number of queries for 3 rows as for 12 (no query per row)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.drawn import _drawn
from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person, register
from vaccination.services.dose_recording import dose_record
from vaccination.services.reactions import help_request_submit, reaction_report
from vaccination.services.registrations import registrations_allocate, registrations_approve
from vaccination.services.sessions import session_create


def _grow(world, lot, django_user_model, start, count):
    for index in range(start, start + count):
        account, person = citizen_person(django_user_model, f"09170{index:05d}", f"Người {index}", PHUC_XA)
        registration = register(account, person)
        registrations_approve(officer=world["province_ha_noi"], ids=[registration.pk])
        registrations_allocate(officer=world["province_ha_noi"], ids=[registration.pk])
        dose, _created = dose_record(actor=world["site_staff_phuc_xa"], person_id=person.pk,
                                     site_id=world["site_phuc_xa"].pk, lot_id=lot.pk, idempotency_key=f"q{index}",
                                     given_at=timezone.now() - datetime.timedelta(hours=1))
        reaction_report(actor=account, dose_id=dose.pk, onset_at=timezone.now(), symptoms=["fever"], severity="mild")
        help_request_submit(actor=account, person_id=person.pk, kind="other", message="Hỏi")
        session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk,
                       date=timezone.localdate() + datetime.timedelta(days=1 + index), start_time=datetime.time(8),
                       end_time=datetime.time(9), slot_minutes=30, people_per_slot=1, lot_id=lot.pk)


@pytest.mark.parametrize("role, url_name", [
    ("district_ba_dinh", "vaccination_console:waiting_list"),
    ("district_ba_dinh", "vaccination_console:session_list"),
    ("site_staff_phuc_xa", "vaccination_console:reaction_list"),
    ("site_staff_phuc_xa", "vaccination_console:help_list"),
    ("province_ha_noi", "vaccination_console:registration_list"),
    ("site_staff_phuc_xa", "vaccination_console:stock"),
])
def test_no_query_per_row(world, lot, django_user_model, console_client, role, url_name):
    client = console_client(world[role])
    url = reverse(url_name) + ("?status=" if "registration" in url_name else "")
    _grow(world, lot, django_user_model, 0, 3)
    client.get(url)
    _drawn.clear()  # each page drawn anew (the province queue is drawn once per filter, counts and lists)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(world, lot, django_user_model, 3, 9)
    _drawn.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
