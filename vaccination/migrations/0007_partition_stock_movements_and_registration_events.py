"""Stock movements and registration events partitioned by month on PostgreSQL (plain tables on SQLite);
see registry/partitions.py."""
from django.db import migrations

from registry.partitions import table_partition


def partition(apps, schema_editor):
    table_partition(schema_editor, table="vaccination_stockmovement", column="at")
    table_partition(schema_editor, table="vaccination_registrationevent", column="at")


class Migration(migrations.Migration):
    dependencies = [
        ("vaccination", "0006_organisation_lists_link_requests_upload_language"),
    ]

    operations = [
        migrations.RunPython(partition, migrations.RunPython.noop, elidable=False),
    ]
