"""`people_for_sql` (the hot paths' SQL form of the rule) says exactly what `people_for` says."""
import pytest
from django.db import connection
from django.http import Http404

from citizens.models import Person
from citizens.selectors import people_for, people_for_sql
from registry.models import PriorityGroup
from tests import factories as f
from tests.conftest import PHUC_XA
from vaccination.services.registrations import registration_submit


def _by_sql(user) -> set[int]:
    condition, params = people_for_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM citizens_person p WHERE {condition}", params)
        return {row[0] for row in cursor.fetchall()}


def test_the_sql_rule_and_the_selector_agree(world):
    owner, carer, stranger = f.CitizenFactory(), f.CitizenFactory(), f.CitizenFactory()
    own = Person.objects.create(full_name="Chủ", account=owner, managed_by=owner)
    cared = Person.objects.create(full_name="Con", managed_by=carer)
    Person.objects.create(full_name="Người khác")
    for user in (owner, carer, stranger, world["national"]):
        assert _by_sql(user) == set(people_for(user).values_list("pk", flat=True))
    assert _by_sql(owner) == {own.pk} and _by_sql(carer) == {cared.pk} and _by_sql(world["national"]) == set()


def test_nobody_registers_someone_elses_person(world):
    owner, stranger = f.CitizenFactory(), f.CitizenFactory()
    person = Person.objects.create(full_name="Chủ", account=owner, managed_by=owner)
    with pytest.raises(Http404):
        registration_submit(actor=stranger, person_id=person.pk, priority_group=PriorityGroup.objects.get(number=9),
                            ward=f.unit(f.Level.WARD, PHUC_XA), wished_date=None, consent=True)
    assert not person.registrations.exists()
