from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from vaccination.signals import dose_corrected, doses_confirmed

        from .receivers import on_dose_corrected, on_doses_confirmed

        doses_confirmed.connect(on_doses_confirmed, dispatch_uid="certificates.doses_confirmed")
        dose_corrected.connect(on_dose_corrected, dispatch_uid="certificates.dose_corrected")
