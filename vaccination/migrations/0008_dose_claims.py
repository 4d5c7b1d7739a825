"""Dose claims: the uniqueness rules of doses (one per request key, one valid dose per person and dose number)
move from the dose table to a plain table that holds them over every month, before the dose table is partitioned
by month (0009; a unique index of a partitioned table would have to include the month). Existing doses get their
claims here. Reactions keep their relation to the dose without a database foreign key."""
import django.db.models.deletion
from django.db import migrations, models

from registry.partitions import foreign_keys_drop


def claims_copy(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("INSERT INTO vaccination_doseclaim (dose_id, person_id, dose_number, idempotency_key, voided) "
                       "SELECT id, person_id, dose_number, idempotency_key, voided FROM vaccination_dose")


def reaction_foreign_key_drop(apps, schema_editor):
    foreign_keys_drop(schema_editor, table="vaccination_reaction", to="vaccination_dose")


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("citizens", "0005_partition_sms_messages"),
        ("vaccination", "0007_partition_stock_movements_and_registration_events"),
    ]

    operations = [
        migrations.CreateModel(
            name="DoseClaim",
            fields=[
                ("dose", models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE,
                                              primary_key=True, related_name="claim", serialize=False,
                                              to="vaccination.dose")),
                ("dose_number", models.PositiveSmallIntegerField()),
                ("idempotency_key", models.CharField(max_length=80)),
                ("voided", models.BooleanField(default=False)),
                ("person", models.ForeignKey(db_constraint=False, db_index=False,
                                             on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                             to="citizens.person")),
            ],
        ),
        migrations.RunPython(claims_copy, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="doseclaim",
            constraint=models.UniqueConstraint(fields=("idempotency_key",), name="one_dose_per_request_key"),
        ),
        migrations.RemoveConstraint(model_name="dose", name="one_dose_per_number"),
        migrations.AddConstraint(
            model_name="doseclaim",
            constraint=models.UniqueConstraint(condition=models.Q(("voided", False)), fields=("person", "dose_number"),
                                               name="one_dose_per_number"),
        ),
        migrations.AlterField(model_name="dose", name="idempotency_key", field=models.CharField(max_length=80)),
        # Going back leaves the relation without a database constraint, as the partitioned table stays.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name="reaction",
                name="dose",
                field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT,
                                        related_name="reactions", to="vaccination.dose", verbose_name="dose"),
            )],
            database_operations=[
                migrations.RunPython(reaction_foreign_key_drop, migrations.RunPython.noop, elidable=False)],
        ),
    ]
