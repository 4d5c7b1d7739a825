"""`make run`'s demo of places visited and medical appointments: built after seed_demo by each app's own command,
run twice without duplicating anything, and seen by the demo citizens the way README tells them to try it."""
import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from citizens.models import User
from clinics.demo import CONSULTATION_REASON
from clinics.models import Booking, Consultation, Slot
from places.models import Venue, Visit
from registry.models import AdministrativeUnit

ROOT = Path(__file__).resolve().parents[2]
Level = AdministrativeUnit.Level


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_run_builds_the_places_and_clinics_demo_after_seed_demo():
    commands = subprocess.run(["make", "-n", "run", "PORT=8100"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout
    seed = commands.index("seed_demo --base-url http://127.0.0.1:8100")
    assert seed < commands.index("places_demo --base-url http://127.0.0.1:8100")
    assert seed < commands.index("clinics_demo --base-url http://127.0.0.1:8100")


def test_readme_says_make_run_builds_the_places_and_clinics_demo():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`places_demo`" in readme and "`clinics_demo`" in readme


@pytest.mark.django_db
def test_the_places_and_clinics_demo_twice_builds_one_of_each_and_demo_citizens_see_it(client):
    out = io.StringIO()
    for _ in range(2):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("places_demo", base_url="http://127.0.0.1:8100", stdout=out)
        call_command("clinics_demo", base_url="http://127.0.0.1:8100", stdout=out)
    venue = Venue.objects.get()
    # Once: the venue, three visits (Lan with her son, Đức), 2 services × 3 days × 13 slots, one booking, one advice.
    assert (Visit.objects.count(), Slot.objects.count(), Booking.objects.count(), Consultation.objects.count()) == (
        3, 78, 1, 1)
    printed = out.getvalue()
    assert f"Tạp hóa Trúc Bạch (poster code {venue.code_display}): http://127.0.0.1:8100/places/venues/" in printed
    assert "http://127.0.0.1:8100/clinics/appointments/" in printed and ":8000" not in printed
    minh, lan = User.objects.get(phone="+84912000002"), User.objects.get(phone="+84912000001")

    client.force_login(minh)  # My venues: his shop and its poster
    venues = client.get(reverse("places:venue_list")).content.decode()
    assert "Tạp hóa Trúc Bạch" in venues and reverse("places:venue_poster", args=[venue.pk]) in venues
    assert venue.code_display in client.get(reverse("places:venue_poster", args=[venue.pk])).content.decode()
    assert CONSULTATION_REASON in client.get(reverse("clinics:history")).content.decode()

    client.force_login(lan)  # Places visited: the shop, for her and her son
    visited = client.get(reverse("places:visit_list")).content.decode()
    assert visited.count("Tạp hóa Trúc Bạch") >= 2 and "Nguyễn Minh Khôi" in visited
    appointments = client.get(reverse("clinics:appointment_list")).content.decode()
    assert "Nguyễn Minh Khôi" in appointments and "Nhi khoa" in appointments

    # Tomorrow's paediatrics slots in her district are listed, and she can book one for herself.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    found = client.get(reverse("clinics:slot_search"), {
        "service": "paediatrics", "province": AdministrativeUnit.objects.get(level=Level.PROVINCE, code=1).pk,
        "district": AdministrativeUnit.objects.get(level=Level.DISTRICT, code=1).pk, "day": tomorrow.isoformat()})
    slot = Slot.objects.filter(service="paediatrics", booked=0).order_by("starts_at").first()
    assert timezone.localtime(slot.starts_at).date() == tomorrow
    assert "Trạm Y tế Phường Phúc Xá" in found.content.decode()
    assert reverse("clinics:book", args=[slot.pk]) in found.content.decode()
    booked = client.post(reverse("clinics:book", args=[slot.pk]), {"person": lan.person.pk})
    assert booked.status_code == 302 and Booking.objects.filter(slot=slot, person=lan.person).exists()


@pytest.mark.django_db
def test_the_demo_commands_ask_for_seed_demo_first():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed_demo"):
        call_command("places_demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("clinics_demo", stdout=io.StringIO())
