"""Someone else's medical appointments, for tests/ownership.py's foreign world."""
from clinics.services import booking_create

from .conftest import publish


def clinic_records(fw: dict) -> dict:
    """Slots at the place's site published by its staff, and two bookings of the place's citizen there."""
    slots = publish(fw["site"])
    return {
        "clinic_slot": slots[2], "clinic_slot_other": slots[1],
        "clinic_booking": booking_create(actor=fw["citizen"], person_id=fw["person"].pk, slot_id=slots[0].pk),
        "clinic_booking_mark": booking_create(actor=fw["citizen"], person_id=fw["member_new"].pk,
                                              slot_id=slots[0].pk),
    }
