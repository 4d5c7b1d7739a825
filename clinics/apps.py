from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicsConfig(AppConfig):
    """Medical appointments ("đặt khám"), consultations and the citizen's one list of appointments. Builds on
    registry, citizens and vaccination (reading vaccination through its selectors); nothing below imports it."""

    name = "clinics"
    verbose_name = _("Medical appointments")
