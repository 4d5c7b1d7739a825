"""One SMS code device per account and purpose, kept by the database and restored by the migration."""
import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from citizens.models import SmsDevice
from tests.factories import CitizenFactory

BEFORE = [("citizens", "0002_initial")]
AFTER = [("citizens", "0003_smsdevice_one_per_user_and_purpose")]


def test_a_second_device_for_the_same_account_and_purpose_is_refused(db):
    citizen = CitizenFactory()
    SmsDevice.objects.create(user=citizen, name="password_reset", phone=citizen.phone, purpose="password_reset")
    SmsDevice.objects.create(user=citizen, name="signup", phone=citizen.phone, purpose="signup")  # another purpose
    with pytest.raises(IntegrityError):
        SmsDevice.objects.create(user=citizen, name="password_reset", phone=citizen.phone, purpose="password_reset")


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_the_newest_of_duplicate_devices():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Device, User = old_apps.get_model("citizens", "SmsDevice"), old_apps.get_model("citizens", "User")
    citizen = User.objects.create(phone="+84912345678", full_name="Nguyễn Thị Lan", password="!")
    other = User.objects.create(phone="+84987654321", full_name="Trần Văn Nam", password="!")
    rows = [Device.objects.create(user=citizen, name="r", phone=citizen.phone, purpose="password_reset", token=token)
            for token in ("111111", "222222", "333333")]
    signup = Device.objects.create(user=citizen, name="s", phone=citizen.phone, purpose="signup", token="444444")
    lone = Device.objects.create(user=other, name="r", phone=other.phone, purpose="password_reset", token="555555")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    kept = SmsDevice.objects.order_by("pk")
    try:
        assert [(device.pk, device.token) for device in kept] == [
            (rows[2].pk, "333333"), (signup.pk, "444444"), (lone.pk, "555555")]
    finally:
        # Going back to BEFORE unapplied every later migration that depends on citizens' (doses' claims, clinics…):
        # the tests after this one need the whole schema again.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
