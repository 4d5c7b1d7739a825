"""Consultations recorded by a facility or the hotline, the citizen's one history, the one list of appointments and
the day-before reminder."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from citizens.models import Notification, SmsMessage
from clinics.models import Booking, Consultation
from clinics.selectors import appointments_for, consultation_history
from clinics.services import booking_create, booking_mark_attended, booking_reminders_send, consultation_record
from tests.vaccination.conftest import lot  # noqa: F401 - fixture
from vaccination.services.reactions import help_request_answer, help_request_submit

from .conftest import child_of, publish

pytestmark = pytest.mark.django_db


def test_the_facility_advises_someone_it_saw_and_the_citizen_reads_one_history_newest_first(world, people, lan,
                                                                                             slots):
    staff = world["site_staff_phuc_xa"]
    child = child_of(lan)
    asked = help_request_submit(actor=lan, person_id=lan.person.pk, kind="wrong_details",
                                message="Sai ngày sinh", site=world["site_phuc_xa"])
    help_request_answer(actor=staff, request_id=asked.pk, answer="Đã sửa ngày sinh")
    booking = booking_create(actor=lan, person_id=child.pk, slot_id=slots[0].pk)
    Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    booking_mark_attended(actor=staff, booking_id=booking.pk)
    follow_up = timezone.localdate() + datetime.timedelta(days=7)
    consultation_record(actor=staff, person_id=child.pk, booking_id=booking.pk, reason="Ho kéo dài",
                        advice="Uống nhiều nước, tái khám sau 1 tuần", follow_up_on=follow_up)
    history = consultation_history(user=lan)
    assert [e.kind for e in history] == ["consultation", "help_request", "visit"]
    assert history[0].answer == "Uống nhiều nước, tái khám sau 1 tuần" and history[0].follow_up_on == follow_up
    assert history[0].where == "Trạm Y tế Phường Phúc Xá" and history[0].person_name == "Nguyễn Minh Khôi"
    assert history[1].answer == "Đã sửa ngày sinh"
    assert consultation_history(user=people["minh"]["account"]) == []
    assert Notification.objects.filter(recipient=lan, title="Lời khuyên mới cho Nguyễn Minh Khôi").count() == 1


def test_the_hotline_advises_people_of_its_area_and_on_help_requests_it_answers(world, people):
    hue = people["hue"]
    district = world["district_ba_dinh"]
    made = consultation_record(actor=district, person_id=people["lan"]["person"].pk, reason="Hỏi về sốt",
                               advice="Theo dõi nhiệt độ")
    assert made.channel == Consultation.Channel.HOTLINE and made.facility.name.startswith("Trung tâm Y tế")
    with pytest.raises(Http404):  # another province's citizen, with no help request here
        consultation_record(actor=district, person_id=hue["person"].pk, reason="x", advice="y")
    with pytest.raises(Http404):
        consultation_record(actor=world["province_ha_noi"], person_id=hue["person"].pk, reason="x", advice="y")
    asked = help_request_submit(actor=hue["account"], person_id=hue["person"].pk, kind="other",
                                message="Tôi bị sốt", site=world["site_vy_da"])
    province_hue = world["province_hue"]
    consultation_record(actor=province_hue, person_id=hue["person"].pk, help_request_id=asked.pk,
                        reason="Sốt sau tiêm", advice="Hạ sốt, gọi 115 nếu khó thở")
    with pytest.raises(PermissionDenied):
        consultation_record(actor=world["national"], person_id=hue["person"].pk, reason="x", advice="y")
    with pytest.raises(PermissionDenied):
        consultation_record(actor=people["lan"]["account"], person_id=hue["person"].pk, reason="x", advice="y")
    with pytest.raises(ValidationError) as refused:
        consultation_record(actor=province_hue, person_id=hue["person"].pk, reason=" ", advice="",
                            follow_up_on=timezone.localdate() - datetime.timedelta(days=1))
    assert set(refused.value.message_dict) == {"reason", "advice", "follow_up_on"}
    assert Consultation.objects.count() == 2


def test_site_staff_advise_only_people_seen_at_their_facility(world, people, lan, slots):
    staff = world["site_staff_phuc_xa"]
    with pytest.raises(Http404):
        consultation_record(actor=staff, person_id=people["minh"]["person"].pk, reason="x", advice="y")
    booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    assert consultation_record(actor=staff, person_id=lan.person.pk, reason="Khám", advice="Ổn").channel == "facility"


def test_one_list_of_appointments_vaccination_and_medical_with_how_to_cancel(
        client, world, people, lan, lot, slots):  # noqa: F811 - fixtures
    from tests.api.test_vaccination import _book_lan

    vaccination = _book_lan(world, lot, people)
    child = child_of(lan)
    booking = booking_create(actor=lan, person_id=child.pk, slot_id=slots[2].pk)
    rows = appointments_for(user=lan)
    assert {(r.kind, r.person_name) for r in rows} == {("vaccination", "Nguyễn Thị Lan"),
                                                       ("medical", "Nguyễn Minh Khôi")}
    assert [r.starts_at for r in rows] == sorted(r.starts_at for r in rows)
    client.force_login(lan)
    page = client.get(reverse("clinics:appointment_list")).content.decode()
    assert reverse("vaccination:appointment_cancel", args=[vaccination.pk]) in page
    assert reverse("clinics:booking_cancel", args=[booking.pk]) in page
    assert reverse("clinics:booking_move", args=[booking.pk]) in page
    assert "Lịch khám: Khám nội tổng quát" in page and "Trạm Y tế Phường Phúc Xá" in page
    book = client.get(reverse("citizens:book")).content.decode()
    for name in ("clinics:slot_search", "clinics:appointment_list", "clinics:history"):
        assert reverse(name) in book
    assert appointments_for(user=people["minh"]["account"]) == []


def test_the_day_before_reminder_goes_once(world, lan, slots):
    booking = booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    later = publish(world["site_staff_phuc_xa"], day=timezone.localdate() + datetime.timedelta(days=2))
    booking_create(actor=lan, person_id=child_of(lan).pk, slot_id=later[0].pk)  # not tomorrow: not yet
    sms_before = SmsMessage.objects.count()
    assert booking_reminders_send() == 1
    assert booking_reminders_send() == 0
    texts = list(SmsMessage.objects.order_by("pk").values_list("text", flat=True)[sms_before:])
    assert len(texts) == 1 and "Nguyen Thi Lan" in texts[0] and "lich kham" in texts[0].lower()
    assert Notification.objects.filter(title="Nhắc lịch: ngày mai có lịch khám").count() == 1
    assert Booking.objects.get(pk=booking.pk).reminded_at is not None


def test_the_reminder_task_is_routed_and_scheduled(lan, slots):
    from django.conf import settings

    from clinics.tasks import booking_reminders_send as task
    from config.celery import TASK_QUEUES

    booking_create(actor=lan, person_id=lan.person.pk, slot_id=slots[0].pk)
    assert task.delay().get() == 1 and task.delay().get() == 0  # through Celery (eager in tests)

    assert TASK_QUEUES["clinics.tasks.booking_reminders_send"] == "default"
    assert settings.CELERY_BEAT_SCHEDULE["clinic-reminders"]["task"] == "clinics.tasks.booking_reminders_send"
