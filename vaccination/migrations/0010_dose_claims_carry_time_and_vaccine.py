"""A dose claim also carries the dose's time and vaccine: the dose transaction and a registration then read a
person's doses from the claims' one index instead of from every monthly partition of the dose table."""
import django.db.models.deletion
from django.db import migrations, models


def claims_fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE vaccination_doseclaim SET given_at = d.given_at, vaccine_id = d.vaccine_id "
                       "FROM vaccination_dose d WHERE d.id = vaccination_doseclaim.dose_id")


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("vaccination", "0009_partition_doses"),
    ]

    operations = [
        migrations.AddField(model_name="doseclaim", name="given_at", field=models.DateTimeField(null=True)),
        migrations.AddField(
            model_name="doseclaim",
            name="vaccine",
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="registry.vaccine"),
        ),
        migrations.RunPython(claims_fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(model_name="doseclaim", name="given_at", field=models.DateTimeField()),
        migrations.AlterField(
            model_name="doseclaim",
            name="vaccine",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="registry.vaccine"),
        ),
    ]
