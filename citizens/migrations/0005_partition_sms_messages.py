"""SMS messages partitioned by month on PostgreSQL (plain table on SQLite); see registry/partitions.py."""
import django.db.models.deletion
from django.db import migrations, models

from registry.partitions import table_partition


def foreign_key_drop(apps, schema_editor):
    """PostgreSQL only: SQLite keeps plain tables, where the constraint does no harm."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE contype = 'f' AND "
                       "conrelid = 'citizens_notification'::regclass AND confrelid = 'citizens_smsmessage'::regclass")
        for (name,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE citizens_notification DROP CONSTRAINT {schema_editor.quote_name(name)}")


def partition(apps, schema_editor):
    table_partition(schema_editor, table="citizens_smsmessage", column="created_at")


class Migration(migrations.Migration):
    # PostgreSQL DDL is transactional: the copy and the swap happen all at once or not at all.
    atomic = True

    dependencies = [
        ("citizens", "0004_device_tokens_and_idempotent_responses"),
    ]

    operations = [
        # A foreign key into a partitioned table would have to name (id, created_at): Django keeps the relation.
        # Going back leaves it without one, as the partitioned table stays (a plain table cannot come back cheaply).
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name="notification",
                name="sms",
                field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                        on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                        to="citizens.smsmessage"),
            )],
            database_operations=[migrations.RunPython(foreign_key_drop, migrations.RunPython.noop, elidable=False)],
        ),
        migrations.RunPython(partition, migrations.RunPython.noop, elidable=False),
    ]
