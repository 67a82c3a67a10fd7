"""The notifications app: the outbox, delivery, emails and reminders; receivers wired in ready()."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from notifications import receivers

        receivers.connect()
