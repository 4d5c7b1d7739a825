from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse


@lru_cache(maxsize=4)
def _redis(url: str):
    """One client per process and URL: its connection pool is reused by every health check, not opened anew."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)


def health_view(request):
    """For load balancers: 200 when the database (and Redis, where configured) answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {error.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            _redis(settings.REDIS_URL).ping()
            checks["redis"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["redis"] = f"error: {error.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def bench_constant_view(request):
    """bench/http.py's baseline: the same server and middleware, no database, no Redis. Off unless BENCH_ENDPOINTS."""
    if not settings.BENCH_ENDPOINTS:
        raise Http404
    return HttpResponse(b"ok", content_type="text/plain")
