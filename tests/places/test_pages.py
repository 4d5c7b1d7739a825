"""The pages: a citizen's check-in and places visited, a venue's poster, an officer's venue with counts and
exposures — what each person sees, and what they may not."""
import datetime

from django.utils import timezone

from citizens.models import Notification
from places.models import Exposure, Venue, Visit
from tests import factories as f
from tests.conftest import BA_DINH, HA_NOI, PHUC_XA

from .conftest import visit_at


def test_the_health_book_links_to_places_visited_and_my_venues(client, places):
    client.force_login(places["lan"])
    page = client.get("/book/").content.decode()
    assert 'href="/places/"' in page and 'href="/places/venues/"' in page


def test_a_venue_is_registered_with_its_address_and_gets_a_poster(client, places):
    client.force_login(places["hoa"])
    ward = f.unit(f.Level.WARD, PHUC_XA)
    response = client.post("/places/venues/new/", {
        "kind": "shop", "name": "Tạp hóa Hoa", "province": f.unit(f.Level.PROVINCE, HA_NOI).pk,
        "district": f.unit(f.Level.DISTRICT, BA_DINH).pk, "ward": ward.pk, "street": "12 Phúc Xá"})
    venue = Venue.objects.get(name="Tạp hóa Hoa")
    assert response.status_code == 302 and response["Location"] == f"/places/venues/{venue.pk}/poster/"
    assert venue.owner == places["hoa"] and venue.ward == ward
    poster = client.get(response["Location"]).content.decode()
    assert venue.code_display in poster and "<svg" in poster and "places-poster.css" in poster
    assert "Quét mã để khai báo nơi đã đến" in poster and "Scan to record your visit" in poster  # both languages
    assert 'style="' not in poster


def test_a_ward_outside_the_district_is_refused_naming_the_field(client, places):
    client.force_login(places["hoa"])
    response = client.post("/places/venues/new/", {
        "kind": "shop", "name": "Tạp hóa Hoa", "province": f.unit(f.Level.PROVINCE, HA_NOI).pk,
        "district": f.unit(f.Level.DISTRICT, BA_DINH).pk, "ward": f.unit(f.Level.WARD, 37).pk, "street": "1"})
    assert response.status_code == 200 and "ward" in response.context["form"].errors
    assert not Venue.objects.filter(name="Tạp hóa Hoa").exists()


def test_another_citizens_poster_is_404(client, places):
    client.force_login(places["lan"])
    assert client.get(f"/places/venues/{places['ba_dinh'].pk}/poster/").status_code == 404


def test_scanning_the_poster_signed_out_asks_to_sign_in_then_checks_in_the_family(client, places):
    url = f"/places/c/{places['ba_dinh'].code}/"
    assert client.get(url)["Location"].startswith("/signin/")
    client.force_login(places["lan"])
    page = client.get(url)
    assert "Chợ Châu Long" in page.content.decode()
    assert list(page.context["form"]["people"].initial) == [places["lan_person"].pk]  # herself ticked
    response = client.post(url, {"people": [places["lan_person"].pk, places["son"].pk]})
    assert response.status_code == 302 and response["Location"] == "/places/"
    listing = client.get("/places/").content.decode()
    assert listing.count('class="card visit"') == 2 and "Nguyễn Minh Khôi" in listing
    assert "Đã ghi nhận lượt đến Chợ Châu Long cho 2 người." in listing


def test_a_typed_code_leads_to_the_check_in_page_and_an_unknown_one_says_so(client, places):
    client.force_login(places["lan"])
    typed = client.get("/places/check-in/", {"code": places["ba_dinh"].code_display.lower()})
    assert typed["Location"] == f"/places/c/{places['ba_dinh'].code}/"
    unknown = client.get("/places/check-in/", {"code": "ABCDE-FGHJK"})
    assert "Không có địa điểm nào có mã này" in unknown.content.decode()
    assert client.get("/places/c/ABCDEFGHJK/").status_code == 404


def test_ticking_someone_outside_the_family_is_404(client, places):
    client.force_login(places["lan"])
    response = client.post(f"/places/c/{places['ba_dinh'].code}/", {"people": [places["hoa_person"].pk]})
    assert response.status_code in (200, 404) and not Visit.objects.exists()  # not a choice: refused by the form


def test_the_limit_answers_with_a_message_on_the_form(client, places, settings):
    settings.PLACES_VISITS_PER_ACCOUNT = 1
    client.force_login(places["lan"])
    url = f"/places/c/{places['ba_dinh'].code}/"
    client.post(url, {"people": [places["lan_person"].pk]})
    refused = client.post(url, {"people": [places["lan_person"].pk]})
    assert refused.status_code == 200 and "trong thời gian ngắn" in refused.content.decode()
    assert Visit.objects.count() == 1


def test_the_officer_sees_counts_not_names_and_declares_an_exposure(console_client, places, world,
                                                                    django_capture_on_commit_callbacks):
    venue, now = places["ba_dinh"], timezone.now()
    visit_at(venue, places["lan_person"], places["lan"], now - datetime.timedelta(minutes=30))
    visit_at(venue, places["son"], places["lan"], now - datetime.timedelta(minutes=30))
    client = console_client(world["district_ba_dinh"])
    listing = client.get("/console/places/").content.decode()
    assert "Chợ Châu Long" in listing and "Chợ Hàng Da" not in listing and "Chợ Đông Ba" not in listing
    page = client.get(f"/console/places/{venue.pk}/").content.decode()
    assert "Nguyễn Thị Lan" not in page and "Nguyễn Minh Khôi" not in page
    local = timezone.localtime(now)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/console/places/{venue.pk}/", {
            "starts_at": (local - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local.strftime("%Y-%m-%dT%H:%M"), "reason": "Ca bệnh xác nhận", "advice": "Theo dõi"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2 người đã đến trong khoảng thời gian này đã được báo" in page
    assert "Nguyễn Thị Lan" not in page and "Nguyễn Minh Khôi" not in page
    assert Notification.objects.filter(recipient=places["lan"]).count() == 2


def test_an_officer_of_another_province_or_district_gets_404(console_client, places, world):
    assert console_client(world["province_hue"]).get(f"/console/places/{places['ba_dinh'].pk}/").status_code == 404
    client = console_client(world["district_ba_dinh"])
    assert client.get(f"/console/places/{places['hoan_kiem'].pk}/").status_code == 404
    response = client.post(f"/console/places/{places['hoan_kiem'].pk}/", {
        "starts_at": "2021-08-01T08:00", "ends_at": "2021-08-01T09:00", "reason": "x", "advice": "y"})
    assert response.status_code == 404 and not Exposure.objects.exists()


def test_a_bad_window_is_refused_naming_the_field_and_writes_nothing(console_client, places, world):
    client = console_client(world["district_ba_dinh"])
    response = client.post(f"/console/places/{places['ba_dinh'].pk}/", {
        "starts_at": "2021-08-01T10:00", "ends_at": "2021-08-01T09:00", "reason": "x", "advice": "y"})
    assert response.status_code == 200 and "ends_at" in response.context["form"].errors
    assert not Exposure.objects.exists()


def test_the_citizen_sees_the_exposure_notice(client, places, world, django_capture_on_commit_callbacks):
    from places.services import exposure_declare

    venue, now = places["ba_dinh"], timezone.now()
    visit_at(venue, places["son"], places["lan"], now - datetime.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        exposure_declare(officer=world["district_ba_dinh"], venue_id=venue.pk, starts_at=now - datetime.timedelta(
            hours=1), ends_at=now, reason="Ca bệnh xác nhận", advice="Theo dõi sức khỏe")
    client.force_login(places["lan"])
    page = client.get("/places/").content.decode()
    assert "Có thể đã phơi nhiễm tại Chợ Châu Long" in page and "Ca bệnh xác nhận" in page
    client.force_login(places["hoa"])
    assert "Chợ Châu Long" not in client.get("/places/").content.decode()


def test_the_list_pages_read_a_fixed_number_of_queries(client, console_client, places, world,
                                                        django_assert_max_num_queries):
    venue, now = places["ba_dinh"], timezone.now()
    for minutes in range(15):
        visit_at(venue, places["son"], places["lan"], now - datetime.timedelta(minutes=minutes))
    client.force_login(places["lan"])
    with django_assert_max_num_queries(12):
        assert client.get("/places/").content.decode().count('class="card visit"') == 15
    officer = console_client(world["province_ha_noi"])
    with django_assert_max_num_queries(14):
        listing = officer.get("/console/places/").content.decode()
    assert "Chợ Châu Long" in listing and "Chợ Hàng Da" in listing and "Chợ Đông Ba" not in listing
