"""schemathesis against the OpenAPI document of a live test server, signed in with a device token: no answer is a
5xx, and every answer (status, content type, body) is one the document declares."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from citizens.models import Person
from citizens.services.messaging import notify
from registry.models import AdministrativeUnit
from registry.reference_data import load_reference_data

from .conftest import bearer, make_citizen

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Signing out (or deleting a device) would end the token the rest of the run uses; tests/api/test_accounts.py
# covers both.
SKIPPED = {("POST", "/api/v1/auth/signout"), ("DELETE", "/api/v1/auth/devices/{device_id}")}
EXAMPLES = 8


@pytest.fixture
def signed_in(transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    user = make_citizen()
    own = Person.objects.get(account=user)
    Person.objects.create(full_name="Nguyễn Minh Khôi", managed_by=user)
    notify(person=own, title="Lịch tiêm của bạn")
    return bearer(user)["HTTP_AUTHORIZATION"]


def test_every_operation_answers_as_documented(live_server, signed_in):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    headers = {"Authorization": signed_in}
    failures, ran, answered = [], 0, {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        ran += 1

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS, timeout=30)
            answered.setdefault(operation.path, set()).add(response.status_code)

        try:
            check()
        except Exception as error:  # every operation is tried, then every failure reported
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert ran >= 20
    # the token was honoured: signed-in reads succeeded (a run answered only 401 would prove nothing)
    assert 200 in answered["/api/v1/me"] and 200 in answered["/api/v1/people"]
    assert not failures, "\n\n".join(failures)
