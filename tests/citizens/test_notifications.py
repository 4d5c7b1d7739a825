from django.urls import reverse

from citizens.models import Notification, Person, SmsMessage
from citizens.services.messaging import notify


def test_notify_reaches_the_holder_and_can_send_an_sms(signed_up):
    holder = Person.objects.get(account__phone="+84912345678")
    child = Person.objects.create(full_name="Con", managed_by=holder.account)
    notify(person=holder, title="Lịch tiêm của bạn", body="Sáng 27/11", sms_text="Lich tiem 27/11", sms_purpose="appointment")
    notify(person=child, title="Lịch tiêm của Con")
    assert Notification.objects.filter(recipient=holder.account).count() == 2
    assert SmsMessage.objects.filter(phone="+84912345678", purpose="appointment").count() == 1

    page = signed_up.get(reverse("citizens:book")).content.decode()
    assert '<span class="badge"' in page and ">2</span>" in page
    listing = signed_up.get(reverse("citizens:notification_list")).content.decode()
    assert "Lịch tiêm của bạn" in listing and "Lịch tiêm của Con" in listing
    assert '<span class="badge"' not in signed_up.get(reverse("citizens:book")).content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_person_without_phone_gets_no_sms(signed_up):
    holder = Person.objects.get(account__phone="+84912345678")
    holder.account.phone = "+84912345678"
    child = Person.objects.create(full_name="Con", managed_by=holder.account)
    notify(person=child, title="x", sms_text="y")
    assert SmsMessage.objects.filter(text="y", phone="+84912345678").count() == 1  # the carer's phone
    orphan = Person.objects.create(full_name="Không ai")
    notify(person=orphan, title="x", sms_text="z")
    assert not SmsMessage.objects.filter(text="z").exists()


def test_the_unread_badge_is_kept_and_follows_every_change(signed_up):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from citizens.services.messaging import Notice, notify_many

    holder = Person.objects.get(account__phone="+84912345678")

    def badge():
        with CaptureQueriesContext(connection) as queries:
            page = signed_up.get(reverse("citizens:book")).content.decode()
        counted = sum("citizens_notification" in q["sql"] for q in queries.captured_queries)
        shown = page.split('<span class="badge"', 1)[1].split(">", 1)[1].split("<", 1)[0] if "badge" in page else None
        return shown, counted

    assert badge()[0] is None
    assert badge() == (None, 0)  # kept: the second page counts nothing
    notify(person=holder, title="Một")
    assert badge()[0] == "1"
    notify_many([Notice(person_id=holder.pk, title="Hai"), Notice(person_id=holder.pk, title="Ba")])
    assert badge()[0] == "3"
    signed_up.get(reverse("citizens:notification_list"))  # reading them marks them read
    assert badge()[0] is None
