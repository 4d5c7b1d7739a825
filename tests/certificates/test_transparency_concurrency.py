"""Certificate workers appending to the public log at the same moment, on PostgreSQL with real row locks: the
tree never forks (no index twice, none skipped), and every head signed meanwhile is a root of the final tree."""
import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate
from certificates.tasks import certificates_issue
from certificates.transparency import formats, merkle
from certificates.transparency.audit import log_audit
from certificates.transparency.models import LogHead, LogLeaf, PendingLeaf, SignedTreeHead
from certificates.transparency.services import log_certificates_revoked, log_sequence, tree_head_sign
from registry.models import AdministrativeUnit
from registry.reference_data import load_reference_data
from tests.conftest import PHUC_XA
from tests.vaccination.conftest import citizen_person, lot, register  # noqa: F401 - fixtures
from vaccination.services.dose_recording import dose_record
from tests.parallel import run_together

WORKERS = 6
REISSUES = 4


def confirmed_people(world, lot, django_user_model, count):
    """`count` people at Phúc Xá with one confirmed dose each, and their certificates (one task, one batch)."""
    doses = []
    for number in range(count):
        account, person = citizen_person(django_user_model, f"09140{number:05d}", f"Người {number}", PHUC_XA)
        register(account, person)
        doses.append(dose_record(
            actor=world["site_staff_phuc_xa"], person_id=person.pk, site_id=world["site_phuc_xa"].pk,
            lot_id=lot.pk, idempotency_key=f"log-{number}", dose_number=1, confirm=True,
            given_at=timezone.now() - datetime.timedelta(days=1))[0])
    certificates_issue([dose.pk for dose in doses])
    return doses




@pytest.fixture
def tx_world(request, transactional_db):
    if not AdministrativeUnit.objects.exists():
        load_reference_data()
    return request.getfixturevalue("world")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_certificate_workers_never_fork_the_log(tx_world, lot, django_user_model, settings):
    settings.LOG_STH_MIN_SECONDS = 0  # every batch signs a head, so signing races appending too
    doses = confirmed_people(tx_world, lot, django_user_model, WORKERS)
    assert LogLeaf.objects.count() == WORKERS

    def reissue(dose_id):
        for _ in range(REISSUES):
            certificates_issue([dose_id], force=True)  # each: sign and queue, sequence under the lock, sign a head

    jobs = [lambda d=dose.pk: reissue(d) for dose in doses]
    jobs.append(lambda: [tree_head_sign() for _ in range(REISSUES)])
    assert run_together(jobs) == []

    total = WORKERS * (1 + REISSUES)
    assert list(LogLeaf.objects.order_by("index").values_list("index", flat=True)) == list(range(total))
    assert LogHead.objects.get().size == total
    assert Certificate.objects.count() == total
    assert LogLeaf.objects.filter(event=formats.ISSUED).values("certificate").distinct().count() == total
    tree_head_sign()
    data = [bytes(d) for d in LogLeaf.objects.order_by("index").values_list("leaf_data", flat=True)]
    for size, root in SignedTreeHead.objects.values_list("tree_size", "root_hash"):
        assert bytes(root) == _rfc_root(data[:size]), size
    report = log_audit()
    assert report.ok, report.problems


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lot_revocation_racing_issues_keeps_one_tree(tx_world, lot, django_user_model):
    doses = confirmed_people(tx_world, lot, django_user_model, WORKERS)
    certificates = list(Certificate.objects.values_list("pk", "qr_text"))
    now = timezone.now()

    def revoke_in_batches():
        for start in range(0, len(certificates), 2):
            with transaction.atomic():
                log_certificates_revoked(certificates=certificates[start:start + 2], at=now)
            log_sequence()  # sequencers racing the certificate tasks' own

    jobs = [lambda d=dose.pk: certificates_issue([d], force=True) for dose in doses] + [revoke_in_batches] * 2
    assert run_together(jobs) == []
    total = WORKERS * 2 + WORKERS * 2
    assert not PendingLeaf.objects.exists()
    assert list(LogLeaf.objects.order_by("index").values_list("index", flat=True)) == list(range(total))
    assert LogLeaf.objects.filter(event=formats.REVOKED).count() == WORKERS * 2
    tree_head_sign()
    assert log_audit().ok


def _rfc_root(entries: list[bytes]) -> bytes:
    """MTH as RFC 9162 writes it (recursive), independent of the frontier the log keeps."""
    if not entries:
        return merkle.EMPTY_ROOT
    if len(entries) == 1:
        return merkle.leaf_hash(entries[0])
    k = 1
    while k * 2 < len(entries):
        k *= 2
    return merkle.node_hash(_rfc_root(entries[:k]), _rfc_root(entries[k:]))
