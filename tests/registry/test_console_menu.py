"""The console menu is drawn once per language, permissions and alert count, and each reader gets their own."""
from django.urls import reverse


def _menu(client) -> str:
    page = client.get(reverse("console:home")).content.decode()
    return page[page.index('<ul class="nav-list">'):page.index("</nav>")]


def test_each_role_and_language_gets_its_own_menu(world, console_client, client):
    queue = reverse("vaccination_console:registration_list")
    for _round in range(2):  # the second round is served from the drawn menus
        province = _menu(console_client(world["province_ha_noi"]))
        assert queue in province
        site = _menu(console_client(world["site_staff_phuc_xa"]))
        assert queue not in site and reverse("vaccination_console:site_day") in site
        client.cookies["django_language"] = "en"
        english = _menu(console_client(world["province_ha_noi"]))
        assert "Sign out" in english and "Đăng xuất" not in english
        del client.cookies["django_language"]
        assert "Đăng xuất" in _menu(console_client(world["province_ha_noi"]))


def test_a_permission_removed_removes_its_link(world, console_client):
    user = world["district_ba_dinh"]
    client = console_client(user)
    assert reverse("vaccination_console:session_list") in _menu(client)
    group = user.groups.get()
    group.permissions.remove(group.permissions.get(codename="view_session"))
    assert reverse("vaccination_console:session_list") not in _menu(client)
