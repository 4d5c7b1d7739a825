import pytest

from citizens.models import Person
from citizens.services.devices import device_token_issue
from tests.factories import CitizenFactory


def make_citizen(name: str = "Nguyễn Văn An"):
    user = CitizenFactory(full_name=name)
    Person.objects.create(account=user, managed_by=user, full_name=name, phone=user.phone)
    return user


def bearer(user, device: str = "Pixel 7") -> dict:
    _device, raw = device_token_issue(user=user, name=device)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def citizen(db):
    return make_citizen()


@pytest.fixture
def other(db):
    """Another citizen, whose people and records the first must never reach."""
    return make_citizen("Trần Thị Bình")


@pytest.fixture
def auth(citizen):
    return bearer(citizen)
