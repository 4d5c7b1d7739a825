from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Reference data and jurisdictions")

    def ready(self):
        from .principal import principal_signals_connect

        principal_signals_connect()
