"""Profile, family, QR, declarations and notifications over the API: the pages' selectors and services."""
from citizens.models import HealthDeclaration, Notification, Person
from citizens.services.messaging import notify
from django.test import override_settings

from .conftest import bearer


def _member(user, name="Nguyễn Minh Khôi"):
    return Person.objects.create(full_name=name, managed_by=user)


def test_people_lists_the_holder_and_family_only(client, citizen, other, auth):
    child = _member(citizen)
    _member(other, "Con của người khác")
    names = [p["full_name"] for p in client.get("/api/v1/people", **auth).json()]
    assert names == ["Nguyễn Văn An", child.full_name]


def test_another_citizens_person_and_qr_are_404(client, other, auth):
    theirs = _member(other)
    for path in (f"/api/v1/people/{theirs.pk}", f"/api/v1/people/{theirs.pk}/qr"):
        assert client.get(path, **auth).status_code == 404
    own = Person.objects.get(account=other)
    assert client.get(f"/api/v1/people/{own.pk}/qr", **bearer(other)).json()["qr_text"] == own.qr_text


def _declare(client, auth, person_id, key=None, **extra):
    headers = {**auth, **({"HTTP_IDEMPOTENCY_KEY": key} if key else {})}
    body = {"person_id": person_id, "symptoms": ["fever"], "contact_confirmed": False, "contact_suspected": True,
            **extra}
    return client.post("/api/v1/declarations", data=body, content_type="application/json", **headers)


def test_declaring_for_a_family_member_and_reading_it_back(client, citizen, auth):
    child = _member(citizen)
    response = _declare(client, auth, child.pk)
    assert response.status_code == 201
    made = response.json()
    assert made["person_id"] == child.pk and made["qr_text"].startswith("TKYT:")
    assert client.get(f"/api/v1/declarations/{made['id']}", **auth).json()["symptoms"] == ["fever"]


def test_declaring_for_another_citizens_person_is_404_and_writes_nothing(client, other, auth):
    theirs = _member(other)
    assert _declare(client, auth, theirs.pk).status_code == 404
    assert not HealthDeclaration.objects.exists()


def test_another_citizens_declaration_is_404(client, other, auth):
    response = _declare(client, bearer(other), Person.objects.get(account=other).pk)
    assert client.get(f"/api/v1/declarations/{response.json()['id']}", **auth).status_code == 404


def test_an_unknown_symptom_is_refused_naming_the_field(client, citizen, auth):
    response = _declare(client, auth, Person.objects.get(account=citizen).pk, symptoms=["hiccups"])
    assert response.status_code == 422 and "symptoms.0" in response.json()["errors"]


def test_the_same_idempotency_key_creates_one_declaration_and_replays_the_answer(client, citizen, auth):
    own = Person.objects.get(account=citizen).pk
    first = _declare(client, auth, own, key="k-1")
    again = _declare(client, auth, own, key="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert HealthDeclaration.objects.count() == 1
    assert _declare(client, auth, own, key="k-2").status_code == 201
    assert HealthDeclaration.objects.count() == 2


def test_an_idempotency_key_reused_for_a_different_request_is_refused(client, citizen, auth):
    own = Person.objects.get(account=citizen).pk
    _declare(client, auth, own, key="k-1")
    response = _declare(client, auth, own, key="k-1", places_visited="Chợ Đồng Xuân")
    assert response.status_code == 422 and response.json()["type"].endswith("/idempotency-key-reused")
    assert HealthDeclaration.objects.count() == 1


def test_idempotency_keys_are_per_account(client, citizen, other, auth):
    _declare(client, auth, Person.objects.get(account=citizen).pk, key="same")
    response = _declare(client, bearer(other), Person.objects.get(account=other).pk, key="same")
    assert response.status_code == 201
    assert HealthDeclaration.objects.count() == 2


@override_settings(API_PAGE_MAX=3)
def test_notifications_are_paged_with_a_ceiling_and_marked_read(client, citizen, other, auth):
    own = Person.objects.get(account=citizen)
    for n in range(5):
        notify(person=own, title=f"Thông báo {n}")
    notify(person=Person.objects.get(account=other), title="Không phải của bạn")
    page = client.get("/api/v1/notifications?limit=50&offset=1", **auth).json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (5, 3, 1, 3)
    assert all("Không phải" not in item["title"] for item in page["items"])
    assert Notification.objects.filter(recipient=citizen, read_at__isnull=False).count() == 3
