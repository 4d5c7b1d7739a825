"""A new sign-up writes the account, its code device, the code's SMS and its audit row in one statement on
PostgreSQL (citizens/services/accounts.py `_account_open`): the rows are the ones the step-by-step writes made."""
import re

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from citizens.models import SmsDevice, SmsMessage, User
from citizens.services.accounts import signup_finish, signup_start
from registry.models import AuditEvent
from tests.factories import PASSWORD


def test_a_new_sign_up_writes_every_row_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as handed:
        user = signup_start(full_name="Trịnh Thị Vân", phone="+84912345001", ip="198.51.100.7")
    assert len(handed) == 1  # the SMS goes to a worker once the sign-up has committed
    saved = User.objects.get(phone="+84912345001")
    assert saved.pk == user.pk and saved.full_name == "Trịnh Thị Vân"
    assert not saved.is_active and not saved.is_staff and not saved.has_usable_password()
    device = SmsDevice.objects.get(user=saved)
    assert device.purpose == "signup" and device.confirmed and device.phone == "+84912345001"
    assert re.fullmatch(r"\d{6}", device.token) and device.valid_until > timezone.now()
    message = SmsMessage.objects.get(phone="+84912345001")
    assert device.token in message.text and message.status == "pending" and message.purpose == "signup"
    assert message.requested_ip == "198.51.100.7"
    audit = AuditEvent.objects.get(action="citizen.signup_started")
    assert audit.target_id == str(saved.pk) and audit.target_label == "Trịnh Thị Vân"
    assert audit.target_type == ContentType.objects.get_for_model(User) and audit.actor_id is None
    # The code in the SMS opens the account.
    code = re.search(r"\d{6}", message.text).group(0)
    assert signup_finish(user=saved, code=code, password=PASSWORD).is_active


def test_signing_up_again_before_the_code_refreshes_the_same_account(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        first = signup_start(full_name="Trịnh Thị Vân", phone="+84912345002", ip="198.51.100.7")
        again = signup_start(full_name="Trịnh Thị Vân Anh", phone="+84912345002", ip="198.51.100.7")
    assert again.pk == first.pk and User.objects.filter(phone="+84912345002").count() == 1
    assert User.objects.get(pk=first.pk).full_name == "Trịnh Thị Vân Anh"
    assert SmsDevice.objects.filter(user_id=first.pk).count() == 1
    assert SmsMessage.objects.filter(phone="+84912345002").count() == 2
    assert AuditEvent.objects.filter(action="citizen.signup_started", target_id=str(first.pk)).count() == 2
