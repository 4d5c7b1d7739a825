"""Uploads and requests to join a list arriving at the same moment, on PostgreSQL with real row locks."""
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from citizens.models import Person, SmsMessage
from registry.models import AdministrativeUnit, OrganisationMember, PriorityGroup
from registry.reference_data import load_reference_data
from tests import factories as f
from tests.imports.test_staff_upload import GOOD, xlsx
from vaccination.imports.links import link_request_answer_by_code, link_request_send
from vaccination.imports.services import import_confirm, import_upload
from vaccination.imports.staff import NOT_FROM_UPLOAD
from vaccination.models import ImportBatch, LinkRequest, OrganisationPerson, Registration
from tests.parallel import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference(transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()




def _representative(django_user_model, phone: str):
    user = django_user_model.objects.create_citizen(phone, f.PASSWORD, full_name=f"Đại diện {phone}")
    organisation = f.OrganisationFactory(confirmed_at=timezone.now())
    OrganisationMember.objects.create(organisation=organisation, user=user)
    return user, organisation


def test_two_organisations_adding_the_same_new_number_at_once(reference, django_user_model):
    uploads = []
    for phone in ("0912777101", "0912777102"):
        user, organisation = _representative(django_user_model, phone)
        batch = import_upload(actor=user, kind="staff", file_name="a.xlsx", content=xlsx([GOOD[0]]),
                              organisation_id=organisation.pk)  # checked after commit, in-process in tests
        assert ImportBatch.objects.get(pk=batch.pk).status == "ready"
        uploads.append((user, organisation, batch))
    assert run_together([lambda u=u, b=b: import_confirm(actor=u, batch_id=b.pk) for u, _o, b in uploads]) == []
    assert Person.objects.filter(id_number=GOOD[0][3]).count() == 1
    results = sorted(ImportBatch.objects.get(pk=b.pk).results[0]["status"] for _u, _o, b in uploads)
    assert results == ["created", "refused"]  # neither upload failed; the second is told in neutral words
    assert all(ImportBatch.objects.get(pk=b.pk).status == "done" for _u, _o, b in uploads)
    refused = next(ImportBatch.objects.get(pk=b.pk).results[0] for _u, _o, b in uploads
                   if ImportBatch.objects.get(pk=b.pk).results[0]["status"] == "refused")
    assert refused["message"] == str(NOT_FROM_UPLOAD)
    assert OrganisationPerson.objects.count() == 1 and Registration.objects.count() == 1


def test_requests_sent_together_stop_at_the_organisations_limit(reference, django_user_model, settings):
    settings.LINK_REQUESTS_PER_ORGANISATION = 3
    user, organisation = _representative(django_user_model, "0912777201")
    numbers = [f"0010900{i:05d}" for i in range(8)]
    for index, number in enumerate(numbers):
        Person.objects.create(full_name=f"Người {index}", id_number=number, phone=f"+8491288{index:04d}")
    group = PriorityGroup.objects.get(number=9)
    errors = run_together([lambda n=n: link_request_send(actor=user, organisation=organisation, id_number=n,
                                                          priority_group=group) for n in numbers])
    assert len(errors) == 5 and all(isinstance(error, ValidationError) for error in errors)
    assert LinkRequest.objects.count() == 3
    assert SmsMessage.objects.filter(phone__startswith="+8491288").count() == 3


def test_a_code_answered_twice_at_once_links_once(reference, django_user_model):
    user, organisation = _representative(django_user_model, "0912777301")
    person = Person.objects.create(full_name="Hoàng Thị Lạ", id_number="046090000777", phone="+84905111222")
    link_request_send(actor=user, organisation=organisation, id_number="046090000777",
                      priority_group=PriorityGroup.objects.get(number=9))
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", SmsMessage.objects.get(phone="+84905111222").text).group(1)
    errors = run_together([lambda i=i: link_request_answer_by_code(code=code, accept=True, ip=f"10.0.0.{i}")
                            for i in range(4)])
    assert len(errors) == 3
    assert Registration.objects.filter(person=person, organisation=organisation).count() == 1
    assert OrganisationPerson.objects.get(person=person).origin == "consented"
