"""The few domain signals through which vaccination facts start work in the apps above it."""
from django.dispatch import Signal

# Sent after commit with `dose_id`, once a dose record exists (certificates, reporting).
dose_recorded = Signal()
# Sent after commit with `dose_ids`, once the site confirmed the records (certificates are signed then).
doses_confirmed = Signal()
# Sent after commit with `dose_id`, when a dose record was corrected.
dose_corrected = Signal()
