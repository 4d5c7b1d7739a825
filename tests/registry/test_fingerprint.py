"""registry.db.Fingerprint: one read of every row some statements select, as one value that changes exactly when a
row changed, came or went (the queue's page is drawn once per fingerprint)."""
import pytest
from django.db import connection

from registry.db import Fingerprint
from registry.models import PriorityGroup


def _groups(*, order: str = "number", number_over: int = 0) -> Fingerprint:
    return Fingerprint([PriorityGroup.objects.filter(number__gt=number_over).order_by(order).query.sql_with_params()])


def test_the_same_rows_in_another_order_read_alike_and_any_change_reads_otherwise(world):
    before = _groups().read()
    assert before == _groups(order="-number").read() == _groups().read()
    assert _groups(number_over=1).read() != before  # a row fewer
    group = PriorityGroup.objects.order_by("number").last()
    PriorityGroup.objects.filter(pk=group.pk).update(name_vi=group.name_vi + ".")
    assert _groups().read() != before  # one column of one row


def test_a_value_is_written_into_the_statement_safely(world):
    name = "x'); DROP TABLE registry_prioritygroup; --"
    reads = Fingerprint([PriorityGroup.objects.filter(name_vi=name).query.sql_with_params()])
    nothing = Fingerprint([PriorityGroup.objects.filter(pk__lt=0).query.sql_with_params()])
    assert reads.read() == nothing.read()  # a name no group has: no rows, and the statement ran as it should
    assert PriorityGroup.objects.exists()


@pytest.mark.postgres
def test_postgresql_plans_the_statement_once(world):
    reads = _groups(number_over=0)
    for _ in range(12):
        reads.read()
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%sha256%registry_prioritygroup%"])
        plans = cursor.fetchall()
    # With its values written in, the statement has no parameters: one plan, reused; never planned per read.
    assert plans and all(custom == 0 and generic >= 1 for generic, custom in plans), plans
