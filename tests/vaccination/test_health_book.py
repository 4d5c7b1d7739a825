"""A citizen's "My vaccinations" page: every dose, the registration, reactions, help and the certificate, in a
fixed, small number of queries whatever the history holds."""
import datetime

from django.urls import reverse
from django.utils import timezone

from registry.drawn import _drawn
from registry.models import Vaccine
from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person, register
from vaccination.models import Dose
from vaccination.services.dose_recording import dose_record
from vaccination.services.reactions import help_request_submit, reaction_report

# session, user, person, registrations, their declared doses, their appointments, doses, unread notices,
# reactions, help requests, certificate
MAX_QUERIES = 11


def _history(world, lot, account, person, *, doses: int, capture):
    with capture(execute=True):
        start = 2 + Dose.objects.filter(person=person).count()
        for number in range(start, start + doses):
            dose, _created = dose_record(
                actor=world["site_staff_phuc_xa"], person_id=person.pk, site_id=world["site_phuc_xa"].pk,
                lot_id=lot.pk, idempotency_key=f"book-{person.pk}-{number}", dose_number=number, confirm=True,
                given_at=timezone.now() - datetime.timedelta(days=100 - 10 * number),
                override_reason="Theo chỉ định của bác sĩ")
            reaction_report(actor=account, dose_id=dose.pk, onset_at=dose.given_at + datetime.timedelta(hours=2),
                            symptoms=["fever"], severity="mild")
            help_request_submit(actor=account, person_id=person.pk, kind="other", message=f"Câu hỏi {number}")


def test_my_vaccinations_shows_the_whole_history_in_few_queries(
        world, lot, client, django_user_model, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    astrazeneca = Vaccine.objects.get(code="astrazeneca")
    account, person = citizen_person(django_user_model, "0912000701", "Vũ Thị Mai", PHUC_XA)
    register(account, person, declared=[{"vaccine": astrazeneca, "given_on": timezone.localdate() - datetime.timedelta(
        days=150), "place": "Bệnh viện Bạch Mai"}])
    _history(world, lot, account, person, doses=2, capture=django_capture_on_commit_callbacks)
    client.force_login(account)
    url = reverse("vaccination:person_vaccinations", args=[person.pk])
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get(url).content.decode()
    assert "Đã tiêm 3 mũi vắc xin" in page
    assert page.count("AZ-001") == 2 and page.count(world["site_phuc_xa"].name) == 2
    assert "khai báo" in page  # the dose declared at registration, marked as such
    assert page.count("Câu hỏi") == 2
    assert reverse("certificates:certificate_pdf", args=[person.pk]) in page


def test_the_page_costs_the_same_for_a_longer_history(
        world, lot, client, django_user_model, django_capture_on_commit_callbacks, django_assert_num_queries):
    account, person = citizen_person(django_user_model, "0912000702", "Đỗ Văn Hùng", PHUC_XA)
    register(account, person)
    _history(world, lot, account, person, doses=1, capture=django_capture_on_commit_callbacks)
    client.force_login(account)
    url = reverse("vaccination:person_vaccinations", args=[person.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _drawn.clear()  # the page drawn anew each time (a page already drawn for the same rows reads only its stamp)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    _history(world, lot, account, person, doses=3, capture=django_capture_on_commit_callbacks)
    _drawn.clear()
    with django_assert_num_queries(len(short)):
        assert "Đã tiêm" in client.get(url).content.decode()
