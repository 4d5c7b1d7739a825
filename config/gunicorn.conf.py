"""Gunicorn for the web container: `gunicorn --config config/gunicorn.conf.py` (Dockerfile, docker-compose.yml).

Every value can be changed from the environment (see .env.example) without rebuilding the image.
"""
import os

from gunicorn.http import wsgi

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# A request slower than this is a fault (the heavy work runs in Celery), so the worker is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Recycle workers now and then so a slow leak in any library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
accesslog = "-"

# gunicorn writes `Server: gunicorn` itself, before the application's headers, and has no setting to turn it
# off; naming the software only helps someone looking for servers with a known flaw. Drop that one line from the
# headers every HTTP/1 response starts with (this file runs in the master, before the workers are forked).
_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
