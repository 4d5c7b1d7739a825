"""The certificate over the API: HC1 payload, PNG and PDF for one's own people only."""
from tests.certificates.conftest import certified  # noqa: F401 - fixture
from tests.vaccination.conftest import lot, people  # noqa: F401 - fixtures

from .conftest import bearer


def test_certificate_carries_the_signed_hc1_payload(client, certified):
    person = certified["person"]
    body = client.get(f"/api/v1/people/{person.pk}/certificate", **bearer(certified["account"])).json()
    assert body["hc1"] == certified["certificate"].qr_text and body["hc1"].startswith("HC1:")
    assert [d["number"] for d in body["doses"]] == [1, 2]


def test_certificate_png_and_pdf(client, certified):
    headers = bearer(certified["account"])
    pk = certified["person"].pk
    png = client.get(f"/api/v1/people/{pk}/certificate.png", **headers)
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    pdf = client.get(f"/api/v1/people/{pk}/certificate.pdf", **headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_citizens_certificate_is_404_in_every_form(client, certified, people):
    headers = bearer(people["lan"]["account"])
    pk = certified["person"].pk
    for suffix in ("", ".png", ".pdf"):
        assert client.get(f"/api/v1/people/{pk}/certificate{suffix}", **headers).status_code == 404


def test_no_certificate_yet_is_null_payload_and_404_files(client, people):
    lan = people["lan"]
    headers = bearer(lan["account"])
    body = client.get(f"/api/v1/people/{lan['person'].pk}/certificate", **headers).json()
    assert body["hc1"] is None and body["level"] == "Chưa tiêm vắc xin"
    assert client.get(f"/api/v1/people/{lan['person'].pk}/certificate.png", **headers).status_code == 404


def test_certificates_lists_the_accounts_people_only(client, certified, people):
    listed = client.get("/api/v1/certificates", **bearer(certified["account"])).json()
    assert [(c["person_id"], c["hc1"]) for c in listed] == [(certified["person"].pk, certified["certificate"].qr_text)]
    theirs = client.get("/api/v1/certificates", **bearer(people["lan"]["account"])).json()
    assert [c["person_id"] for c in theirs] == [people["lan"]["person"].pk] and theirs[0]["hc1"] is None
