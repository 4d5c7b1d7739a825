"""The province's registration queue at scale: served by an index, counts that stop at a cap, pages without a count."""
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizens.models import Person
from registry.drawn import _drawn
from registry.models import AdministrativeUnit, PriorityGroup
from tests import factories as f
from tests.conftest import BA_DINH, HUE
from vaccination.models import Registration
from vaccination.counts import registration_counts, registration_counts_sql
from vaccination.selectors import QUEUE_ORDER, registration_filter, registration_list, registration_queue_rows
from vaccination.services.registrations import registrations_allocate, registrations_approve

Level = f.Level
URL = "vaccination_console:registration_list"


def _bulk_registrations(count: int, *, province_code: int, prefix: str) -> None:
    """`count` submitted registrations spread over the province's wards, written as an upload writes them."""
    wards = list(AdministrativeUnit.objects.filter(level=Level.WARD, province_code=province_code)
                 .values_list("pk", flat=True)[:200])
    groups = list(PriorityGroup.objects.values_list("pk", flat=True))
    people = Person.objects.bulk_create(
        [Person(full_name=f"{prefix} {i}", ward_id=wards[i % len(wards)], qr_token=f"{prefix}-{i}")
         for i in range(count)], batch_size=5000)
    Registration.objects.bulk_create(
        [Registration(person=person, priority_group_id=groups[i % len(groups)], ward_id=person.ward_id,
                      consent_at=timezone.now()) for i, person in enumerate(people)], batch_size=5000)


def _plan(qs, *, seqscan: bool = True) -> str:
    """The query's plan; with seqscan=False a sequential scan is priced out, so the plan shows whether an index can
    serve the query at all (at a million rows it is the only sane plan; at a few thousand the planner may rightly
    prefer reading the small table)."""
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if not seqscan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_province_page_and_counts_read_an_index_not_the_whole_table(world):
    _bulk_registrations(20_000, province_code=1, prefix="Hà Nội")
    _bulk_registrations(2_000, province_code=HUE, prefix="Huế")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE vaccination_registration")
    rows = registration_list(user=world["province_ha_noi"])
    page = registration_filter(rows, status="submitted").order_by(*QUEUE_ORDER)[50:101]
    plan = _plan(page)
    # The rows come from an index in the page's order: no scan of the table, no sort of the province's rows.
    assert "Seq Scan on vaccination_registration" not in plan and "Sort" not in plan, plan
    # The same for the query the page runs (plain values of what a row shows).
    plan = _plan(registration_queue_rows(registration_filter(rows, status="submitted"))[50:101])
    assert "Seq Scan on vaccination_registration" not in plan and "Sort" not in plan, plan

    # A province's capped count (at most 1,001 entries) has an index to read: with only 2,000 rows here the planner
    # may rightly read the small table instead, so the check prices that out.
    hue = registration_list(user=world["province_hue"])
    sql, params = registration_counts_sql(hue, ["submitted", "approved"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on vaccination_registration" not in plan and plan.count("Limit") >= 2, plan
    plan = _plan(registration_filter(hue, status="submitted").order_by(*QUEUE_ORDER)[:51])
    assert "registration_province_queue" in plan and "Sort" not in plan, plan

    nationwide = registration_filter(registration_list(user=world["national"]), status="submitted")
    plan = _plan(nationwide.order_by(*QUEUE_ORDER)[:51])
    assert "Seq Scan on vaccination_registration" not in plan and "Sort" not in plan, plan


def test_counts_stop_at_the_cap_and_apply_to_all_still_takes_every_row(people, world, console_client, settings):
    settings.REGISTRATION_COUNT_CAP = 3
    client = console_client(world["province_ha_noi"])
    filtered = {"date_from": "2000-01-01"}  # a filter: its rows are counted, up to the cap
    page = client.get(reverse(URL), filtered).content.decode()
    # Hà Nội has four submitted registrations: past the cap of 3, the page says so instead of counting on.
    assert "Hơn 3 đăng ký phù hợp" in page
    assert "hơn 3" in page
    assert "Hồ Thị Huế" not in page
    # The whole province is counted exactly, from the rollups: no cap.
    assert "4 đăng ký phù hợp" in client.get(reverse(URL)).content.decode()
    client.post(reverse("vaccination_console:registration_action"),
                {"action": "approve", "all_matching": "1", "status": "submitted", **filtered})
    assert Registration.objects.filter(province_code=1, status="approved").count() == 4
    assert Registration.objects.get(pk=people["hue"]["registration"].pk).status == "submitted"
    page = client.get(reverse(URL), {"status": "approved", **filtered}).content.decode()
    assert "Hơn 3 đăng ký phù hợp" in page
    settings.REGISTRATION_COUNT_CAP = 10
    page = client.get(reverse(URL), {"status": "approved", **filtered}).content.decode()
    assert "4 đăng ký phù hợp" in page and "Hơn" not in page


def test_a_whole_province_is_counted_exactly_from_the_rollups(people, world, console_client):
    """Past any cap: the rollups' totals by state, which agree with the rows whatever the writes (reporting)."""
    client = console_client(world["province_ha_noi"])
    registrations_approve(officer=world["province_ha_noi"], ids=[people["lan"]["registration"].pk])
    page = client.get(reverse(URL), {"status": "approved"}).content.decode()
    assert "1 đăng ký phù hợp" in page and "Nguyễn Thị Lan" in page
    counts = dict(re.findall(r'href="\?status=(\w+)">[^<]*</a> <strong>([\d.]+)</strong>', page))
    expected = {state: Registration.objects.filter(province_code=1, status=state).count()
                for state in Registration.Status.values}
    assert {state: int(counts.get(state, "0").replace(".", "")) for state in expected} == expected, counts


def test_counts_are_exact_below_the_cap(people, world):
    counts = registration_counts(registration_list(user=world["province_ha_noi"]), total=True)
    assert (counts["submitted"].value, counts["submitted"].capped) == (4, False)
    assert counts["approved"].value == 0 and counts[""].value == 4


def test_pages_go_on_without_counting_the_rows(world, console_client, settings):
    settings.CONSOLE_PAGE_SIZE = 10
    _bulk_registrations(25, province_code=1, prefix="Người")
    client = console_client(world["province_ha_noi"])
    client.get(reverse(URL))
    _drawn.clear()  # drawn anew: a page already drawn for the same rows reads only their fingerprint
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse(URL)).content.decode()
    counts = [q["sql"] for q in queries.captured_queries
              if "COUNT(" in q["sql"] and "vaccination_registration" in q["sql"]]
    assert counts == [] and any("reporting_registrationcount" in q["sql"] for q in queries.captured_queries)
    with CaptureQueriesContext(connection) as queries:  # a filter's rows are counted, each state up to the cap
        client.get(reverse(URL), {"date_from": "2000-01-01"})
    counts = [q["sql"] for q in queries.captured_queries
              if "COUNT(" in q["sql"] and "vaccination_registration" in q["sql"]]
    assert counts and all("LIMIT" in sql for sql in counts), counts
    assert "Trang 1" in first and "page=2" in first and "page=0" not in first
    third = client.get(reverse(URL), {"page": 3}).content.decode()
    assert "Trang 3" in third and "page=2" in third and "page=4" not in third
    assert third.count('name="ids"') == 5
    # every registration appears exactly once across the pages, in priority order
    names = []
    for number in (1, 2, 3):
        page = client.get(reverse(URL), {"page": number}).content.decode()
        names += re.findall(r'aria-label="Chọn (Người [^"]+)"', page)
    assert len(names) == len(set(names)) == 25


def test_rows_written_in_bulk_carry_their_area_and_priority(world):
    _bulk_registrations(3, province_code=HUE, prefix="Huế")
    registration = Registration.objects.select_related("ward", "priority_group").latest("pk")
    assert (registration.province_code, registration.district_code, registration.priority_number) == (
        HUE, registration.ward.district_code, registration.priority_group.number)


def test_a_district_sees_its_wards_and_what_is_allocated_to_it(people, world):
    officer = world["province_ha_noi"]
    ids = [people[k]["registration"].pk for k in ("lan", "tan")]
    registrations_approve(officer=officer, ids=ids)
    # Phạm Văn Tân lives in Hoàn Kiếm; allocated to Ba Đình, Ba Đình's officer now sees him.
    registrations_allocate(officer=officer, district=f.unit(Level.DISTRICT, BA_DINH), ids=ids)
    seen = set(registration_list(user=world["district_ba_dinh"]).values_list("person__full_name", flat=True))
    assert seen == {"Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hoa", "Phạm Văn Tân"}


def test_a_queue_page_joins_only_what_its_rows_show(people, world, console_client):
    client = console_client(world["province_ha_noi"])
    client.get(reverse(URL))
    _drawn.clear()  # drawn anew: a page already drawn for the same rows reads only their fingerprint
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse(URL)).content.decode()
    rows = [q["sql"] for q in queries.captured_queries
            if (q["sql"] or "").startswith('SELECT "vaccination_registration"."id"') and "LIMIT 51" in q["sql"]]
    assert rows  # on SQLite twice: the page's fingerprint reads its statements one by one
    # person, ward, its district, the allocated district: every further join multiplied PostgreSQL's planning
    # time of the page (the priority group's number is on the row)
    assert all(row.count(" JOIN ") == 4 for row in rows), rows
    assert "Nguyễn Thị Lan" in page and "<td>9</td>" in page


@pytest.mark.postgres
def test_registration_rows_carry_no_index_that_no_read_uses(world):
    """Every registration and every dose writes a registration row, and each index is one more write: the keys
    nothing reads by (the vaccine a registration waits for, who decided or entered it) have none, and the allocated
    district is served by the first column of registration_district_idx, which the district's queue reads."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'vaccination_registration'")
        indexes = dict(cursor.fetchall())
    alone = {definition.rsplit("(", 1)[1].rstrip(")") for definition in indexes.values()
             if "," not in definition.rsplit("(", 1)[1] and " WHERE " not in definition}
    assert not alone & {"allocated_district_id", "required_vaccine_id", "decided_by_id", "created_by_id"}
    assert "(allocated_district_id, status)" in indexes["registration_district_idx"]
    district = AdministrativeUnit.objects.filter(level=Level.DISTRICT, province_code=1).first()
    plan = _plan(Registration.objects.filter(allocated_district=district), seqscan=False)
    assert "registration_district_idx" in plan or "registration_waiting" in plan, plan
