"""Every console and portal URL that names a record answers anyone who may not see it exactly as if the record did
not exist (404), or with the page's documented refusal (403 for a role without the permission, a redirect to
sign in for the wrong kind of account); never 200 with someone else's record, never 500, and nothing changes.

The URLs are read from the urlconf (django.urls.get_resolver, recursively), so none can escape:
test_every_url_with_a_parameter_is_in_the_table fails until a new one is added to TABLE with the way to build
a record that belongs to someone else (tests/ownership.py builds them) and a request its owner would send.
Each role is Hà Nội's; the records are of Huế (another province) and of Hoàn Kiếm (another district of Hà Nội).
"""
import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from citizens.services.people import family_member_add
from registry.models import OrganisationMember, PriorityGroup
from tests.ownership import (
    OWNERS, PLACES, foreign_world, person_form, registration_form, snapshot, staff_file, url_patterns,
)
from tests.vaccination.conftest import lot, people  # noqa: F401 - fixtures

MISSING = 999_999_999  # no such row
OVERSIZE = 10 ** 20  # no such row either, and too big for the database's integer columns
ALLOWED = {"404", "403", "405", "401", "sign-in"}  # 401: the API's answer to a token it does not accept
SIGN_IN_PATHS = ("/signin/", settings.CONSOLE_LOGIN_PATH, "/console/otp/", "/admin/login/")
ROLES = ["citizen", "caretaker", "organisation", "site", "district", "province", "national"]


@dataclass(frozen=True)
class Entry:
    """A URL naming a record: who of the foreign place owns it, its parameters, a well-formed POST body."""
    owner: str
    kwargs: Callable[[dict], dict]
    data: Callable[[dict], dict] = field(default=lambda fw: {})
    control: str = "get"  # the owner's own request that shows the record is real: "get", or "post" for POST-only
    api: bool = False  # /api/v1/: bodies go as JSON, the client signs in with a device token
    methods: tuple = ("get", "post")


@dataclass(frozen=True)
class Public:
    """A URL whose parameter names no one's record; anyone gets the same answer."""
    reason: str
    kwargs: Callable[[dict], dict]


def _reaction_form(fw):
    return {"onset_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "symptoms": ["fever"], "severity": "mild"}


def _person(key):
    return lambda fw: {"person_id": fw[key].pk}


def _pk(key):
    return lambda fw: {"pk": fw[key].pk}


TABLE = {
    "citizens:person_detail": Entry("citizen", _pk("person")),
    "citizens:person_edit": Entry("citizen", _pk("member_new"), lambda fw: person_form(fw["member_new"])),
    "citizens:person_qr": Entry("citizen", _pk("member_new")),
    "citizens:person_qr_rotate": Entry("citizen", _pk("person"), control="post"),
    "citizens:declaration_detail": Entry("citizen", _pk("declaration")),
    "citizens:device_revoke": Entry("citizen", lambda fw: {"pk": fw["device"].pk}, control="post"),
    "citizens:unit_children": Public("administrative units are public reference data",
                                     lambda fw: {"pk": fw["site_facility"].unit.parent_id}),
    "vaccination:person_vaccinations": Entry("citizen", _person("person")),
    "vaccination:register": Entry("citizen", _person("member_new"), lambda fw: registration_form(fw["member_new"])),
    "vaccination:registration_cancel": Entry("citizen", _pk("registration"), lambda fw: {"confirm": "yes"}),
    "vaccination:appointment_cancel": Entry("citizen", _pk("appointment_cancel"), lambda fw: {"confirm": "yes"}),
    "vaccination:reaction_report": Entry("citizen", lambda fw: {"dose_id": fw["dose"].pk}, _reaction_form),
    "vaccination:help_request": Entry("citizen", _person("person"),
                                      lambda fw: {"kind": "wrong_details", "message": "Sai ngày sinh"}),
    "vaccination:organisation_detail": Entry("rep", _pk("organisation")),
    "vaccination:organisation_export": Entry("rep", lambda fw: {"pk": fw["organisation"].pk, "fmt": "csv"}),
    "vaccination:organisation_upload": Entry("rep", _pk("organisation"), lambda fw: {"file": staff_file()},
                                             control="post"),
    "vaccination:organisation_link_request": Entry("rep", _pk("organisation"), lambda fw: {
        "id_number": "046090001111", "priority_group": PriorityGroup.objects.get(number=9).pk}, "post"),
    "vaccination:import_detail": Entry("rep", _pk("staff_batch")),
    "vaccination:import_confirm": Entry("rep", _pk("staff_batch"), control="post"),
    "vaccination:import_report": Entry("rep", _pk("staff_batch")),
    "vaccination:import_template": Public("blank spreadsheet templates",
                                          lambda fw: {"kind": "staff", "fmt": "csv"}),
    "certificates:person_certificate": Entry("citizen", _person("person")),
    "certificates:certificate_png": Entry("citizen", _person("person")),
    "certificates:certificate_pdf": Entry("citizen", _person("person")),
    # Certificate look-up without an account: the "owner" is a browser that looked the person up (code typed).
    "certificates:lookup_png": Entry("lookup", _person("person")),
    "certificates:lookup_pdf": Entry("lookup", _person("person")),
    "console:facility_detail": Entry("district", _pk("site_facility")),
    "console:organisation_detail": Entry("province", _pk("organisation")),
    "console:organisation_confirm": Entry("province", _pk("organisation"), control="post"),
    "vaccination_console:registration_detail": Entry("province", _pk("registration")),
    "vaccination_console:session_detail": Entry("district", _pk("session")),
    "vaccination_console:session_schedule": Entry("district", _pk("session"), control="post"),
    "vaccination_console:session_book": Entry("district", _pk("session"),
                                              lambda fw: {"registration": fw["registration_book"].pk}, "post"),
    "vaccination_console:appointment_no_show": Entry("district", _pk("appointment_no_show"), control="post"),
    "vaccination_console:site_check_in_post": Entry("site", _person("member_cancel_appointment"), control="post"),
    "vaccination_console:site_visit": Entry("site", _pk("visit")),
    "vaccination_console:site_screen": Entry("site", _pk("visit"),
                                             lambda fw: {"temperature": "36.5", "outcome": "screened"}, "post"),
    "vaccination_console:site_inject": Entry("site", _pk("visit"),
                                             lambda fw: {"lot": fw["dose"].lot_id, "idempotency_key": "walk"}, "post"),
    "vaccination_console:site_observe": Entry("site", _pk("visit"), lambda fw: {"note": "Bình thường"}, "post"),
    "vaccination_console:site_session_close": Entry("site", _pk("session"), lambda fw: {"wasted": 0}),
    "vaccination_console:site_import_detail": Entry("site", _pk("dose_batch")),
    "vaccination_console:site_import_confirm": Entry("site", _pk("dose_batch"), control="post"),
    "vaccination_console:site_import_report": Entry("site", _pk("dose_batch")),
    "vaccination_console:reaction_detail": Entry("site", _pk("reaction"),
                                                 lambda fw: {"status": "acknowledged", "note": "Đã gọi điện"}),
    "vaccination_console:help_detail": Entry("site", _pk("help"), lambda fw: {"form": "answer", "answer": "Đã sửa"}),
    "clinics:book": Public("a facility's open consultation slots are offered to every citizen",
                           lambda fw: {"slot_id": fw["clinic_slot"].pk}),
    "clinics:booking_move": Entry("citizen", _pk("clinic_booking"), lambda fw: {"slot": fw["clinic_slot_other"].pk}),
    "clinics:booking_cancel": Entry("citizen", _pk("clinic_booking"), lambda fw: {"confirm": "yes"}),
    "clinics_console:booking_attended": Entry("site", _pk("clinic_booking_mark"), control="post"),
    "clinics_console:booking_no_show": Entry("site", _pk("clinic_booking_mark"), control="post"),
    "clinics_console:consultation_new": Entry("site", _person("person"),
                                              lambda fw: {"reason": "Ho", "advice": "Uống nhiều nước"}),
    "reporting:report": Public("a file format; the area is the reader's own jurisdiction",
                               lambda fw: {"fmt": "csv"}),
    "places:checkin": Public("a venue's code is printed on its poster for anyone to scan; it names no one's record",
                             lambda fw: {"code": fw["venue"].code}),
    "places:venue_poster": Entry("citizen", _pk("venue")),
    "places_console:venue_detail": Entry("district", _pk("venue"), lambda fw: {
        "starts_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "reason": "Ca bệnh", "advice": "Theo dõi"}),
    "opendata:area": Public("open figures of any area are public", lambda fw: {"province": 46, "district": 474}),
    "opendata:area_json": Public("open figures of any area are public",
                                 lambda fw: {"province": 46, "district": 474}),
    "opendata:area_csv": Public("open figures of any area are public", lambda fw: {"province": 46, "district": 474}),
    "transparency:sth_of_size": Public("signed heads of the public certificate log", lambda fw: {"size": 1}),
    "transparency:proof": Public("the public log's proofs; a UVCI is 96 random bits printed on its certificate",
                                 lambda fw: {"uvci": "URN:UVCI:01:VN:0123456789ABCDEF01234567"}),
    # The phone app's API (device token in Authorization); the withdrawals come last: their owner's control changes.
    "api:person": Entry("citizen", _person("person"), api=True),
    "api:person_qr": Entry("citizen", _person("member_new"), api=True),
    "api:declaration": Entry("citizen", lambda fw: {"declaration_id": fw["declaration"].pk}, api=True),
    "api:vaccination_book": Entry("citizen", _person("person"), api=True),
    "api:registration_new": Entry("citizen", _person("member_new"), lambda fw: {
        "priority_group_id": PriorityGroup.objects.get(number=9).pk, "district_id": fw["member_new"].ward.parent_id,
        "ward_id": fw["member_new"].ward_id, "consent": True}, "post", api=True),
    "api:reaction_new": Entry("citizen", lambda fw: {"dose_id": fw["dose"].pk}, lambda fw: {
        "onset_at": timezone.now().isoformat(), "symptoms": ["fever"], "severity": "mild"}, "post", api=True),
    "api:help_request_new": Entry("citizen", _person("person"),
                                  lambda fw: {"kind": "wrong_details", "message": "Sai ngày sinh"}, "post", api=True),
    "api:certificate": Entry("citizen", _person("person"), api=True),
    "api:certificate_png": Entry("citizen", _person("person"), api=True),
    "api:certificate_pdf_file": Entry("citizen", _person("person"), api=True),
    "api:venue_poster_png": Entry("citizen", lambda fw: {"venue_id": fw["venue"].pk}, api=True),
    "api:device_revoke": Entry("citizen", lambda fw: {"device_id": fw["device_api"].pk}, control="delete", api=True,
                               methods=("get", "delete")),
    "api:registration_withdraw": Entry("citizen", lambda fw: {"registration_id": fw["registration"].pk},
                                       control="post", api=True),
    "api:appointment_withdraw": Entry("citizen", lambda fw: {"appointment_id": fw["appointment_cancel"].pk},
                                      control="post", api=True),
    "api:booking_reschedule": Entry("citizen", lambda fw: {"booking_id": fw["clinic_booking"].pk},
                                    lambda fw: {"slot_id": fw["clinic_slot_other"].pk}, "post", api=True),
    "api:booking_withdraw": Entry("citizen", lambda fw: {"booking_id": fw["clinic_booking"].pk}, control="post",
                                  api=True),
}

# Ids in query strings: the page must answer a foreign id as it answers a missing one, and not show the record.
QUERY = {
    "vaccination_console:stock": ("facility", lambda fw: fw["site_facility"].pk, lambda fw: fw["site_facility"].name),
    "reporting:dashboard": ("district", lambda fw: fw["site_facility"].unit.district_code,
                            lambda fw: fw["site_facility"].unit.parent.name),
    "citizens:declaration_new": ("person", lambda fw: fw["person"].pk, lambda fw: fw["person"].full_name),
}

# Ids in a POST body, sent to a URL of the reader's own: nothing of the foreign record may change (the snapshot).
BODY = {
    "vaccination_console:registration_action": lambda fw, own: [
        {"action": "approve", "ids": [fw["registration"].pk]},
        {"action": "reject", "ids": [fw["registration_book"].pk], "reason": "Trùng hồ sơ"}],
    "vaccination_console:stock_transfer": lambda fw, own: [
        {"to_facility": fw["site_facility"].pk, "lot": fw["dose"].lot_id, "quantity": 1}],
    "vaccination_console:session_create": lambda fw, own: [
        {"site": fw["site_facility"].pk, "date": own["tomorrow"], "start_time": "08:00", "end_time": "09:00",
         "slot_minutes": 30, "people_per_slot": 1, "lot": fw["dose"].lot_id}],
    "vaccination_console:session_book": lambda fw, own: [{"registration": fw["registration_book"].pk}],
    "vaccination_console:site_confirm": lambda fw, own: [{"dose": [fw["dose_unconfirmed"].pk]}],
}
BODY_KWARGS = {"vaccination_console:session_book": lambda own: {"pk": own["session"].pk}}

# The admin is for superusers after a second factor; every one of its URLs sends anyone else to its sign-in.
ADMIN_VALUES = {"object_id": MISSING, "id": MISSING, "pk": MISSING, "content_type_id": 1, "app_label": "citizens",
                "url": "citizens/person/"}


def _routes() -> dict[str, str]:
    return {name: route for name, namespaces, route, params in url_patterns()
            if params and "admin" not in namespaces}


def _url(route: str, values: dict, *, ids=None) -> str:
    """The path of `route` with its parameters filled; integer ones replaced by `ids` when given."""
    def value(match):
        converter, name = match.group(1), match.group(2)
        is_id = converter in ("int", "path") or (converter is None and name.endswith("_id"))  # ninja's routes
        return str(ids if ids is not None and is_id else values[name])

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "")


def _looked_up(person) -> Client:
    """A browser without an account, after the certificate look-up of `person` (the right code typed)."""
    from certificates.lookup import ACCESS

    client = Client(raise_request_exception=False)
    session = client.session
    session[ACCESS] = {"people": [person.pk], "until": timezone.now().timestamp() + 600}
    session.save()
    return client


def _answer(response) -> str:
    if response.status_code in (301, 302):
        location = urlsplit(response["Location"]).path
        return "sign-in" if location.startswith(SIGN_IN_PATHS) else f"redirect to {location}"
    return str(response.status_code)


def _client(user) -> Client:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from citizens.services.devices import device_token_issue

    client = Client(raise_request_exception=False)
    client.force_login(user)
    _device, token = device_token_issue(user=user, name="test phone")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"  # read by /api/v1/ only
    if user.is_staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def _send(client, method: str, url: str, data: dict, *, api: bool = False) -> str:
    if api and method != "get":
        return _answer(client.generic(method.upper(), url, json.dumps(data), content_type="application/json"))
    return _answer(client.post(url, data) if method == "post" else client.get(url))


@pytest.fixture
def roles(world, people, lot, django_user_model):  # noqa: F811 - fixtures
    """One Hà Nội user of each kind: citizens of Ba Đình and the staff of Ba Đình, Hà Nội and the nation."""
    from tests.vaccination.conftest import citizen_person
    from vaccination.services.sessions import session_create

    caretaker, _own = citizen_person(django_user_model, "0912000701", "Người Chăm Sóc", 1)
    family_member_add(actor=caretaker, data={"full_name": "Cụ Bà Chăm Sóc", "sex": "F", "ward": _own.ward,
                                             "date_of_birth": datetime.date(1940, 1, 1)})
    representative, _own = citizen_person(django_user_model, "0912000702", "Đại Diện Hà Nội", 1)
    OrganisationMember.objects.create(organisation=world["org_ha_noi"], user=representative)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    session = session_create(actor=world["district_ba_dinh"], site_id=world["site_phuc_xa"].pk, date=tomorrow,
                             start_time=datetime.time(8), end_time=datetime.time(10), slot_minutes=30,
                             people_per_slot=2, lot_id=lot.pk)
    return {"citizen": people["lan"]["account"], "caretaker": caretaker, "organisation": representative,
            "site": world["site_staff_phuc_xa"], "district": world["district_ba_dinh"],
            "province": world["province_ha_noi"], "national": world["national"],
            "own": {"session": session, "tomorrow": tomorrow.isoformat()}}


@pytest.fixture
def build(world, people, lot, django_user_model, django_capture_on_commit_callbacks):  # noqa: F811
    from citizens.services.devices import device_token_issue

    def built(place):
        fw = foreign_world(world=world, people=people, lot=lot, key=place, django_user_model=django_user_model,
                           after_commit=django_capture_on_commit_callbacks)
        fw["device"], _token = device_token_issue(user=fw["citizen"], name="their phone")
        fw["device_api"], _token = device_token_issue(user=fw["citizen"], name="their tablet")
        return fw

    return built


def test_every_url_with_a_parameter_is_in_the_table():
    routes = _routes()
    unnamed = [route for name, namespaces, route, params in url_patterns()
               if params and name is None and "admin" not in namespaces]
    assert not unnamed, f"name these URL patterns so that the table can cover them: {unnamed}"
    assert set(routes) - set(TABLE) == set(), "add these URLs to TABLE (how to build someone else's record)"
    assert set(TABLE) - set(routes) == set(), "these TABLE entries name no URL any more"
    assert set(QUERY) | set(BODY) <= {name for name, *_rest in url_patterns()}


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("role", ROLES)
def test_someone_elses_record_looks_like_no_record(roles, build, place, role):
    fw = build(place)
    client, routes = _client(roles[role]), _routes()
    owner = role in OWNERS[place]
    before, problems = snapshot(), []
    for name, entry in TABLE.items():
        route = routes[name]
        if isinstance(entry, Public):
            answer = _send(client, "get", _url(route, entry.kwargs(fw)), {})
            if answer.startswith("5"):
                problems.append(f"GET {name}: {answer}")
            continue
        if owner and route.startswith("console/"):
            continue  # the national level (and Hà Nội's province, for Hoàn Kiếm) works on these records
        for method in entry.methods:
            url = _url(route, entry.kwargs(fw))
            answer = _send(client, method, url, entry.data(fw), api=entry.api)
            if answer == "404":
                continue
            missing = _send(client, method, _url(route, entry.kwargs(fw), ids=MISSING), entry.data(fw), api=entry.api)
            if answer not in ALLOWED or answer != missing:
                problems.append(f"{method.upper()} {url} ({name}): {answer}; for a missing record: {missing}")
    for name, bodies in BODY.items():
        route = next(r for n, _ns, r, _p in url_patterns() if n == name)
        if owner and route.startswith("console/"):
            continue
        url = _url(route, BODY_KWARGS.get(name, lambda own: {})(roles["own"]))
        for data in bodies(fw, roles["own"]):
            if (answer := _send(client, "post", url, data)).startswith("5"):
                problems.append(f"POST {name} with another's id in the body: {answer}")
    for name, (param, value, secret) in QUERY.items():
        route = next(r for n, _ns, r, _p in url_patterns() if n == name)
        if owner and route.startswith("console/"):
            continue
        response = client.get(_url(route, {}), {param: value(fw)})
        missing = _answer(client.get(_url(route, {}), {param: MISSING}))
        if _answer(response) != missing or secret(fw) in response.content.decode(errors="replace"):
            problems.append(f"GET {name}?{param}=…: {_answer(response)}; for a missing record: {missing}")
    assert not problems, "\n".join(problems)
    assert snapshot() == before


@pytest.mark.parametrize("place", list(PLACES))
def test_the_table_names_real_records_that_their_owners_reach(build, place):
    """The other half: each URL of the table, filled as above, answers its owner, so the 404s above are refusals
    and not a table pointing at nothing. An id too big for the database is a 404, not a 500."""
    fw = build(place)
    routes = _routes()
    clients = {who: _client(fw[who]) for who in ("citizen", "rep", "site", "district", "province")}
    clients["lookup"] = _looked_up(fw["person"])
    problems = []
    for name, entry in TABLE.items():
        if isinstance(entry, Public):
            continue
        client, route = clients[entry.owner], routes[name]
        own = _send(client, entry.control, _url(route, entry.kwargs(fw)), entry.data(fw), api=entry.api)
        missing = _send(client, entry.control, _url(route, entry.kwargs(fw), ids=MISSING), entry.data(fw),
                        api=entry.api)
        oversize = _send(client, entry.control, _url(route, entry.kwargs(fw), ids=OVERSIZE), entry.data(fw),
                         api=entry.api)
        if own in ALLOWED or own.startswith("5") or missing != "404" or oversize != "404":
            problems.append(f"{entry.control.upper()} {name} by its owner: {own}; missing: {missing}; "
                            f"oversize: {oversize}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["citizen", "site", "national"])
def test_the_admin_sends_everyone_but_superusers_to_its_sign_in(roles, role):
    client, problems = _client(roles[role]), []
    for _name, namespaces, route, params in url_patterns():
        if "admin" not in namespaces or not params:
            continue
        for method in ("get", "post"):
            answer = _send(client, method, _url(route, ADMIN_VALUES), {})
            if answer != "sign-in":
                problems.append(f"{method.upper()} /{route}: {answer}")
    assert not problems, "\n".join(problems)
