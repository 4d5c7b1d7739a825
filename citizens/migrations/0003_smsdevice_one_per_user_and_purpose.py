from django.db import migrations, models
from django.db.models import Exists, OuterRef


def keep_newest_device(apps, schema_editor):
    """Parallel code requests made more than one device for an account and purpose; the newest holds the
    code that was sent last, so it is the one kept."""
    SmsDevice = apps.get_model("citizens", "SmsDevice")
    newer = SmsDevice.objects.filter(user_id=OuterRef("user_id"), purpose=OuterRef("purpose"), pk__gt=OuterRef("pk"))
    SmsDevice.objects.filter(Exists(newer)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(keep_newest_device, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="smsdevice",
            constraint=models.UniqueConstraint(fields=("user", "purpose"), name="smsdevice_one_per_user_purpose"),
        ),
    ]
