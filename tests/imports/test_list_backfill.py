"""The migration that introduced organisation lists: only people an organisation's own upload created (person
row made together with its registration, held by no account) become "added"; a stranger an old upload merely
overwrote does not, so the organisation cannot keep rewriting them."""
import datetime
import importlib

import pytest
from django.db import connection
from django.utils import timezone

from citizens.models import Person
from tests import factories as f
from vaccination.models import OrganisationPerson, Registration

pytestmark = pytest.mark.postgres


def test_only_people_the_upload_created_are_backfilled(db, django_user_model):
    migration = importlib.import_module("vaccination.migrations.0006_organisation_lists_link_requests_upload_language")
    organisation = f.OrganisationFactory()
    added = Person.objects.create(full_name="Người tổ chức thêm", id_number="001090000001")
    stranger = Person.objects.create(full_name="Người lạ bị ghi đè", id_number="001090000002")
    Person.objects.filter(pk=stranger.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    account = django_user_model.objects.create_citizen("0912000999", f.PASSWORD, full_name="Chủ tài khoản")
    holder = Person.objects.create(full_name="Chủ tài khoản", id_number="001090000003", account=account)
    for person in (added, stranger, holder):
        Registration.objects.create(person=person, priority_group_id=1, ward_id=1, consent_at=timezone.now(),
                                    organisation=organisation)
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert list(OrganisationPerson.objects.values_list("person__full_name", "origin")) == [
        ("Người tổ chức thêm", "added")]
