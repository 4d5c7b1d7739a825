"""What one public verification costs the database: its count against the address with the certificate's
revocation and its place in the public log, in one round trip on PostgreSQL (plus the log's proof once a signed
head covers it); the vaccines' names come from the process's copy."""
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.verification import verification_display, verify_text


def _verify(client, qr):
    with CaptureQueriesContext(connection) as queries:
        page = client.post(reverse("certificates:verify"), {"qr": qr}).content.decode()
    return page, [q["sql"] for q in queries]


def test_a_certificate_waiting_for_the_log_costs_one_round_trip(client, certified):
    from certificates.transparency import formats
    from certificates.transparency.models import LogLeaf, PendingLeaf
    from certificates.transparency.services import certificate_sha256

    certificate = certified["certificate"]
    LogLeaf.objects.all().delete()  # not yet sequenced: its leaf waits for an index
    PendingLeaf.objects.all().delete()
    PendingLeaf.objects.create(certificate=certificate, event=formats.ISSUED, leaf_data=b"",
                               cose_sha256=certificate_sha256(certificate.qr_text))
    _verify(client, certificate.qr_text)  # the process reads the vaccines' names once
    page, queries = _verify(client, certificate.qr_text)
    assert "Hợp lệ" in page and "Đang được ghi vào sổ công khai" in page and "AstraZeneca" in page
    if connection.vendor == "postgresql":
        assert len(queries) == 1, queries
    else:  # SQLite has no INSERT inside WITH: the count, then the reads
        assert len(queries) == 2 and "throttlecounter" in queries[0], queries
    assert "throttlecounter" in queries[0] and "logleaf" in queries[-1] and "certificates_certificate" in queries[-1]


def test_a_revoked_certificate_is_told_revoked_on_the_page(client, certified, world, lot):
    """Its status is read ahead with the count, from the signed message's digest alone, and shown once the
    signature holds."""
    from certificates.services import certificates_revoke_for_lot

    certificates_revoke_for_lot(actor=world["national"], lot_id=lot.pk, reason="Thu hồi lô")
    page, _queries = _verify(client, certified["certificate"].qr_text)
    assert "Đã thu hồi" in page and "Hợp lệ" not in page


def test_a_revoked_certificate_is_still_told_revoked_with_its_log_entry(certified, world, lot):
    from certificates.services import certificates_revoke_for_lot

    certificates_revoke_for_lot(actor=world["national"], lot_id=lot.pk, reason="Thu hồi lô")
    result = verify_text(certified["certificate"].qr_text)
    assert result.status == "revoked" and result.log["status"] in ("recorded", "pending")
    assert verification_display(result)["vaccinations"][0]["vaccine"]
