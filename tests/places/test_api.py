"""Places visited over the API: the pages' services and selectors, a device token instead of a session."""
import datetime

from django.utils import timezone

from places.models import Venue, Visit
from places.services import exposure_declare
from tests import factories as f
from tests.api.conftest import bearer
from tests.conftest import BA_DINH, HA_NOI, PHUC_XA

from .conftest import visit_at


def _post(client, url, body, auth, key=None):
    headers = {**auth, **({"HTTP_IDEMPOTENCY_KEY": key} if key else {})}
    return client.post(url, data=body, content_type="application/json", **headers)


def _venue_body(name="Tạp hóa Hoa", ward=PHUC_XA):
    return {"kind": "shop", "name": name, "province_id": f.unit(f.Level.PROVINCE, HA_NOI).pk,
            "district_id": f.unit(f.Level.DISTRICT, BA_DINH).pk, "ward_id": f.unit(f.Level.WARD, ward).pk,
            "street": "12 Phúc Xá"}


def test_a_venue_registered_once_with_a_key_lists_and_has_a_poster(client, places):
    auth = bearer(places["hoa"])
    first = _post(client, "/api/v1/venues", _venue_body(), auth, key="v-1")
    again = _post(client, "/api/v1/venues", _venue_body(), auth, key="v-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    made = first.json()
    assert Venue.objects.filter(owner=places["hoa"]).count() == 1
    assert made["checkin_url"].endswith(f"/places/c/{made['code']}/") and "Phúc Xá" in made["address"]
    assert [v["id"] for v in client.get("/api/v1/venues", **auth).json()] == [made["id"]]
    png = client.get(f"/api/v1/venues/{made['id']}/poster.png", **auth)
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert client.get(f"/api/v1/venues/{made['id']}/poster.png", **bearer(places["lan"])).status_code == 404


def test_a_ward_outside_the_district_is_a_problem_naming_the_field(client, places):
    response = _post(client, "/api/v1/venues", _venue_body(ward=37), bearer(places["hoa"]))
    assert response.status_code == 422 and "ward" in response.json()["errors"]


def test_checking_in_by_code_with_family_and_listing_visits(client, places):
    auth = bearer(places["lan"])
    body = {"code": places["ba_dinh"].code_display, "person_ids": [places["lan_person"].pk, places["son"].pk]}
    made = _post(client, "/api/v1/visits", body, auth, key="c-1")
    assert made.status_code == 201 and {v["person_name"] for v in made.json()} == {"Nguyễn Thị Lan",
                                                                                  "Nguyễn Minh Khôi"}
    assert _post(client, "/api/v1/visits", body, auth, key="c-1").json() == made.json()
    assert Visit.objects.count() == 2
    page = client.get("/api/v1/visits?limit=1", **auth).json()
    assert page["count"] == 2 and len(page["items"]) == 1 and page["items"][0]["venue_name"] == "Chợ Châu Long"
    assert client.get("/api/v1/visits", **bearer(places["hoa"])).json()["count"] == 0


def test_checking_in_someone_outside_the_family_is_404_and_an_unknown_code_422(client, places):
    auth = bearer(places["lan"])
    foreign = _post(client, "/api/v1/visits", {"code": places["ba_dinh"].code,
                                               "person_ids": [places["hoa_person"].pk]}, auth)
    assert foreign.status_code == 404
    unknown = _post(client, "/api/v1/visits", {"code": "ZZZZZ", "person_ids": [places["lan_person"].pk]}, auth,
                    )
    assert unknown.status_code == 422 and "code" in unknown.json()["errors"]
    english = client.post("/api/v1/visits", data={"code": "ZZZZZ", "person_ids": [places["lan_person"].pk]},
                          content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **auth)
    assert "No place has this code" in english.json()["detail"]
    assert not Visit.objects.exists()


def test_the_limit_is_a_429(client, places, settings):
    settings.PLACES_VISITS_PER_ACCOUNT = 1
    auth = bearer(places["lan"])
    body = {"code": places["ba_dinh"].code, "person_ids": [places["lan_person"].pk]}
    assert _post(client, "/api/v1/visits", body, auth).status_code == 201
    assert _post(client, "/api/v1/visits", body, auth).status_code == 429


def test_exposures_the_family_was_told_of(client, places, world, django_capture_on_commit_callbacks):
    now = timezone.now()
    visit_at(places["ba_dinh"], places["son"], places["lan"], now - datetime.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        exposure_declare(officer=world["district_ba_dinh"], venue_id=places["ba_dinh"].pk,
                         starts_at=now - datetime.timedelta(hours=1), ends_at=now, reason="Ca bệnh", advice="Theo dõi")
    items = client.get("/api/v1/exposures", **bearer(places["lan"])).json()["items"]
    assert [(i["person_name"], i["venue_name"], i["reason"]) for i in items] == [
        ("Nguyễn Minh Khôi", "Chợ Châu Long", "Ca bệnh")]
    assert client.get("/api/v1/exposures", **bearer(places["hoa"])).json()["count"] == 0
