""""My vaccinations" is drawn once per fingerprint of the rows it shows (vaccination/book_stamp.py): the page is the
one the templates draw, and any change to what it shows is on the next view, without waiting for anything."""
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from citizens.models import Notification, Person
from registry.drawn import _drawn
from registry.models import AdministrativeUnit, Facility, PriorityGroup, Vaccine
from tests.conftest import PHUC_XA
from tests.drawn_pages import MESSAGES, tokens_as_one, with_a_message
from tests.vaccination.conftest import citizen_person, register
from tests.vaccination.test_health_book import _history
from vaccination.book_stamp import person_book_stamp
from vaccination.models import DeclaredDose, Dose, HelpRequest, Lot, Reaction, Registration

def _book(world, lot, django_user_model, capture):
    account, person = citizen_person(django_user_model, "0912000711", "Phan Thị Hoa", PHUC_XA)
    register(account, person, declared=[{"vaccine": Vaccine.objects.get(code="pfizer"),
                                         "given_on": timezone.localdate().replace(year=2021), "place": "Huế"}])
    _history(world, lot, account, person, doses=2, capture=capture)
    return account, person


def test_the_drawn_page_is_what_the_templates_draw(world, lot, client, rf, django_user_model,
                                                   django_capture_on_commit_callbacks):
    account, person = _book(world, lot, django_user_model, django_capture_on_commit_callbacks)
    client.force_login(account)
    url = reverse("vaccination:person_vaccinations", args=[person.pk])
    pages = [tokens_as_one(client.get(url).content.decode()) for _ in range(2)]  # drawn, then kept
    assert pages[0] == pages[1]
    assert "Phan Thị Hoa" in pages[0] and "AZ-001" in pages[0] and "Câu hỏi" in pages[0]
    with_a_message(rf, client)
    rendered = client.get(url).content.decode()
    assert "Đã lưu." in rendered  # the normal render, which shows the message
    assert MESSAGES.sub("", tokens_as_one(rendered)) == pages[0]


def test_every_change_to_what_the_page_shows_is_on_the_next_view(world, lot, client, django_user_model,
                                                                 django_capture_on_commit_callbacks):
    account, person = _book(world, lot, django_user_model, django_capture_on_commit_callbacks)
    client.force_login(account)
    url = reverse("vaccination:person_vaccinations", args=[person.pk])
    registration = Registration.objects.filter(person=person).latest("created_at")
    Registration.objects.filter(pk=registration.pk).update(status="allocated")  # open: its facts are shown
    dose = Dose.objects.filter(person=person).latest("given_at")
    changes = {
        "person": lambda: Person.objects.filter(pk=person.pk).update(full_name="Phan Thị Hoa Mới"),
        "registration": lambda: Registration.objects.filter(pk=registration.pk).update(next_dose_number=9),
        "priority group": lambda: PriorityGroup.objects.filter(pk=registration.priority_group_id).update(
            name_vi="Nhóm đổi tên"),
        "province": lambda: AdministrativeUnit.objects.filter(level="province", code=1).update(name="Thủ đô"),
        "declared dose": lambda: DeclaredDose.objects.filter(registration__person=person).update(dose_number=7),
        "site": lambda: Facility.objects.filter(pk=dose.site_id).update(name="Trạm đổi tên"),
        "lot": lambda: Lot.objects.filter(pk=dose.lot_id).update(lot_number="AZ-777"),
        "vaccine": lambda: Vaccine.objects.filter(pk=dose.vaccine_id).update(name="Vắc xin đổi tên"),
        "reaction": lambda: Reaction.objects.filter(person=person).update(severity="serious"),
        "help request": lambda: HelpRequest.objects.filter(person=person).update(answer="Đã trả lời"),
        "certificate": lambda: Certificate.objects.filter(person=person).update(status="revoked"),
        "dose": lambda: Dose.objects.filter(pk=dose.pk).update(voided=True),
        "unread notice": lambda: Notification.objects.create(person=person, recipient=account, title="Lịch hẹn"),
    }
    client.get(url)
    for name, change in changes.items():
        before = client.get(url).content.decode()
        change()
        after = tokens_as_one(client.get(url).content.decode())  # straight after the change: no waiting
        _drawn.clear()
        assert after == tokens_as_one(client.get(url).content.decode()), name  # the same as drawn afresh
        assert after != tokens_as_one(before), name  # and the change shows


def test_another_account_gets_no_page_and_no_stamp(world, lot, client, django_user_model,
                                                   django_capture_on_commit_callbacks):
    account, person = _book(world, lot, django_user_model, django_capture_on_commit_callbacks)
    client.force_login(account)
    url = reverse("vaccination:person_vaccinations", args=[person.pk])
    assert client.get(url).status_code == 200
    other, _other_person = citizen_person(django_user_model, "0912000712", "Lý Văn Nam", PHUC_XA)
    client.force_login(other)
    assert client.get(url).status_code == 404  # though the page is kept for its own account
    assert person_book_stamp(user=other, person_id=person.pk) is None
    assert person_book_stamp(user=account, person_id=person.pk)


def test_a_page_already_drawn_reads_one_query(world, lot, client, django_user_model,
                                              django_capture_on_commit_callbacks):
    account, person = _book(world, lot, django_user_model, django_capture_on_commit_callbacks)
    client.force_login(account)
    url = reverse("vaccination:person_vaccinations", args=[person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert "Phan Thị Hoa" in client.get(url).content.decode()
    # The stamp; account and badge are kept in the cache, and so is the session where Redis keeps it.
    read = [query["sql"] for query in queries.captured_queries if "django_session" not in query["sql"]]
    assert len(read) == 1 and read[0].startswith("SELECT 0, part0.*")
