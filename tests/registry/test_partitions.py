"""Monthly partitions of the facts that grow without bound (PostgreSQL): rows land in their month, a query for one
day reads one partition, the coming months are created ahead and a second run changes nothing."""
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from citizens.models import Notification, Person, SmsMessage
from registry.models import AuditEvent
from registry.partitions import PARTITIONED, partition_name, partitions_ensure, table_partition, table_unpartition
from tests.factories import CitizenFactory
from vaccination.models import Dose, RegistrationEvent, StockMovement

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pg = pytest.mark.postgres


@pytest.fixture
def citizen(db):
    user = CitizenFactory(full_name="Nguyễn Văn An")
    Person.objects.create(account=user, managed_by=user, full_name=user.full_name, phone=user.phone)
    return user


def _month(offset: int) -> datetime.date:
    month = timezone.localdate().replace(day=1)
    for _ in range(offset):
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return month


def _where(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _partitions(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass ORDER BY 1",
                       [table])
        return [row[0] for row in cursor.fetchall()]


@pg
@pytest.mark.django_db
def test_the_growing_facts_are_partitioned_by_month_of_their_time():
    with connection.cursor() as cursor:
        cursor.execute("SELECT partrelid::regclass::text, pg_get_partkeydef(partrelid) FROM pg_partitioned_table")
        keys = dict(cursor.fetchall())
    for table, column in PARTITIONED:
        assert keys[table] == f"RANGE ({column})"
        assert f"{table}_default" in _partitions(table)
        for offset in range(4):  # this month and the three ahead (PARTITION_MONTHS_AHEAD)
            assert partition_name(table, _month(offset)) in _partitions(table)


@pg
@pytest.mark.django_db
def test_an_audit_row_and_an_sms_land_in_their_month():
    now = timezone.now()
    later = datetime.datetime.combine(_month(2), datetime.time(0, 30), VN)  # 00:30 local = still the 1st there
    this_month = AuditEvent.objects.create(at=now, action="test.now")
    in_two_months = AuditEvent.objects.create(at=later, action="test.later")
    long_ago = AuditEvent.objects.create(at=datetime.datetime(2021, 7, 1, tzinfo=VN), action="test.2021")
    sms = SmsMessage.objects.create(phone="+84912345678", text="x", purpose=SmsMessage.Purpose.NOTICE)

    assert _where("registry_auditevent", this_month.pk) == partition_name("registry_auditevent", _month(0))
    assert _where("registry_auditevent", in_two_months.pk) == partition_name("registry_auditevent", _month(2))
    assert _where("registry_auditevent", long_ago.pk) == "registry_auditevent_default"
    assert _where("citizens_smsmessage", sms.pk) == partition_name("citizens_smsmessage", _month(0))
    assert set(AuditEvent.objects.filter(action__startswith="test.").values_list("pk", flat=True)) == {
        this_month.pk, in_two_months.pk, long_ago.pk}


@pg
@pytest.mark.django_db
@pytest.mark.parametrize("model, column", [(AuditEvent, "at"), (StockMovement, "at"),
                                           (RegistrationEvent, "at"), (SmsMessage, "created_at"),
                                           (Dose, "given_at")])
def test_a_query_for_one_day_reads_only_that_months_partition(model, column):
    day = timezone.localdate()
    start = datetime.datetime.combine(day, datetime.time(), VN)
    plan = model.objects.filter(**{f"{column}__gte": start,
                                   f"{column}__lt": start + datetime.timedelta(days=1)}).explain()
    table = model._meta.db_table
    read = set(re.findall(rf"\b{table}_(?:p\d{{4}}_\d{{2}}|default)\b", plan))
    assert read == {partition_name(table, _month(0))}, plan


@pg
@pytest.mark.django_db
def test_partitions_ensure_creates_the_next_months_once(capsys):
    call_command("partitions_ensure", "--months-ahead", "5")
    first = capsys.readouterr().out
    after_first = {table: _partitions(table) for table, _column in PARTITIONED}
    call_command("partitions_ensure", "--months-ahead", "5")
    second = capsys.readouterr().out

    for table, _column in PARTITIONED:
        assert partition_name(table, _month(4)) in after_first[table]
        assert partition_name(table, _month(5)) in after_first[table]
        assert f"created {partition_name(table, _month(5))}" in first
    assert "10 partition(s) created." in first  # months 4 and 5 of five tables; 0-3 came with the migrations
    assert second.strip() == "0 partition(s) created."
    assert {table: _partitions(table) for table, _column in PARTITIONED} == after_first


@pg
@pytest.mark.django_db
def test_partitions_ensure_moves_rows_waiting_in_the_default_partition():
    far = datetime.datetime.combine(_month(8), datetime.time(9), VN)
    early = AuditEvent.objects.create(at=far, action="test.far")
    assert _where("registry_auditevent", early.pk) == "registry_auditevent_default"

    created = partitions_ensure(months_ahead=8)

    assert partition_name("registry_auditevent", _month(8)) in created
    assert _where("registry_auditevent", early.pk) == partition_name("registry_auditevent", _month(8))
    assert AuditEvent.objects.filter(action="test.far").count() == 1
    assert partitions_ensure(months_ahead=8) == []


@pg
@pytest.mark.django_db
def test_converting_a_table_keeps_its_rows_ids_indexes_and_foreign_keys(citizen):
    """What the migrations do to a table that already holds rows of several months."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_fact (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                       "at timestamptz NOT NULL, note varchar(20) NOT NULL CHECK (note <> ''), "
                       "actor_id bigint REFERENCES citizens_user (id) DEFERRABLE INITIALLY DEFERRED)")
        cursor.execute("CREATE INDEX test_fact_note ON test_fact (note)")
        cursor.execute("INSERT INTO test_fact (at, note, actor_id) VALUES ('2021-08-15 10:00+07', 'a', %s), "
                       "('2021-09-30 23:30+07', 'b', %s), (now(), 'c', NULL)", [citizen.pk, citizen.pk])
        cursor.execute("DELETE FROM test_fact WHERE note = 'c'")  # its id (3) must never come back

        with connection.schema_editor() as editor:
            table_partition(editor, table="test_fact", column="at")
            table_partition(editor, table="test_fact", column="at")  # a second run leaves it as it is

        cursor.execute("SELECT id, note, tableoid::regclass::text FROM test_fact ORDER BY id")
        assert cursor.fetchall() == [(1, "a", "test_fact_p2021_08"), (2, "b", "test_fact_p2021_09")]
        cursor.execute("INSERT INTO test_fact (at, note) VALUES (now(), 'd') RETURNING id, tableoid::regclass::text")
        assert cursor.fetchone() == (4, partition_name("test_fact", _month(0)))
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'test_fact' ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == ["test_fact_note", "test_fact_pkey"]
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = 'test_fact'::regclass AND contype = 'f'")
        assert cursor.fetchone()[0] == 1
        with pytest.raises(IntegrityError, match="check constraint"), transaction.atomic():
            cursor.execute("INSERT INTO test_fact (at, note) VALUES (now(), '')")


@pg
@pytest.mark.django_db
def test_the_way_back_gives_a_plain_table_with_the_same_rows_ids_and_indexes(citizen):
    """A migration's reverse (doses' 0009) turns the partitioned table back into a plain one, so the migrations before
    it can be unapplied (a unique constraint without the month needs a plain table)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_back (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                       "at timestamptz NOT NULL, note varchar(20) NOT NULL, "
                       "actor_id bigint REFERENCES citizens_user (id) DEFERRABLE INITIALLY DEFERRED)")
        cursor.execute("CREATE INDEX test_back_note ON test_back (note)")
        cursor.execute("INSERT INTO test_back (at, note, actor_id) VALUES ('2021-08-15 10:00+07', 'a', %s), "
                       "('2021-09-30 23:30+07', 'b', NULL)", [citizen.pk])
        with connection.schema_editor() as editor:
            table_partition(editor, table="test_back", column="at")
            table_unpartition(editor, table="test_back")
            table_unpartition(editor, table="test_back")  # a second run leaves it as it is

        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'test_back'")
        assert cursor.fetchone()[0] == "r"  # a plain table
        cursor.execute("SELECT id, note, tableoid::regclass::text FROM test_back ORDER BY id")
        assert cursor.fetchall() == [(1, "a", "test_back"), (2, "b", "test_back")]
        cursor.execute("INSERT INTO test_back (at, note) VALUES (now(), 'c') RETURNING id")
        assert cursor.fetchone()[0] == 3
        cursor.execute("ALTER TABLE test_back ADD CONSTRAINT test_back_one_note UNIQUE (note)")  # needs no month
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'test_back' ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == ["test_back_note", "test_back_one_note", "test_back_pkey"]
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = 'test_back'::regclass AND contype = 'f'")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_a_notification_outlives_its_deleted_sms_without_a_database_constraint():
    person = Person.objects.create(full_name="Nguyễn Văn An")
    sms = SmsMessage.objects.create(phone="+84912345678", text="x", purpose=SmsMessage.Purpose.NOTICE)
    notification = Notification.objects.create(person=person, title="t", sms=sms)
    sms.delete()
    notification.refresh_from_db()
    assert notification.sms_id is None


@pg
@pytest.mark.django_db
def test_beat_runs_the_same_daily(settings):
    from registry.tasks import partitions_ensure_ahead

    entry = settings.CELERY_BEAT_SCHEDULE["partitions-ensure"]
    assert entry["task"] == "registry.tasks.partitions_ensure_ahead"
    assert entry["schedule"] == 24 * 60 * 60
    settings.PARTITION_MONTHS_AHEAD = 4
    assert partitions_ensure_ahead.apply().get() == len(PARTITIONED)  # month 4 of each table
    assert partitions_ensure_ahead.apply().get() == 0
