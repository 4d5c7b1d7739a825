"""SMS delivery backends, chosen by the SMS_BACKEND setting: console, file, http, or several joined by '+'."""
import json
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone


class SmsDeliveryError(Exception):
    """The message was not accepted; the outbox will try again later."""


class ConsoleBackend:
    def send(self, *, phone: str, text: str, reference: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


class FileBackend:
    """One line per message, so tests and `make run` can read codes: time, reference, phone, text."""

    _lock = threading.Lock()

    def send(self, *, phone: str, text: str, reference: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = "\t".join([timezone.now().isoformat(), reference, phone, text.replace("\n", " ")])
        with self._lock, open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class HttpBackend:
    """POST {"to", "text", "reference"} as JSON with a bearer token; any 2xx answer means accepted."""

    def send(self, *, phone: str, text: str, reference: str) -> None:
        if not settings.SMS_HTTP_URL:
            raise SmsDeliveryError("SMS_HTTP_URL is not set")
        body = json.dumps({"to": phone, "text": text, "reference": reference}).encode("utf-8")
        request = urllib.request.Request(
            settings.SMS_HTTP_URL, data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:
                if not 200 <= response.status < 300:
                    raise SmsDeliveryError(f"gateway answered {response.status}")
        except urllib.error.HTTPError as error:
            raise SmsDeliveryError(f"gateway answered {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise SmsDeliveryError(f"gateway unreachable: {error}") from error


BACKENDS = {"console": ConsoleBackend, "file": FileBackend, "http": HttpBackend}


def sms_backends() -> list:
    names = [name.strip() for name in settings.SMS_BACKEND.split("+") if name.strip()]
    unknown = [name for name in names if name not in BACKENDS]
    if unknown or not names:
        raise SmsDeliveryError(f"unknown SMS_BACKEND {settings.SMS_BACKEND!r}; use console, file, http or a+b")
    return [BACKENDS[name]() for name in names]


def sms_transmit(*, phone: str, text: str, reference: str) -> None:
    for backend in sms_backends():
        backend.send(phone=phone, text=text, reference=reference)
