"""Rollups keep their keys without database checks (no share lock on a district, site or vaccine per write)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_throttle_counter'),
        ('reporting', '0002_rollup_changes_folded'),
    ]

    operations = [
        migrations.AlterField(
            model_name='dosedaily',
            name='site',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.facility'),
        ),
        migrations.AlterField(
            model_name='dosedaily',
            name='vaccine',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.vaccine'),
        ),
        migrations.AlterField(
            model_name='reactiondaily',
            name='district',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.administrativeunit'),
        ),
        migrations.AlterField(
            model_name='registrationcount',
            name='district',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.administrativeunit'),
        ),
    ]
