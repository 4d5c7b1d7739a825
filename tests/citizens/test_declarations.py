from django.urls import reverse

from citizens.models import HealthDeclaration, Person
from registry.models import AuditEvent
from tests.factories import PASSWORD


def _declare(client, person, captcha=None, **extra):
    client.get(reverse("citizens:declaration_new"))
    answer = captcha if captcha is not None else client.session["captcha:declaration"]
    data = {"person": person.pk, "symptoms": ["fever", "cough"], "contact_confirmed": "no",
            "contact_suspected": "yes", "places_visited": "TP. Hồ Chí Minh", "captcha": answer, **extra}
    return client.post(reverse("citizens:declaration_new"), data)


def _child(client):
    holder = Person.objects.get(account__phone="+84912345678").account
    return Person.objects.create(full_name="Bà Nội", managed_by=holder)


def test_declaration_on_behalf_of_a_family_member(signed_up):
    grandmother = _child(signed_up)
    response = _declare(signed_up, grandmother)
    declaration = HealthDeclaration.objects.get()
    assert response["Location"] == reverse("citizens:declaration_detail", args=[declaration.pk])
    assert declaration.person == grandmother and declaration.declared_by.phone == "+84912345678"
    assert declaration.symptoms == ["cough", "fever"] and declaration.contact_suspected
    listing = signed_up.get(reverse("citizens:declaration_list")).content.decode()
    assert "Bà Nội" in listing and "<svg" in listing
    assert declaration.created_at.astimezone().strftime("%d/%m/%Y") in listing
    assert AuditEvent.objects.get(action="declaration.submit").changes == {"on_behalf": True}


def test_wrong_security_code_writes_nothing(signed_up):
    person = Person.objects.get(account__phone="+84912345678")
    page = _declare(signed_up, person, captcha="WRONG").content.decode()
    assert "Mã bảo mật không đúng" in page
    assert not HealthDeclaration.objects.exists()
    assert "captcha:declaration" in signed_up.session  # a new picture to try again


def test_security_code_works_once(signed_up):
    person = Person.objects.get(account__phone="+84912345678")
    signed_up.get(reverse("citizens:declaration_new"))
    answer = signed_up.session["captcha:declaration"]
    data = {"person": person.pk, "contact_confirmed": "no", "contact_suspected": "no", "captcha": answer}
    signed_up.post(reverse("citizens:declaration_new"), data)
    signed_up.post(reverse("citizens:declaration_new"), data)
    assert HealthDeclaration.objects.count() == 1


def test_cannot_declare_for_a_stranger(signed_up, django_user_model):
    other = django_user_model.objects.create_citizen("0987654321", PASSWORD, full_name="Khác")
    stranger = Person.objects.create(full_name="Người lạ", account=other, managed_by=other)
    page = _declare(signed_up, stranger).content.decode()
    assert "Hãy chọn một lựa chọn hợp lệ" in page
    assert not HealthDeclaration.objects.exists()


def test_captcha_image_is_a_png(signed_up):
    response = signed_up.get(reverse("citizens:captcha"))
    assert response["Content-Type"] == "image/png" and response.content[:4] == b"\x89PNG"
