"""Registrations carry their ward's province and district codes and their priority group's number, so the
queues of a province, a district and the nation are served by one index each at millions of rows."""
import vaccination.models.fields
from django.db import migrations, models

BACKFILL = """
UPDATE vaccination_registration SET
    province_code = (SELECT u.province_code FROM registry_administrativeunit u WHERE u.id = ward_id),
    district_code = (SELECT u.district_code FROM registry_administrativeunit u WHERE u.id = ward_id),
    priority_number = (SELECT g.number FROM registry_prioritygroup g WHERE g.id = priority_group_id)
"""


class Migration(migrations.Migration):

    dependencies = [
        ('vaccination', '0004_import_batch'),
    ]

    operations = [
        migrations.AddField(
            model_name='registration',
            name='district_code',
            field=vaccination.models.fields.CopiedField(editable=False, null=True, source='ward.district_code'),
        ),
        migrations.AddField(
            model_name='registration',
            name='priority_number',
            field=vaccination.models.fields.CopiedField(editable=False, null=True, source='priority_group.number'),
        ),
        migrations.AddField(
            model_name='registration',
            name='province_code',
            field=vaccination.models.fields.CopiedField(editable=False, null=True, source='ward.province_code'),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name='registration',
            name='priority_number',
            field=vaccination.models.fields.CopiedField(editable=False, source='priority_group.number'),
        ),
        migrations.AlterField(
            model_name='registration',
            name='province_code',
            field=vaccination.models.fields.CopiedField(editable=False, source='ward.province_code'),
        ),
        migrations.AddIndex(
            model_name='registration',
            index=models.Index(fields=['province_code', 'status', 'priority_number', 'created_at', 'id'], name='registration_province_queue'),
        ),
        migrations.AddIndex(
            model_name='registration',
            index=models.Index(fields=['status', 'priority_number', 'created_at', 'id'], name='registration_queue'),
        ),
        migrations.AddIndex(
            model_name='registration',
            index=models.Index(fields=['district_code', 'status'], name='registration_district_code'),
        ),
        migrations.AddIndex(
            model_name='registration',
            index=models.Index(condition=models.Q(('status__in', ['allocated', 'no_show'])), fields=['allocated_district', 'priority_number', 'created_at', 'id'], name='registration_waiting'),
        ),
    ]
