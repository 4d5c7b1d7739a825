"""The province queue is drawn once per filter, page and fingerprint of every row it reads (its counts, its rows,
its choice lists: registry/drawn.py): the page is the one the templates draw, and what changes shows on the next
view."""
import re

from django.urls import reverse

from citizens.models import Person
from registry.drawn import _drawn
from registry.models import AdministrativeUnit, Organisation
from registry.services import organisation_register
from tests.conftest import HUE, PHUC_XA
from tests.drawn_pages import MESSAGES, tokens_as_one, with_a_message
from tests.vaccination.conftest import citizen_person, people, register  # noqa: F401
from vaccination.models import Registration
from vaccination.services.registrations import registrations_approve

URL = reverse("vaccination_console:registration_list")


def test_each_filter_draws_what_the_templates_draw(people, world, console_client, rf):  # noqa: F811
    district = AdministrativeUnit.objects.get(level="district", code=1)
    client = console_client(world["province_ha_noi"])
    for query in ["", "?status=", "?status=approved", f"?district={district.pk}", "?q=Lan", "?q=%22%3E%3Cb%3E",
                  "?status=submitted&page=2", "?district=nonsense", "?age_band=18-49&priority_group="]:
        pages = [tokens_as_one(client.get(URL + query).content.decode()) for _ in range(2)]
        assert pages[0] == pages[1], query  # drawn, then from the kept drawing
        with_a_message(rf, client)
        rendered = client.get(URL + query).content.decode()
        assert "Đã lưu." in rendered, query  # the normal render, which shows the message
        assert MESSAGES.sub("", tokens_as_one(rendered)) == pages[0], query
    assert any(key[:3] == ("vaccination/console/registration_list.html", "page", "vi") for key in _drawn)


def test_what_changes_shows_on_the_next_view(people, world, console_client, django_user_model):  # noqa: F811
    client = console_client(world["province_ha_noi"])
    officer = world["province_ha_noi"]
    page = client.get(URL).content.decode()
    assert "Nguyễn Thị Lan" in page and "Đỗ Thị Mới" not in page
    account, person = citizen_person(django_user_model, "0912000199", "Đỗ Thị Mới", PHUC_XA)
    register(account, person)
    page = client.get(URL).content.decode()
    assert "Đỗ Thị Mới" in page and "5 đăng ký phù hợp" in page  # a new row and its count
    Person.objects.filter(pk=person.pk).update(full_name="Đỗ Thị Mới Đổi Tên")
    assert "Đỗ Thị Mới Đổi Tên" in client.get(URL).content.decode()  # a value shown in a row
    registrations_approve(officer=officer, ids=[people["lan"]["registration"].pk])
    page = client.get(URL).content.decode()
    assert "Nguyễn Thị Lan" not in page and "4 đăng ký phù hợp" in page
    organisation_register(actor=people["lan"]["account"], kind="company", name="Công ty Mới Thành Lập",
                          registration_number="0109999999", address="1 Phố Mới", contact_name="Nguyễn Thị Lan",
                          unit=AdministrativeUnit.objects.get(level="ward", code=PHUC_XA))
    page = client.get(URL).content.decode()
    assert re.search(r"<option value=\"\d+\">Công ty Mới Thành Lập</option>", page)  # the filter offers it at once
    Organisation.objects.filter(name="Công ty Mới Thành Lập").update(name="Công ty Đổi Tên")
    assert "Công ty Đổi Tên" in client.get(URL).content.decode()
    assert Registration.objects.filter(status="submitted", province_code=1).count() == 4


def test_another_province_never_gets_a_page_drawn_for_hanoi(people, world, console_client):  # noqa: F811
    hanoi = console_client(world["province_ha_noi"]).get(URL).content.decode()
    assert "Nguyễn Thị Lan" in hanoi
    page = console_client(world["province_hue"]).get(URL).content.decode()
    assert "Hồ Thị Huế" in page
    assert "Nguyễn Thị Lan" not in page and "Ba Đình" not in page


def test_a_filter_refused_then_accepted_follows_what_it_shows(people, world, console_client):  # noqa: F811
    """An organisation of another province is refused by Hà Nội's filter; once it is in Hà Nội the same address
    filters by it, and a registration that joins it shows on the next view."""
    hue_organisation = Organisation.objects.create(
        kind="company", name="Công ty Huế", registration_number="3300000001",
        unit=AdministrativeUnit.objects.filter(level="ward", province_code=HUE).first())
    client = console_client(world["province_ha_noi"])
    url = f"{URL}?organisation={hue_organisation.pk}"
    assert "Nguyễn Thị Lan" in client.get(url).content.decode()  # refused: the filter is not applied
    Organisation.objects.filter(pk=hue_organisation.pk).update(
        unit=AdministrativeUnit.objects.get(level="ward", code=PHUC_XA))
    assert "Nguyễn Thị Lan" not in client.get(url).content.decode()  # accepted: nobody of it registered yet
    Registration.objects.filter(pk=people["lan"]["registration"].pk).update(organisation=hue_organisation)
    assert "Nguyễn Thị Lan" in client.get(url).content.decode()
