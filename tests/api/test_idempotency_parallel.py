"""The same Idempotency-Key sent from parallel connections creates one declaration (PostgreSQL row locks)."""
import threading

import pytest
import requests

from citizens.models import HealthDeclaration, Person

from .conftest import bearer, make_citizen


@pytest.mark.postgres
def test_parallel_requests_with_one_key_create_one_declaration(live_server, transactional_db):
    user = make_citizen()
    headers = {"Authorization": bearer(user)["HTTP_AUTHORIZATION"], "Idempotency-Key": "retry-1"}
    body = {"person_id": Person.objects.get(account=user).pk, "symptoms": [], "contact_confirmed": False,
            "contact_suspected": False}
    barrier, answers = threading.Barrier(6), []

    def send():
        barrier.wait()
        answers.append(requests.post(f"{live_server.url}/api/v1/declarations", json=body, headers=headers, timeout=30))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) <= {201, 409} and statuses.count(201) >= 1, statuses
    assert HealthDeclaration.objects.count() == 1
    created = {answer.json()["id"] for answer in answers if answer.status_code == 201}
    assert len(created) == 1  # the replays carry the first answer's declaration
    refused = [answer.json() for answer in answers if answer.status_code == 409]
    assert all(problem["type"].endswith("/idempotency-in-progress") for problem in refused)
