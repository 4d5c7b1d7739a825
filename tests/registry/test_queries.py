"""List pages cost the same number of queries whatever the number of rows."""
from django.urls import reverse

from tests import factories as f
from tests.conftest import PHUC_TAN, PHUC_XA, TRUC_BACH


def _queries_for(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_facility_list_has_no_n_plus_one(world, console_client, django_assert_max_num_queries, settings):
    settings.CONSOLE_PAGE_SIZE = 100
    client = console_client(world["national"])
    client.get(reverse("console:facility_list"))  # warm the session and permission caches
    for index, ward in enumerate([PHUC_XA, TRUC_BACH, PHUC_TAN] * 10):
        f.site(ward, code=f"extra-{index}")
    _queries_for(client, reverse("console:facility_list"), django_assert_max_num_queries, 12)


def test_organisation_list_has_no_n_plus_one(world, console_client, django_assert_max_num_queries):
    client = console_client(world["national"])
    f.OrganisationFactory.create_batch(30)
    _queries_for(client, reverse("console:organisation_list"), django_assert_max_num_queries, 12)
