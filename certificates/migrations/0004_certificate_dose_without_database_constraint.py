"""A certificate's dose without a database foreign key: the dose table becomes partitioned by month
(vaccination 0009), and PostgreSQL cannot reference it without the partition key. Django keeps the relation."""
import django.db.models.deletion
from django.db import migrations, models

from registry.partitions import foreign_keys_drop


def foreign_key_drop(apps, schema_editor):
    foreign_keys_drop(schema_editor, table="certificates_certificate", to="vaccination_dose")


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_transparency_log_queue"),
        ("vaccination", "0008_dose_claims"),
    ]
    # Declared here, the app above: vaccination's migrations never name certificates.
    run_before = [
        ("vaccination", "0009_partition_doses"),
    ]

    operations = [
        # Going back leaves it without one, as the partitioned table stays.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name="certificate",
                name="dose",
                field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT,
                                        related_name="certificates", to="vaccination.dose",
                                        verbose_name="latest dose"),
            )],
            database_operations=[migrations.RunPython(foreign_key_drop, migrations.RunPython.noop, elidable=False)],
        ),
    ]
