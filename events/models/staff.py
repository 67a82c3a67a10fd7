"""Staff memberships: a staff user's role at one facility; what an entry of a staff audit log
holds."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models.facilities import Facility


class StaffRole(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    DESK = "desk", _("Desk")
    MANAGER = "manager", _("Manager")


class StaffMembership(models.Model):
    """A staff user's role at one facility."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("staff user"),
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("facility")
    )
    role = models.CharField(
        pgettext_lazy("staff membership", "role"),
        max_length=20,
        choices=StaffRole.choices,
        default=StaffRole.MANAGER,
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "facility"], name="staff_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.facility} ({self.get_role_display()})"


class StaffLogEntry(models.Model):
    """What every staff audit log keeps of an entry (the desk's ``StaffAction``, the
    consultations' ``ConsultationAction``): when, who, and at which facility."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(class)s_entries",
        verbose_name=_("staff user"),
    )
    # Kept as text so the log still says who it was after the account is deleted.
    actor_label = models.CharField(_("who"), max_length=150)
    facility = models.ForeignKey(
        Facility,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(class)s_entries",
        verbose_name=_("facility"),
    )

    class Meta:
        abstract = True
