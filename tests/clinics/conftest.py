import datetime

import pytest
from django.utils import timezone

from citizens.services.people import family_member_add
from clinics.models import Slot
from clinics.services import slots_publish
from tests.vaccination.conftest import people  # noqa: F401 - fixture


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def publish(staff, *, day=None, service="general", start=datetime.time(8), end=datetime.time(9), minutes=15,
            capacity=2) -> list[Slot]:
    """A day's slots at the staff member's facility (8:00–9:00, 15 minutes, 2 people each unless told)."""
    day = day or tomorrow()
    slots_publish(actor=staff, service=service, day=day, start=start, end=end, minutes=minutes, capacity=capacity)
    return list(Slot.objects.filter(created_by=staff, service=service, starts_at__date__gte=day).order_by("starts_at"))


def child_of(account, name="Nguyễn Minh Khôi"):
    own = account.person
    return family_member_add(actor=account, data={"full_name": name, "date_of_birth": datetime.date(2018, 3, 1),
                                                   "sex": "M", "ward": own.ward})


@pytest.fixture
def slots(world):
    return publish(world["site_staff_phuc_xa"])


@pytest.fixture
def lan(people):
    return people["lan"]["account"]
