"""Pages where a password or a code is typed: no cache keeps them, and what was posted stays out of error reports."""
import pytest

from tests.factories import PASSWORD, CitizenFactory

ANONYMOUS = ["/signup/", "/signup/verify/", "/signin/", "/password/forgot/", "/password/reset/",
             "/console/login/", "/admin/login/"]
CITIZEN = ["/account/phone/", "/account/phone/verify/"]
STAFF = ["/console/otp/", "/console/otp/setup/"]
POST_ONLY = [("/signup/resend/", None), ("/account/phone/resend/", "citizen")]
POSTED = {"phone": "0912345678", "password": "a-secret", "password1": "a-secret", "password2": "a-secret",
          "new_phone": "0987654321", "code": "123456", "token": "123456", "username": "someone"}


@pytest.fixture
def as_who(client, db, django_user_model):
    def sign_in(who):
        if who == "citizen":
            client.force_login(CitizenFactory())
        elif who == "staff":
            client.force_login(django_user_model.objects.create_user("officer", PASSWORD, full_name="Officer"))
        return client

    return sign_in


def _not_cached(response) -> None:
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-cache", "no-store"} <= cache_control, response.get("Cache-Control")


@pytest.mark.parametrize("path, who", [(p, None) for p in ANONYMOUS] + [(p, "citizen") for p in CITIZEN]
                         + [(p, "staff") for p in STAFF])
def test_page_is_never_cached_and_posted_values_stay_out_of_error_reports(as_who, path, who):
    client = as_who(who)
    _not_cached(client.get(path))
    posted = client.post(path, POSTED)
    _not_cached(posted)
    assert posted.wsgi_request.sensitive_post_parameters == "__ALL__"


@pytest.mark.parametrize("path, who", POST_ONLY)
def test_code_resend_is_never_cached_and_posted_values_stay_out_of_error_reports(as_who, path, who):
    posted = as_who(who).post(path, POSTED)
    _not_cached(posted)
    assert posted.wsgi_request.sensitive_post_parameters == "__ALL__"
