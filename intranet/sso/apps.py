from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "intranet.sso"
    label = "sso"
    verbose_name = _("Anmeldung mit dem Stadt-Konto")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from intranet.sso import checks  # noqa: F401  (registers the system checks)
