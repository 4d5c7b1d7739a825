"""Doses partitioned by month of `given_at` on PostgreSQL (a plain table on SQLite); see registry/partitions.py.
Their uniqueness over all months stays with vaccination_doseclaim (0008). The foreign keys into doses were
dropped first (0008 for reactions, certificates 0004, which runs before this one)."""
from django.db import migrations

from registry.partitions import table_partition, table_unpartition


def partition(apps, schema_editor):
    table_partition(schema_editor, table="vaccination_dose", column="given_at")


def unpartition(apps, schema_editor):
    """Going back to 0008 and before needs a plain table again (0008's way back restores a unique constraint that a
    partitioned table cannot hold without the month)."""
    table_unpartition(schema_editor, table="vaccination_dose")


class Migration(migrations.Migration):
    # PostgreSQL DDL is transactional: the copy and the swap happen all at once or not at all.
    atomic = True

    dependencies = [
        ("vaccination", "0008_dose_claims"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition, elidable=False),
    ]
