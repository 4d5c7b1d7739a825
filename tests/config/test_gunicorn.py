"""The app server names no software: gunicorn with the project's config sends no `Server` header."""
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _headers_from_gunicorn(*config: str) -> dict[str, str]:
    """Start gunicorn on a free loopback port, ask /health/ once, stop it; at most about 30 seconds."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    server = subprocess.Popen(
        [GUNICORN, *config, "--bind", f"127.0.0.1:{port}", "--workers", "1", "config.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/health/")
                response = connection.getresponse()
                response.read()
                return {name.lower(): value for name, value in response.getheaders()} | {":status": response.status}
            except (ConnectionRefusedError, http.client.RemoteDisconnected):
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail("gunicorn did not answer:\n" + server.communicate(timeout=5)[1][-3000:])
                time.sleep(0.2)
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)


@pytest.fixture(scope="module")
def gunicorn():
    if GUNICORN is None:
        pytest.skip("gunicorn is not installed (it is in requirements.txt: pip install -r requirements.txt)")
    return _headers_from_gunicorn


def test_project_config_sends_no_server_header(gunicorn):
    headers = gunicorn("--config", "config/gunicorn.conf.py")
    assert headers[":status"] in (200, 503)  # 503 only if this machine's database is not there for the probe
    assert "server" not in headers
    assert headers["x-content-type-options"] == "nosniff"  # the response is Django's, through gunicorn


def test_plain_gunicorn_would_name_itself(gunicorn):
    """What the config removes: without it gunicorn announces itself (this shows the first test can fail)."""
    headers = gunicorn("--config", os.devnull)
    assert headers["server"].startswith("gunicorn")


def test_containers_start_gunicorn_with_the_config():
    assert '"--config", "config/gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "gunicorn --config config/gunicorn.conf.py" in compose
    assert "gunicorn config.wsgi" not in compose
