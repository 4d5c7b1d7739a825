"""Audit rows partitioned by month on PostgreSQL (plain table on SQLite); see registry/partitions.py."""
from django.db import migrations

from registry.partitions import table_partition


def partition(apps, schema_editor):
    table_partition(schema_editor, table="registry_auditevent", column="at")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_throttle_counter"),
    ]

    operations = [
        migrations.RunPython(partition, migrations.RunPython.noop, elidable=False),
    ]
