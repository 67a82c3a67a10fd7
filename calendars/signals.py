"""What calendars tell the apps above them (see ``booking.signals`` for the mechanism).

Sent inside the transaction that made the token, with ``sender=CalendarFeedToken``; received
by ``notifications.receivers``, which queues the email.
"""

from django.dispatch import Signal

# email, language, links (the feed URLs and the page that stops them: all secrets)
feed_link_issued = Signal()
