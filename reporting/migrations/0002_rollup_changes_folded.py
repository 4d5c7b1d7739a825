"""Rollups as unfolded changes plus one folded total per key (no shared counter row on any write path)."""

from django.db import migrations, models


def existing_rows_are_totals(apps, schema_editor):
    # Before this migration each key had exactly one row: it is that key's total.
    for name in ("DoseDaily", "RegistrationCount", "ReactionDaily"):
        apps.get_model("reporting", name).objects.update(folded=True)


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='dosedaily',
            name='dose_daily_key',
        ),
        migrations.RemoveConstraint(
            model_name='reactiondaily',
            name='reaction_daily_key',
        ),
        migrations.RemoveConstraint(
            model_name='registrationcount',
            name='registration_count_key',
        ),
        migrations.AddField(
            model_name='dosedaily',
            name='folded',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='reactiondaily',
            name='folded',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='registrationcount',
            name='folded',
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(existing_rows_are_totals, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='dosedaily',
            index=models.Index(condition=models.Q(('folded', False)), fields=['id'], name='dose_daily_unfolded'),
        ),
        migrations.AddIndex(
            model_name='reactiondaily',
            index=models.Index(condition=models.Q(('folded', False)), fields=['id'], name='reaction_daily_unfolded'),
        ),
        migrations.AddIndex(
            model_name='registrationcount',
            index=models.Index(condition=models.Q(('folded', False)), fields=['id'], name='registration_count_unfolded'),
        ),
        migrations.AddConstraint(
            model_name='dosedaily',
            constraint=models.UniqueConstraint(condition=models.Q(('folded', True)), fields=('day', 'site', 'vaccine', 'dose_number'), name='dose_daily_total'),
        ),
        migrations.AddConstraint(
            model_name='reactiondaily',
            constraint=models.UniqueConstraint(condition=models.Q(('folded', True)), fields=('day', 'district', 'severity', 'serious'), name='reaction_daily_total'),
        ),
        migrations.AddConstraint(
            model_name='registrationcount',
            constraint=models.UniqueConstraint(condition=models.Q(('folded', True)), fields=('district', 'status'), name='registration_count_total'),
        ),
    ]
