"""Who is on an organisation's list and how they came to be on it, requests to join a list by consent, and the
uploader's language and a failed state for uploads.

People created by an organisation's earlier uploads are put on its list as "added": they are the people whose
person row was created (within ten minutes) together with that organisation's registration for them and whom no
account holds. Anyone else who merely has a registration through an organisation is not backfilled, since the
old upload could overwrite strangers: such a person must join again by consent before the organisation may
update them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


BACKFILL = """
INSERT INTO vaccination_organisationperson (organisation_id, person_id, origin, created_at)
SELECT DISTINCT r.organisation_id, r.person_id, 'added', r.created_at
FROM vaccination_registration r JOIN citizens_person p ON p.id = r.person_id
WHERE r.organisation_id IS NOT NULL AND p.account_id IS NULL AND p.managed_by_id IS NULL
  AND p.created_at BETWEEN r.created_at - INTERVAL '10 minutes' AND r.created_at + INTERVAL '10 minutes'
ON CONFLICT DO NOTHING
"""


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # the SQLite quick start has no earlier uploads to keep
        schema_editor.execute(BACKFILL)


class Migration(migrations.Migration):

    dependencies = [
        ('citizens', '0002_initial'),
        ('registry', '0003_throttle_counter'),
        ('vaccination', '0005_registration_queue_columns'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='language',
            field=models.CharField(default='vi', max_length=8, verbose_name='language'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='updated_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='status',
            field=models.CharField(choices=[('checking', 'Checking the file'), ('ready', 'Checked: waiting for confirmation'), ('refused', 'File refused'), ('applying', 'Being recorded'), ('done', 'Recorded'), ('failed', 'Could not be finished')], default='checking', max_length=10, verbose_name='status'),
        ),
        migrations.CreateModel(
            name='LinkRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code_digest', models.CharField(max_length=64, unique=True)),
                ('status', models.CharField(choices=[('pending', 'Waiting for the person'), ('accepted', 'Accepted'), ('declined', 'Declined')], default='pending', max_length=10, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('expires_at', models.DateTimeField()),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='link_requests', to='registry.organisation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='link_requests', to='citizens.person')),
                ('priority_group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.prioritygroup')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('organisation', 'person'), name='one_pending_link_request')],
            },
        ),
        migrations.CreateModel(
            name='OrganisationPerson',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('origin', models.CharField(choices=[('added', "Added by the organisation's upload"), ('consented', "Joined with the person's consent")], max_length=10, verbose_name='how the person came to be on the list')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='people_on_list', to='registry.organisation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='organisation_lists', to='citizens.person')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organisation', 'person'), name='on_organisation_list_once')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
