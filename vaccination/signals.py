"""The few domain signals through which vaccination facts start work in the apps above it."""
from django.dispatch import Signal

# Sent inside the transaction that records a dose, with `dose` (reporting keeps its rollups in step) and `moves`,
# the registration status move that came with it, as `registrations_moved` carries them (or None).
dose_recorded = Signal()
# Sent inside the transaction that corrects a dose, with `dose` (as it is now) and `before`
# ({"day", "site_id", "vaccine_id", "dose_number", "voided"}).
dose_changed = Signal()
# Sent inside the transaction that moves registrations, with `moves`: {(district_id, from, to): count}
# ("" for a new registration).
registrations_moved = Signal()
# Sent inside the transaction that records a reaction, with `reaction`.
reaction_reported = Signal()
# Sent after commit with `dose_ids`, once the site confirmed the records (certificates are signed then).
doses_confirmed = Signal()
# Sent after commit with `dose_id`, when a dose record was corrected.
dose_corrected = Signal()
