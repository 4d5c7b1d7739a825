"""Row locks under concurrency: two officers confirming the same organisation at once confirm it once."""
import threading

import pytest
from django.db import connection

from registry.models import AuditEvent, Organisation, StaffAssignment
from registry.reference_data import load_reference_data
from registry.services import organisation_confirm
from tests import factories as f
from tests.conftest import HA_NOI, PHUC_XA


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_write_one_audit_row():
    load_reference_data()
    officers = [f.staff(f"officer{i}", StaffAssignment.Role.PROVINCE, unit=f.unit(f.Level.PROVINCE, HA_NOI))
                for i in range(4)]
    organisation = f.OrganisationFactory(unit=f.unit(f.Level.WARD, PHUC_XA))
    barrier = threading.Barrier(len(officers))
    errors = []

    def confirm(officer):
        try:
            barrier.wait()
            organisation_confirm(actor=officer, organisation_id=organisation.pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(action="organisation.confirm", target_id=str(organisation.pk)).count() == 1
    assert Organisation.objects.get(pk=organisation.pk).confirmed_by in officers
