from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from vaccination import signals
        from vaccination.counts import registration_totals_reader

        from . import rollups

        signals.dose_recorded.connect(rollups.on_dose_recorded, dispatch_uid="reporting.dose_recorded")
        signals.dose_changed.connect(rollups.on_dose_changed, dispatch_uid="reporting.dose_changed")
        signals.registrations_moved.connect(rollups.on_registrations_moved, dispatch_uid="reporting.registrations")
        signals.reaction_reported.connect(rollups.on_reaction_reported, dispatch_uid="reporting.reactions")
        registration_totals_reader(rollups.registration_totals_sql)
