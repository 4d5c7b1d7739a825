from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from registry.db import row_text
        from vaccination.book_stamp import book_stamp_part
        from vaccination.signals import dose_corrected, doses_confirmed

        from .models import Certificate
        from .receivers import on_dose_corrected, on_doses_confirmed

        # "My vaccinations" shows the valid certificate's expiry (certificates/partials/person_certificate.html).
        book_stamp_part(f"SELECT {row_text(Certificate, 'c')} FROM {Certificate._meta.db_table} c "
                        "WHERE c.person_id = %s")

        doses_confirmed.connect(on_doses_confirmed, dispatch_uid="certificates.doses_confirmed")
        dose_corrected.connect(on_dose_corrected, dispatch_uid="certificates.dose_corrected")
