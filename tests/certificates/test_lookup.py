"""Certificate look-up without an account: ID (or phone) and date of birth, a code by SMS to the phone recorded with
the vaccination, then the person's certificates — and nothing that tells whether a number is known."""
import datetime
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

from citizens.models import Person, SmsMessage
from registry.models import AuditEvent

START, CODE, RESULT = reverse("certificates:lookup"), reverse("certificates:lookup_code"), \
    reverse("certificates:lookup_result")
BORN = datetime.date(1988, 2, 29)


def captcha(client) -> str:
    """The security code of the picture the page just drew (a person reads it off the image)."""
    return client.session["captcha:certificate_lookup"]


def look_up(client, identifier: str, born=BORN, **extra):
    client.get(START)
    return client.post(START, {"identifier": identifier, "date_of_birth": born.isoformat(),
                               "captcha": captcha(client), **extra})


def sent_code(phone: str) -> str:
    return re.search(r"\b(\d{6})\b", SmsMessage.objects.filter(phone=phone).latest("pk").text).group(1)


def _neutral(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def lookup_limits(settings):
    settings.LOOKUP_PER_IP = 50
    settings.LOOKUP_PER_ID = 3
    settings.LOOKUP_PER_PHONE = 3
    settings.LOOKUP_CODE_MAX_ATTEMPTS = 5
    return settings


def test_a_known_and_an_unknown_number_get_the_same_answer(certified, lookup_limits):
    from django.test import Client

    answers = {}
    for key, identifier, born in (("known", "001188000777", BORN), ("unknown", "001188000999", BORN),
                                  ("wrong birthday", "001188000777", datetime.date(1988, 3, 1))):
        browser = Client()
        posted = look_up(browser, identifier, born)
        page = browser.get(CODE)
        answers[key] = (posted.status_code, posted["Location"], page.status_code, _neutral(page.content.decode()))
    assert answers["known"] == answers["unknown"] == answers["wrong birthday"]
    assert answers["known"][:3] == (302, CODE, 200)
    assert "0912" not in answers["known"][3] and "601" not in answers["known"][3]  # no digits of the phone
    assert SmsMessage.objects.filter(phone="+84912000601").count() == 1  # only the real match got a code


def test_the_code_opens_the_certificate_and_its_downloads(certified, client, lookup_limits):
    assert look_up(client, "0011 8800 0777").status_code == 302
    response = client.post(CODE, {"code": sent_code("+84912000601")})
    assert response.status_code == 302 and response["Location"] == RESULT
    html = client.get(RESULT).content.decode()
    assert "Đặng Thị Ánh" in html and "29/02/1988" in html and certified["certificate"].uvci in html
    pdf = client.get(reverse("certificates:lookup_pdf", args=[certified["person"].pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    png = client.get(reverse("certificates:lookup_png", args=[certified["person"].pk]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="certificate.looked_up", target_id=str(certified["person"].pk)).exists()


def test_another_persons_certificate_is_404_like_a_missing_one(certified, client, lookup_limits, world, lot,
                                                               django_user_model, django_capture_on_commit_callbacks):
    from tests.conftest import PHUC_XA
    from tests.vaccination.conftest import citizen_person, register
    from vaccination.services.dose_recording import dose_record

    account, other = citizen_person(django_user_model, "0912000602", "Ngô Văn Bình", PHUC_XA)
    register(account, other)
    with django_capture_on_commit_callbacks(execute=True):  # the certificate is signed after commit
        dose_record(actor=world["site_staff_phuc_xa"], person_id=other.pk, site_id=world["site_phuc_xa"].pk,
                    lot_id=lot.pk, idempotency_key="other-1", dose_number=1, confirm=True)
    assert other.certificates.exists()
    look_up(client, "001188000777")
    client.post(CODE, {"code": sent_code("+84912000601")})
    for name in ("certificates:lookup_pdf", "certificates:lookup_png"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
        assert client.get(reverse(name, args=[999_999_999])).status_code == 404
        assert client.get(reverse(name, args=[certified["person"].pk])).status_code == 200
    assert "Ngô Văn Bình" not in client.get(RESULT).content.decode()


def test_the_access_lasts_only_its_time(certified, client, lookup_limits, settings):
    look_up(client, "001188000777")
    client.post(CODE, {"code": sent_code("+84912000601")})
    session = client.session
    session["certificate_lookup_access"]["until"] = timezone.now().timestamp() - 1
    session.save()
    assert client.get(reverse("certificates:lookup_pdf", args=[certified["person"].pk])).status_code == 404
    response = client.get(RESULT, follow=True)
    assert response.redirect_chain[-1][0] == START
    assert "Thời gian xem đã hết" in response.content.decode()


def test_a_family_member_without_an_account_looks_up_by_the_phone_recorded_with_them(
        certified, client, lookup_limits, world, lot):
    from tests.conftest import PHUC_XA
    from tests.vaccination.conftest import register
    from tests import factories as f
    from vaccination.services.dose_recording import dose_record

    grandmother = Person.objects.create(full_name="Đặng Thị Mơ", date_of_birth=datetime.date(1950, 5, 1),
                                        phone="+84987000111", managed_by=certified["account"],
                                        ward=f.unit(f.Level.WARD, PHUC_XA))
    register(certified["account"], grandmother)
    dose_record(actor=world["site_staff_phuc_xa"], person_id=grandmother.pk, site_id=world["site_phuc_xa"].pk,
                lot_id=lot.pk, idempotency_key="ba-1", dose_number=1, confirm=True)
    assert look_up(client, "0987 000 111", datetime.date(1950, 5, 1)).status_code == 302
    assert client.post(CODE, {"code": sent_code("+84987000111")}).status_code == 302
    html = client.get(RESULT).content.decode()
    assert "Đặng Thị Mơ" in html and "Đặng Thị Ánh" not in html


def test_wrong_codes_are_limited_and_the_right_one_then_refused(certified, client, lookup_limits):
    look_up(client, "001188000777")
    right = sent_code("+84912000601")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    answers = [client.post(CODE, {"code": wrong}) for _ in range(4)]
    assert "Bạn còn 1 lần thử" in answers[-1].content.decode()
    last = client.post(CODE, {"code": wrong}, follow=True)
    assert last.redirect_chain[-1][0] == START and "Nhập sai mã quá nhiều lần" in last.content.decode()
    assert client.post(CODE, {"code": right}).status_code == 302  # no ticket left: back to the start
    assert client.get(reverse("certificates:lookup_pdf", args=[certified["person"].pk])).status_code == 404


def test_a_code_for_an_unknown_number_is_answered_like_a_wrong_one(certified, client, lookup_limits):
    look_up(client, "001188000999")
    first = client.post(CODE, {"code": "123456"}).content.decode()
    assert "Mã không đúng. Bạn còn 4 lần thử." in first


def test_the_number_typed_is_limited_whether_known_or_not(certified, client, lookup_limits):
    for identifier in ("001188000777", "001188000999"):
        answers = [look_up(client, identifier) for _ in range(4)]
        assert [a.status_code for a in answers] == [302, 302, 302, 429], identifier
        assert "Số này đã được tra cứu quá nhiều lần" in answers[-1].content.decode()
    assert SmsMessage.objects.filter(phone="+84912000601").count() == 3


def test_the_address_is_limited(certified, client, lookup_limits):
    lookup_limits.LOOKUP_PER_IP = 2
    answers = [look_up(client, f"00118800{n:04d}") for n in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Có quá nhiều lượt tra cứu từ kết nối này" in answers[-1].content.decode()


def test_the_recorded_phone_is_limited_silently(certified, client, lookup_limits):
    """Over the phone's limit no more codes go, and the answer does not change (saying so would confirm the
    details matched)."""
    lookup_limits.LOOKUP_PER_PHONE = 1
    first = look_up(client, "001188000777")
    second = look_up(client, "0912000601")
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"]) == (302, CODE)
    assert SmsMessage.objects.filter(phone="+84912000601").count() == 1


def test_a_wrong_security_code_counts_nothing_and_sends_nothing(certified, client, lookup_limits):
    client.get(START)
    response = client.post(START, {"identifier": "001188000777", "date_of_birth": BORN.isoformat(),
                                   "captcha": "WRONG"})
    assert response.status_code == 200 and "Mã bảo mật không đúng" in response.content.decode()
    assert not SmsMessage.objects.exists()


@pytest.mark.parametrize("identifier, born, field, message", [
    ("12345", BORN, "identifier", "Nhập số định danh"),
    ("001188000777", datetime.date(2999, 1, 1), "date_of_birth", "Kiểm tra lại ngày sinh"),
    ("001188000777", None, "date_of_birth", "Trường này là bắt buộc"),
])
def test_bad_input_names_the_field(db, client, identifier, born, field, message):
    client.get(START)
    response = client.post(START, {"identifier": identifier, "date_of_birth": born.isoformat() if born else "",
                                   "captcha": captcha(client)})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])


def test_in_english(certified, client, lookup_limits):
    client.post(reverse("set_language"), {"language": "en", "next": START})
    look_up(client, "001188000777")
    assert "If the details match a vaccinated person" in client.get(CODE).content.decode()
