"""The database counters behind every limit: one round trip per count, and the quick (not flushed) kind that the
public verifier uses must neither lose counts nor make its caller's transaction any less durable."""
import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import ThrottleCounter
from registry.throttle import throttle_hit


@pytest.mark.parametrize("durable", [True, False])
def test_a_count_is_one_statement_and_says_when_its_window_ends(transactional_db, durable):
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        hits = [throttle_hit("verify:ip:192.0.2.1", limit=2, window_seconds=600, durable=durable) for _ in range(3)]
    assert len(queries) == 3
    assert [(h.count, h.allowed) for h in hits] == [(1, True), (2, True), (3, False)]
    start = ThrottleCounter.objects.get(key="verify:ip:192.0.2.1").window_start
    assert before <= start <= timezone.now()
    assert {h.resets_at for h in hits} == {start + datetime.timedelta(seconds=600)}


def test_a_window_that_ended_starts_again(transactional_db):
    throttle_hit("verify:ip:192.0.2.2", limit=1, window_seconds=60, durable=False)
    ThrottleCounter.objects.filter(key="verify:ip:192.0.2.2").update(
        window_start=timezone.now() - datetime.timedelta(seconds=61))
    hit = throttle_hit("verify:ip:192.0.2.2", limit=1, window_seconds=60, durable=False)
    assert hit.allowed and hit.count == 1 and hit.resets_at > timezone.now() + datetime.timedelta(seconds=59)


@pytest.mark.postgres
def test_a_quick_count_changes_the_durability_of_nothing_else(transactional_db):
    def synchronous_commit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    throttle_hit("verify:ip:192.0.2.3", limit=5, window_seconds=60, durable=False)  # its own transaction
    assert synchronous_commit() == "on"  # for the connection's next transactions
    with transaction.atomic():  # a caller's transaction: its commit stays durable
        assert throttle_hit("verify:ip:192.0.2.3", limit=5, window_seconds=60, durable=False).count == 2
        assert synchronous_commit() == "on"
