"""/health/ for load balancers, and the benchmark's constant page."""
import os

import pytest
import redis
from django.urls import reverse

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server; set REDIS_URL (CI does)")


@needs_redis
def test_health_reuses_one_redis_connection(client, db, settings, monkeypatch):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    opened = []
    connect = redis.Connection.connect

    def counting_connect(self):
        if self._sock is None:  # redis-py calls connect() before each command; only a new socket counts
            opened.append(self)
        return connect(self)

    monkeypatch.setattr(redis.Connection, "connect", counting_connect)
    for _ in range(5):
        response = client.get(reverse("health"))
        assert response.status_code == 200 and response.json()["redis"] == "ok"
    # A load balancer asks every few seconds on every web process: one pooled connection, not one per request.
    assert len(opened) <= 1


def test_health_says_which_part_fails(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error: ConnectionError"}


def test_bench_constant_page_is_off_unless_asked_for(client, db, settings, django_assert_num_queries):
    assert client.get("/bench/constant/").status_code == 404
    settings.BENCH_ENDPOINTS = True
    with django_assert_num_queries(0):
        response = client.get("/bench/constant/")
    assert (response.status_code, response.content) == (200, b"ok")
