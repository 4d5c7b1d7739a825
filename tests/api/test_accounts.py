"""Sign-up, sign-in and sign-out for the phone app: the portal's rules, a revocable device token kept hashed."""
import hashlib

from django.test import override_settings
from django.urls import reverse

from citizens.models import DeviceToken, User
from tests.citizens.conftest import last_code
from tests.factories import PASSWORD, CitizenFactory

from .conftest import bearer, make_citizen

PHONE = "+84912345678"


def post(client, path, data, **headers):
    return client.post(f"/api/v1{path}", data=data, content_type="application/json", **headers)


def test_sign_up_with_the_sms_code_returns_a_token_that_is_stored_only_hashed(client, db):
    response = post(client, "/auth/signup", {"full_name": "Lê Thu Hà", "phone": "0912 345 678"})
    assert response.status_code == 202 and response.json()["phone"] == PHONE
    assert not User.objects.get(phone=PHONE).is_active
    response = post(client, "/auth/signup/verify", {"phone": PHONE, "code": last_code(PHONE), "password": PASSWORD,
                                                    "device_name": "iPhone"})
    assert response.status_code == 201
    assert User.objects.get(phone=PHONE).check_password(PASSWORD)
    token = response.json()["token"]
    device = DeviceToken.objects.get(user__phone=PHONE)
    assert device.name == "iPhone" and device.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in device.token_hash
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["full_name"] == "Lê Thu Hà" and me["person"]["is_account_holder"]


def test_sign_up_with_a_weak_password_names_the_field_in_vietnamese(client, db):
    post(client, "/auth/signup", {"full_name": "Lê Thu Hà", "phone": "0912345678"})
    response = post(client, "/auth/signup/verify", {"phone": PHONE, "code": last_code(PHONE), "password": "123",
                                                    "device_name": "iPhone"})
    assert response.status_code == 422
    body = response.json()
    assert "password1" in body["errors"] and "Mật khẩu quá ngắn" in body["detail"]
    assert not User.objects.get(phone=PHONE).is_active and not DeviceToken.objects.exists()


def test_a_wrong_sign_up_code_is_refused_and_no_token_made(client, db):
    post(client, "/auth/signup", {"full_name": "Lê Thu Hà", "phone": "0912345678"})
    wrong = "000000" if last_code(PHONE) != "000000" else "111111"
    response = post(client, "/auth/signup/verify", {"phone": PHONE, "code": wrong, "password": PASSWORD,
                                                    "device_name": "iPhone"})
    assert response.status_code == 422 and "code" in response.json()["errors"]
    assert not DeviceToken.objects.exists()


def test_sign_in_returns_a_token_and_a_wrong_password_says_so_in_vietnamese(client, db):
    CitizenFactory(phone=PHONE)
    response = post(client, "/auth/signin", {"phone": "0912345678", "password": "wrong", "device_name": "Pixel"})
    assert response.status_code == 422
    assert response.json()["detail"] == "Số điện thoại hoặc mật khẩu không đúng."
    response = post(client, "/auth/signin", {"phone": "0912345678", "password": PASSWORD, "device_name": "Pixel"})
    assert response.status_code == 201 and response.json()["token"].startswith("ssk_")


@override_settings(CITIZEN_LOGIN_MAX_FAILURES=3)
def test_sign_in_is_locked_after_the_portals_number_of_wrong_passwords(client, db):
    CitizenFactory(phone=PHONE)
    statuses = [post(client, "/auth/signin", {"phone": PHONE, "password": "wrong", "device_name": "P"}).status_code
                for _ in range(3)]
    assert statuses == [422, 422, 429]
    # the portal shares the counter: the right password is refused there too
    response = post(client, "/auth/signin", {"phone": PHONE, "password": PASSWORD, "device_name": "P"})
    assert response.status_code == 429 and "Thử lại sau" in response.json()["detail"]
    assert not DeviceToken.objects.exists()


def test_sign_out_revokes_the_token(client, citizen):
    headers = bearer(citizen)
    assert client.post("/api/v1/auth/signout", **headers).status_code == 204
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_devices_are_listed_and_revocable_in_the_portal(client, citizen):
    headers = bearer(citizen, "Galaxy A52")
    client.force_login(citizen)
    assert "Thiết bị đăng nhập ứng dụng" in client.get(reverse("citizens:book")).content.decode()
    page = client.get(reverse("citizens:device_list")).content.decode()
    assert "Galaxy A52" in page
    device = DeviceToken.objects.get(user=citizen)
    response = client.post(reverse("citizens:device_revoke", args=[device.pk]))
    assert response.status_code == 302
    assert client.get("/api/v1/me", **headers).status_code == 401
    assert "Galaxy A52" not in client.get(reverse("citizens:device_list")).content.decode()


def test_another_citizens_device_cannot_be_revoked(client, citizen, other):
    other_headers = bearer(other)
    theirs = DeviceToken.objects.get(user=other)
    assert client.delete(f"/api/v1/auth/devices/{theirs.pk}", **bearer(citizen)).status_code == 404
    client.force_login(citizen)
    assert client.post(reverse("citizens:device_revoke", args=[theirs.pk])).status_code == 404
    assert client.get("/api/v1/me", **other_headers).status_code == 200


def test_devices_listed_over_the_api_mark_the_current_one(client, citizen):
    bearer(citizen, "Tablet")
    headers = bearer(citizen, "Phone")
    listed = client.get("/api/v1/auth/devices", **headers).json()
    assert {(d["name"], d["current"]) for d in listed} == {("Tablet", False), ("Phone", True)}


def test_a_deactivated_account_token_stops_working(client, db):
    user = make_citizen()
    headers = bearer(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/v1/me", **headers).status_code == 401
