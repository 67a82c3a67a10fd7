"""The consultations app's configuration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from consultations import emails, my_reservations, privacy

        emails.register()
        privacy.register()
        my_reservations.register()
