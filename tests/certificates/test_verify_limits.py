"""The public verifier's limits: requests per address, body size, photo pixels; and how a result reads."""
import datetime
import json
import struct
import threading
import time
import urllib.error
import urllib.request
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certificates.pdf import qr_png
from certificates.verification import display_date
from registry.models import AdministrativeUnit
from registry.reference_data import load_reference_data
from tests.live_http import Browser, no_server_error, together

API, PAGE = "certificates:verify_api", "certificates:verify"


def _png(width: int, height: int) -> bytes:
    """A 1-bit PNG that is tiny on the wire and huge once decoded (a decompression bomb)."""
    rows = zlib.compress(b"".join(b"\x00" * (1 + (width + 7) // 8) for _ in range(height)), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


# ---------------------------------------------------------------- requests per address

def _post(url: str, body: bytes, address: str | None = None):
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    if address:
        request.add_header("X-Forwarded-For", address)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.postgres
def test_parallel_requests_from_one_address_exactly_the_limit_pass(live_server, settings):
    settings.VERIFY_PER_IP, settings.VERIFY_IP_WINDOW_SECONDS = 8, 600
    url = live_server.url + reverse(API)
    total = 20
    barrier, answers = threading.Barrier(total), []

    def one():
        barrier.wait()
        answers.append(_post(url, json.dumps({"qr": "HC1:NOT-A-CERTIFICATE"}).encode()))

    threads = [threading.Thread(target=one) for _ in range(total)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    codes = sorted(code for code, _headers, _body in answers)
    assert len(codes) == total and 500 not in codes
    assert codes.count(429) == total - 8 and codes.count(400) == 8
    refused = [(headers, json.loads(body)) for code, headers, body in answers if code == 429]
    for headers, body in refused:
        assert 1 <= int(headers["Retry-After"]) <= 600
        assert body["status"] == "rate_limited" and body["valid"] is False and body["retry_after"] >= 1


@pytest.fixture
def live_certified(request, transactional_db):
    """The certificate of `certified`, committed where the live server reads it."""
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("certified")["certificate"]


@pytest.mark.postgres
def test_twenty_checks_of_a_real_certificate_at_once_pass_exactly_the_limit(live_certified, live_server, settings):
    """A certificate's check is counted in the same statement as its reads (its revocation, its place in the log):
    twenty at once from one address, ten on the page and ten through the API, get exactly the limit's answers, and
    every answer given says the certificate is valid."""
    settings.VERIFY_PER_IP, settings.VERIFY_IP_WINDOW_SECONDS = 8, 600
    qr, page, api = live_certified.qr_text, reverse(PAGE), reverse(API)
    on_page = [Browser(live_server.url).open_form(page) for _ in range(10)]
    through_api = [Browser(live_server.url, headers={"Content-Type": "application/json"}).connect()
                   for _ in range(10)]
    answers = together([lambda b=b: b.post(page, {"qr": qr}) for b in on_page]
                       + [lambda b=b: b.request("POST", api, body=json.dumps({"qr": qr})) for b in through_api])
    no_server_error(answers)
    assert sorted(answer.status for answer in answers) == [200] * 8 + [429] * 12
    for answer, where in zip(answers, ["page"] * 10 + ["api"] * 10):
        if answer.status == 200 and where == "api":
            assert json.loads(answer.text)["valid"] is True
        elif answer.status == 200:
            assert "Hợp lệ" in answer.text and "Đặng Thị Ánh" in answer.text


@pytest.mark.postgres
def test_another_address_behind_the_proxy_is_counted_apart(live_server, settings):
    settings.VERIFY_PER_IP, settings.TRUSTED_PROXY_COUNT = 2, 1
    url, body = live_server.url + reverse(API), json.dumps({"qr": "HC1:"}).encode()
    assert [_post(url, body, "203.0.113.7")[0] for _ in range(3)] == [400, 400, 429]
    assert _post(url, body, "203.0.113.8")[0] == 400
    # what the client wrote left of the proxy's own entry does not make it someone else
    assert _post(url, body, "198.51.100.1, 203.0.113.7")[0] == 429


def test_the_page_says_so_in_the_persons_language(db, client, settings):
    settings.VERIFY_PER_IP, settings.VERIFY_IP_WINDOW_SECONDS = 2, 300
    for _ in range(2):
        assert client.post(reverse(PAGE), {"qr": "HC1:"}).status_code == 200
    refused = client.post(reverse(PAGE), {"qr": "HC1:"})
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 300
    text = refused.content.decode()
    assert "Quá nhiều yêu cầu" in text and "Vui lòng thử lại sau" in text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.post(reverse(PAGE), {"qr": "HC1:"}).content.decode()
    assert "Too many requests" in text and "Please try again after" in text
    # the page itself still opens, and the API shares the same count
    assert client.get(reverse(PAGE)).status_code == 200
    assert client.post(reverse(API), {"qr": "HC1:"}, content_type="application/json").status_code == 429
    assert client.post(reverse(PAGE), {"qr": "HC1:"}, REMOTE_ADDR="192.0.2.44").status_code == 200


# ---------------------------------------------------------------- body size and photo pixels

def test_a_body_over_the_limit_is_refused_before_it_is_read(db, client, settings):
    settings.VERIFY_MAX_BODY_BYTES = 4096
    photo = SimpleUploadedFile("qr.png", b"\x89PNG" + b"\x00" * 8000, content_type="image/png")
    page = client.post(reverse(PAGE), {"qr": "", "photo": photo})
    assert page.status_code == 413
    assert "Ảnh hoặc nội dung gửi lên quá lớn" in page.content.decode()
    api = client.post(reverse(API), json.dumps({"qr": "HC1:" + "A" * 6000}), content_type="application/json")
    assert api.status_code == 413 and api.json()["status"] == "malformed"


def test_a_photo_of_too_many_pixels_is_refused_from_its_header(db, client, settings):
    settings.VERIFY_MAX_IMAGE_PIXELS = 12_000_000
    bomb = _png(9000, 9000)
    assert len(bomb) < 20_000
    started = time.perf_counter()
    page = client.post(reverse(PAGE), {"qr": "", "photo": SimpleUploadedFile("qr.png", bomb, "image/png")})
    elapsed = time.perf_counter() - started
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ảnh quá lớn: 9000×9000 điểm ảnh" in text and "tối đa 12 triệu điểm ảnh" in text
    assert elapsed < 1.0  # decoding it, as before, took seconds of CPU


def test_a_photo_within_the_limits_still_reads(certified, client, settings):
    settings.VERIFY_MAX_IMAGE_PIXELS = 1_000_000
    photo = SimpleUploadedFile("qr.png", qr_png(certified["certificate"].qr_text), content_type="image/png")
    page = client.post(reverse(PAGE), {"qr": "", "photo": photo}).content.decode()
    assert "Hợp lệ" in page.split('class="verdict"')[1][:100]
    # a phone photo: a large JPEG, searched at a reduced size
    from io import BytesIO

    from PIL import Image

    code = Image.open(BytesIO(qr_png(certified["certificate"].qr_text))).convert("RGB")
    scene = Image.new("RGB", (3000, 2000), "white")
    scene.paste(code.resize((1200, 1200)), (900, 400))
    jpeg = BytesIO()
    scene.save(jpeg, "JPEG", quality=85)
    settings.VERIFY_MAX_IMAGE_PIXELS = 12_000_000
    photo = SimpleUploadedFile("photo.jpg", jpeg.getvalue(), content_type="image/jpeg")
    page = client.post(reverse(PAGE), {"qr": "", "photo": photo}).content.decode()
    assert "Hợp lệ" in page.split('class="verdict"')[1][:100]


def test_a_file_that_is_not_a_picture_is_named(db, client):
    photo = SimpleUploadedFile("qr.png", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "image/png")
    page = client.post(reverse(PAGE), {"qr": "", "photo": photo})
    assert page.status_code == 200
    assert "Ảnh phải là tệp JPEG, PNG, WebP, GIF hoặc BMP." in page.content.decode()


# ---------------------------------------------------------------- how the result reads

def test_the_result_shows_dates_as_people_write_them_and_the_vaccine_by_name(certified, client):
    page = client.post(reverse(PAGE), {"qr": certified["certificate"].qr_text}).content.decode()
    result = page.split('class="verdict"')[1]
    given = timezone.localtime(certified["doses"][1].given_at).strftime("%d/%m/%Y")
    expires = timezone.localtime(certified["certificate"].expires_at).strftime("%d/%m/%Y")
    assert "29/02/1988" in result and given in result and expires in result
    assert "1988-02-29" not in result and "T" not in result.split("</dl>")[0].split("<dd>")[-1]
    assert "AstraZeneca (Vaxzevria)" in result and "EU/1/21/1529" in result


def test_partial_and_odd_dates():
    assert display_date("1988-02-29") == "29/02/1988"
    assert display_date("1988-02") == "02/1988"
    assert display_date("1988") == "1988"
    assert display_date("2021-10-01T08:30:00+07:00") == "01/10/2021"
    assert display_date(datetime.datetime(2030, 1, 1, 20, 0, tzinfo=datetime.UTC)) == "02/01/2030"  # Hà Nội time
    assert display_date("not a date") == "not a date"
    assert display_date("") == "" and display_date(None) == ""


def test_the_form_still_checks_its_csrf_token_after_the_limits(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse(PAGE), {"qr": "HC1:"}).status_code == 403
    page = strict.get(reverse(PAGE)).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert strict.post(reverse(PAGE), {"qr": "HC1:", "csrfmiddlewaretoken": token}).status_code == 200
