"""Private calendar feeds: the tokens that open a parent's own feed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeedToken(models.Model):
    """A parent's private calendar feed: a capability URL for an email address.

    An address may hold a few live tokens (one per link it asked for, see
    ``calendars.tokens``); asking again never ends the earlier ones, rotating ends them all.
    """

    email = models.EmailField(max_length=254, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "notifications_calendarfeedtoken"  # made before calendars had its app
        verbose_name = _("private calendar feed")
        verbose_name_plural = _("private calendar feeds")

    def __str__(self) -> str:
        return f"feed for {self.email}"
