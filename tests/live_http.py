"""Real HTTP against the live test server, for limits that must hold when requests arrive together.

Each `Browser` has its own connection and cookies, as separate phones would; `together` releases a set of
calls at one moment from separate threads, so the server handles them in parallel (one thread and one
database connection per request).
"""
import http.client
import threading
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest


@dataclass
class Answer:
    status: int
    headers: dict
    text: str


class Browser:
    def __init__(self, base_url: str, *, headers: dict | None = None):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        self._ready: http.client.HTTPConnection | None = None

    def connect(self) -> "Browser":
        """Open the connection for the next request now. The server accepts it and waits for the request, so
        requests sent together are handled together instead of queueing in the listen backlog."""
        self._ready = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self._ready.connect()
        return self

    def request(self, method: str, path: str, data: dict | None = None, *, body: str | None = None) -> Answer:
        """`data`: a form, sent as a browser sends it; or `body` as it is (with the Content-Type of `headers`)."""
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        connection, self._ready = self._ready or http.client.HTTPConnection(self.host, self.port, timeout=120), None
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            pairs = response.getheaders()
        finally:
            connection.close()
        for name, value in pairs:
            if name.lower() == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
        return Answer(response.status, {name.lower(): value for name, value in pairs}, text)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def open_form(self, path: str) -> "Browser":
        """Load the page first, as a person would, so the CSRF cookie is set before the form is sent; then
        connect for the sending."""
        answer = self.get(path)
        assert answer.status == 200, (path, answer.status)
        return self.connect()

    def post(self, path: str, data: dict) -> Answer:
        return self.request("POST", path, data)


def together(calls: list) -> list:
    """Run the calls at the same moment in separate threads; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(60)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - handed to the test, which decides
            results[index] = error

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return results


def browsers(base_url: str, count: int, path: str) -> list[Browser]:
    """`count` separate browsers, each with the form at `path` loaded and a connection open to send it."""
    return [Browser(base_url).open_form(path) for _ in range(count)]


def no_server_error(answers: list) -> None:
    """Every request got an answer, and none of them was a server error."""
    errors = [answer for answer in answers if isinstance(answer, Exception)]
    assert not errors, errors
    statuses = [answer.status for answer in answers]
    assert all(status < 500 for status in statuses), statuses


@pytest.fixture
def password_checks(monkeypatch):
    """Every password compared with a stored hash, from any thread of the live server: whatever the path
    (citizen sign-in, console, /admin/), a try that reaches a check shows up here."""
    from citizens.models import User

    checked = []
    original = User.check_password

    def counting(user, raw_password):
        checked.append(user.pk)
        return original(user, raw_password)

    monkeypatch.setattr(User, "check_password", counting)
    return checked
