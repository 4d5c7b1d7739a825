"""Each role on the console pages of places visited and of medical appointments: what it may open, and only its
own area's venues, people and bookings (a site's staff only their own facility's). The matrix in
test_jurisdiction.py points here."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinics.models import Booking, Consultation
from clinics.services import booking_create, consultation_record
from places.models import Exposure
from tests import factories as f
from tests.clinics.conftest import publish
from tests.conftest import PHUC_TAN, VY_DA, Role
from tests.places.conftest import make_venue
from tests.vaccination.conftest import people  # noqa: F401 - fixture
from vaccination.services.reactions import help_request_submit

ROLES = ["national", "province_ha_noi", "province_hue", "district_ba_dinh", "site_staff_phuc_xa"]
VENUES = ["ba_dinh", "hoan_kiem", "hue"]
VISIBLE_VENUES = {  # None: no places pages at all
    "national": set(VENUES), "province_ha_noi": {"ba_dinh", "hoan_kiem"}, "province_hue": {"hue"},
    "district_ba_dinh": {"ba_dinh"}, "site_staff_phuc_xa": None,
}
# Each citizen is booked, advised and asks for help at the site of their own ward.
CLINIC_OF = {"lan": "site_phuc_xa", "minh": "site_truc_bach", "tan": "site_phuc_tan", "hue": "site_vy_da"}
VISIBLE_CLINIC_PEOPLE = {  # whose consultations and help requests the role reads, and may advise; None: 403
    "national": None, "province_ha_noi": {"lan", "minh", "tan"}, "province_hue": {"hue"},
    "district_ba_dinh": {"lan", "minh"}, "site_staff_phuc_xa": {"lan"},
}


@pytest.fixture
def venues(world, people):  # noqa: F811 - fixture
    return {"ba_dinh": make_venue(people["minh"]["account"]),
            "hoan_kiem": make_venue(people["tan"]["account"], PHUC_TAN, "Chợ Hàng Da"),
            "hue": make_venue(people["hue"]["account"], VY_DA, "Chợ Đông Ba")}


@pytest.mark.parametrize("role", ROLES)
def test_venue_pages_match_jurisdiction(world, console_client, venues, role):
    client = console_client(world[role])
    visible = VISIBLE_VENUES[role]
    listing = client.get(reverse("places_console:venue_list"))
    if visible is None:
        assert listing.status_code == 403
        for venue in venues.values():
            url = reverse("places_console:venue_detail", args=[venue.pk])
            assert client.get(url).status_code == client.post(url, {}).status_code == 403
        return
    assert listing.status_code == 200
    assert {key for key in VENUES if venues[key].name in listing.content.decode()} == visible
    local = timezone.localtime()
    window = {"starts_at": (local - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
              "ends_at": local.strftime("%Y-%m-%dT%H:%M"), "reason": "Ca bệnh xác nhận", "advice": "Theo dõi"}
    declares = role != "national"  # national level reads venues; the province or district declares exposures
    for key in VENUES:
        url = reverse("places_console:venue_detail", args=[venues[key].pk])
        assert client.get(url).status_code == (200 if key in visible else 404), key
        assert client.post(url, window).status_code == (302 if key in visible and declares else 404), key
    declared = set(Exposure.objects.values_list("venue_id", flat=True))
    assert declared == ({venues[key].pk for key in visible} if declares else set())


@pytest.fixture
def clinic_world(world, people):  # noqa: F811 - fixture
    """At each citizen's site: its staff, a booking made today (so it can be marked), a consultation recorded
    there and a help request still open."""
    staff = {"site_phuc_xa": world["site_staff_phuc_xa"]}
    for site in ("site_truc_bach", "site_phuc_tan", "site_vy_da"):
        staff[site] = f.staff(f"staff_{site}", Role.SITE, facility=world[site])
    bookings = {}
    for who, site in CLINIC_OF.items():
        slot = publish(staff[site])[0]
        person = people[who]["person"]
        booking = booking_create(actor=people[who]["account"], person_id=person.pk, slot_id=slot.pk)
        Booking.objects.filter(pk=booking.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=1))
        bookings[who] = booking
        consultation_record(actor=staff[site], person_id=person.pk, reason=f"Khám cho {who}", advice="Ổn")
        help_request_submit(actor=people[who]["account"], person_id=person.pk, kind="other",
                            message=f"Hỏi từ {who}", site=world[site])
    return {"bookings": bookings, "people": people}


@pytest.mark.parametrize("role", ROLES)
def test_consultation_pages_match_jurisdiction(world, console_client, clinic_world, role):
    client = console_client(world[role])
    visible = VISIBLE_CLINIC_PEOPLE[role]
    listing = client.get(reverse("clinics_console:consultation_list"))
    people = clinic_world["people"]
    if visible is None:
        assert listing.status_code == 403
        for who in CLINIC_OF:
            url = reverse("clinics_console:consultation_new", args=[people[who]["person"].pk])
            assert client.get(url).status_code == 403
            assert client.post(url, {"reason": "x", "advice": "y"}).status_code == 403
        assert Consultation.objects.count() == len(CLINIC_OF)
        return
    assert listing.status_code == 200
    page = listing.content.decode()
    assert {who for who in CLINIC_OF if f"Khám cho {who}" in page} == visible
    asked = {h.person_id for h in listing.context["help_requests"]}
    assert asked == {people[who]["person"].pk for who in visible}
    for who in CLINIC_OF:
        url = reverse("clinics_console:consultation_new", args=[people[who]["person"].pk])
        assert client.get(url).status_code == (200 if who in visible else 404), who
        response = client.post(url, {"reason": f"Gọi lại {who}", "advice": "Nghỉ ngơi"})
        assert response.status_code == (302 if who in visible else 404), who
    recorded = set(Consultation.objects.filter(reason__startswith="Gọi lại").values_list("person__full_name",
                                                                                         flat=True))
    assert recorded == {people[who]["person"].full_name for who in visible}


@pytest.mark.parametrize("role", ROLES)
def test_clinic_day_and_marking_only_at_the_own_facility(world, console_client, clinic_world, role):
    client = console_client(world[role])
    bookings = clinic_world["bookings"]
    day = client.get(reverse("clinics_console:day"), {"day": timezone.localdate().isoformat()})
    publish_page = client.get(reverse("clinics_console:publish"))
    marks = {who: client.post(reverse("clinics_console:booking_attended", args=[b.pk])).status_code
             for who, b in bookings.items()}
    no_shows = {who: client.post(reverse("clinics_console:booking_no_show", args=[b.pk])).status_code
                for who, b in bookings.items()}
    attended = set(Booking.objects.filter(status=Booking.Status.ATTENDED).values_list("pk", flat=True))
    if role != "site_staff_phuc_xa":  # only a facility's own staff work its clinic day
        assert day.status_code == publish_page.status_code == 403
        assert set(marks.values()) == set(no_shows.values()) == {403}
        assert not attended and not Booking.objects.exclude(status=Booking.Status.BOOKED).exists()
        return
    assert day.status_code == publish_page.status_code == 200
    shown = {who for who in CLINIC_OF if clinic_world["people"][who]["person"].full_name in day.content.decode()}
    assert shown == {"lan"}
    assert marks == {"lan": 302, "minh": 404, "tan": 404, "hue": 404}
    assert no_shows["minh"] == no_shows["tan"] == no_shows["hue"] == 404
    assert attended == {bookings["lan"].pk}
