"""A help request moves only along HelpRequest.TRANSITIONS (open → answered → closed; closed is the end), through
help_request_answer, each move audited with both states: a closed request is never answered, nor its person told,
twice, and a missing dose is not added to it."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from citizens.models import Notification
from registry.models import AuditEvent
from registry.transitions import allowed_from
from vaccination.models import Dose, HelpRequest, StockBalance
from vaccination.services.help_requests import help_request_dose_add
from vaccination.services.reactions import help_request_answer, help_request_submit

ANSWER_TITLE = "Trả lời từ Trung tâm đáp ứng"


@pytest.fixture
def asked(world, people):
    """Lan asks the Phúc Xá site about her details."""
    lan = people["lan"]
    return help_request_submit(actor=lan["account"], person_id=lan["person"].pk, kind="wrong_details",
                               message="Sai ngày sinh", site=world["site_phuc_xa"])


def _answers(help_request) -> list[dict]:
    return list(AuditEvent.objects.filter(action="help.answer", target_id=str(help_request.pk)).order_by(
        "at", "pk").values_list("changes", flat=True))


def test_answered_then_answered_again_then_closed_each_move_audited(world, people, asked):
    staff = world["site_staff_phuc_xa"]
    help_request_answer(actor=staff, request_id=asked.pk, answer="Chúng tôi đang kiểm tra", close=False)
    help_request_answer(actor=staff, request_id=asked.pk, answer="Cần bản chụp CCCD", close=False)
    help_request_answer(actor=staff, request_id=asked.pk, answer="Đã sửa ngày sinh")
    asked.refresh_from_db()
    assert (asked.status, asked.answer) == ("closed", "Đã sửa ngày sinh")
    assert _answers(asked) == [{"from": "open", "to": "answered"}, {"from": "answered", "to": "answered"},
                               {"from": "answered", "to": "closed"}]
    assert Notification.objects.filter(person=people["lan"]["person"], title=ANSWER_TITLE).count() == 3


def test_a_closed_request_is_not_answered_twice(world, people, asked):
    staff = world["site_staff_phuc_xa"]
    help_request_answer(actor=staff, request_id=asked.pk, answer="Đã sửa ngày sinh")
    for close in (True, False):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            help_request_answer(actor=staff, request_id=asked.pk, answer="Trả lời lần hai", close=close)
        to = "Closed" if close else "Answered"
        assert refused.value.message_dict == {"status": [f"This help request cannot go from “Closed” to “{to}”."]}
    asked.refresh_from_db()
    assert (asked.status, asked.answer) == ("closed", "Đã sửa ngày sinh")
    assert len(_answers(asked)) == 1
    assert Notification.objects.filter(person=people["lan"]["person"], title=ANSWER_TITLE).count() == 1


@pytest.mark.parametrize("who", ["national", "citizen"])
def test_only_staff_who_may_answer_do(world, people, asked, who):
    """National level sees every request but does not answer them; a citizen answers none."""
    actor = world["national"] if who == "national" else people["minh"]["account"]
    with pytest.raises(PermissionDenied):
        help_request_answer(actor=actor, request_id=asked.pk, answer="x")
    asked.refresh_from_db()
    assert (asked.status, asked.answer) == ("open", "") and _answers(asked) == []


def test_the_console_says_a_closed_request_cannot_be_answered_again(world, asked, console_client):
    staff = world["site_staff_phuc_xa"]
    client = console_client(staff)
    url = reverse("vaccination_console:help_detail", args=[asked.pk])
    assert "Gửi trả lời" in client.get(url).content.decode()
    help_request_answer(actor=world["district_ba_dinh"], request_id=asked.pk, answer="Đã sửa ngày sinh")
    # The page was opened before the district closed the request: its answer form is sent anyway.
    response = client.post(url, {"form": "answer", "answer": "Trả lời lần hai"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(url, 302)]
    assert "Không thể chuyển yêu cầu hỗ trợ này từ “Đã kết thúc” sang “Đã kết thúc”." in page
    assert "Đã sửa ngày sinh" in page and "Gửi trả lời" not in page  # the answer sent, no form
    asked.refresh_from_db()
    assert asked.answer == "Đã sửa ngày sinh" and asked.answered_by == world["district_ba_dinh"]


def test_a_missing_dose_sent_again_adds_nothing_and_a_closed_request_takes_no_new_dose(world, people, lot):
    minh = people["minh"]
    staff = world["site_staff_phuc_xa"]
    asked = help_request_submit(actor=minh["account"], person_id=minh["person"].pk, kind="missing_dose",
                                message="Thiếu mũi 1", site=world["site_phuc_xa"],
                                dose_date=timezone.localdate() - datetime.timedelta(days=40), dose_vaccine=lot.vaccine)
    given = timezone.now() - datetime.timedelta(days=40)
    first = help_request_dose_add(actor=staff, request_id=asked.pk, lot_id=lot.pk, given_at=given, dose_number=1)
    again = help_request_dose_add(actor=staff, request_id=asked.pk, lot_id=lot.pk, given_at=given, dose_number=1)
    assert again.pk == first.pk
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        help_request_dose_add(actor=staff, request_id=asked.pk, lot_id=lot.pk, given_at=timezone.now(), dose_number=2)
    assert refused.value.message_dict == {"status": ["This help request cannot go from “Closed” to “Closed”."]}
    assert list(Dose.objects.filter(person=minh["person"]).values_list("dose_number", flat=True)) == [1]
    assert StockBalance.objects.get(facility=world["site_phuc_xa"], lot=lot).quantity == 999
    assert Notification.objects.filter(person=minh["person"], title=ANSWER_TITLE).count() == 1
    assert _answers(asked) == [{"from": "open", "to": "closed"}]


def test_the_table_ends_at_closed():
    assert HelpRequest.TRANSITIONS[HelpRequest.Status.CLOSED] == set()
    assert sorted(allowed_from(HelpRequest, HelpRequest.Status.CLOSED)) == ["answered", "open"]
