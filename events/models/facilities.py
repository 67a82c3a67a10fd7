"""Facilities: the centres where sessions are held, with their contact details, quiet hours and
the order they are listed in."""

from datetime import time

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Facilities are listed everywhere (selects, the parents' filter, the report, the admin, the API)
# in the order the city chooses: by code points a hiragana name comes before every kanji one.
# Not by city first: no page shows or groups by the city, and a city's operators number their
# facilities as their own lists do (a deployment serving several cities numbers them by city).
FACILITY_ORDER = ("display_order", "name", "id")


class Facility(models.Model):
    name = models.CharField(_("name"), max_length=200)
    display_order = models.PositiveSmallIntegerField(
        _("display order"),
        default=0,
        help_text=_(
            "Lower numbers come first; facilities with the same number are listed by name."
        ),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=300)
    access = models.TextField(_("access notes"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    quiet_hours_start = models.TimeField(
        _("quiet hours start"),
        default=time(21, 0),
        help_text=_("Reminders and waiting-list news wait until quiet hours end."),
    )
    quiet_hours_end = models.TimeField(_("quiet hours end"), default=time(7, 0))
    noreply_email = models.EmailField(
        _("no-reply sender"),
        blank=True,
        help_text=_("Sender and calendar ORGANIZER; empty: the site's default sender."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = FACILITY_ORDER
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="facility_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="facility_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="facility_lat_lon_together",
            ),
        ]

    def __str__(self) -> str:
        return self.name
