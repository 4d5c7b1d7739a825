"""Passwords are stored with Argon2id at OWASP's parameters; older PBKDF2 hashes are upgraded at sign-in.

The test settings hash with MD5 for speed; these tests put the production list back.
"""
import argon2
import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse

from citizens.models import User
from config.settings import base
from tests.factories import PASSWORD

PHONE = "+84912345678"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def _argon2_parameters(encoded: str) -> argon2.Parameters:
    algorithm, rest = encoded.split("$", 1)
    assert algorithm == "argon2"
    return argon2.extract_parameters("$" + rest)


def test_a_new_password_is_argon2id_at_owasps_parameters(production_hashers):
    parameters = _argon2_parameters(make_password(PASSWORD))
    assert parameters.type is argon2.Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19_456, 2, 1)


def test_the_environment_cannot_weaken_the_parameters(production_hashers, settings):
    settings.ARGON2_MEMORY_KIB, settings.ARGON2_TIME_COST, settings.ARGON2_PARALLELISM = 1024, 1, 1
    parameters = _argon2_parameters(make_password(PASSWORD))
    assert (parameters.memory_cost, parameters.time_cost) == (19_456, 2)
    settings.ARGON2_MEMORY_KIB = 65_536
    assert _argon2_parameters(make_password(PASSWORD)).memory_cost == 65_536


def test_a_pbkdf2_password_is_upgraded_at_the_next_sign_in(client, db, production_hashers):
    user = User.objects.create(phone=PHONE, full_name="Nguyễn Thị Lan", is_active=True, is_staff=False,
                               password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("citizens:book")

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password(PASSWORD, user.password)
    client.post(reverse("citizens:signout"))
    again = client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": PASSWORD})
    assert again["Location"] == reverse("citizens:book")


def test_a_wrong_password_upgrades_nothing(client, db, production_hashers):
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user = User.objects.create(phone=PHONE, full_name="Nguyễn Thị Lan", is_active=True, is_staff=False, password=old)
    page = client.post(reverse("citizens:signin"), {"phone": "0912345678", "password": "wrong-pass-1"})
    assert page.status_code == 200
    user.refresh_from_db()
    assert user.password == old


def test_sign_up_stores_argon2id(client, db, production_hashers):
    from tests.citizens.conftest import last_code

    client.post(reverse("citizens:signup"), {"full_name": "Nguyễn Thị Lan", "phone": "0912345678"})
    assert not User.objects.get(phone=PHONE).has_usable_password()  # the password comes with the code
    client.post(reverse("citizens:signup_verify"), {"code": last_code(PHONE), "password1": PASSWORD,
                                                    "password2": PASSWORD})
    assert User.objects.get(phone=PHONE).password.startswith("argon2$argon2id$")
