"""A row of the province queue says what the officer needs, drawn in Python: every value escaped, the ID number
masked, the time in Viet Nam's time, the district a registration was allocated to, a tick box per row."""
import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from citizens.models import Person
from tests.conftest import BA_DINH
from tests import factories as f
from vaccination.models import Registration
from vaccination.services.registrations import registrations_allocate, registrations_approve

URL = "vaccination_console:registration_list"


def test_a_row_shows_what_the_officer_needs(people, world, console_client):
    lan = people["lan"]
    Person.objects.filter(pk=lan["person"].pk).update(full_name="Lan <b>in đậm</b>", id_number="001190012345",
                                                      date_of_birth=datetime.date(1990, 3, 4))
    # 17:30 UTC on 31 August is 00:30 on 1 September in Viet Nam.
    Registration.objects.filter(pk=lan["registration"].pk).update(
        created_at=datetime.datetime(2021, 8, 31, 17, 30, tzinfo=ZoneInfo("UTC")))
    page = console_client(world["province_ha_noi"]).get(reverse(URL)).content.decode()
    row = page.split(f'name="ids" value="{lan["registration"].pk}"')[1].split("</tr>")[0]
    assert "Lan &lt;b&gt;in đậm&lt;/b&gt;" in row and "<b>" not in row
    assert 'aria-label="Chọn Lan &lt;b&gt;in đậm&lt;/b&gt;"' in page
    assert "04/03/1990" in row and "001190012345" not in row and row.count("345") == 1
    assert "01/09/2021 00:30" in row and "Đã gửi đăng ký" in row
    assert f'href="{reverse("vaccination_console:registration_detail", args=[lan["registration"].pk])}"' in row


def test_an_allocated_row_names_the_district_and_english_is_english(people, world, console_client):
    officer = world["province_ha_noi"]
    ids = [people["tan"]["registration"].pk]
    registrations_approve(officer=officer, ids=ids)
    registrations_allocate(officer=officer, district=f.unit(f.Level.DISTRICT, BA_DINH), ids=ids)
    client = console_client(officer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse(URL), {"status": "allocated"}).content.decode()
    row = page.split(f'name="ids" value="{ids[0]}"')[1].split("</tr>")[0]
    assert "Phạm Văn Tân" in row and "→ Quận Ba Đình" in row and "Allocated" in row
    assert 'aria-label="Select Phạm Văn Tân"' in page
    assert page.count('name="ids"') == 1
