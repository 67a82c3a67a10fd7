"""gunicorn's settings for every deployment (``gunicorn config.wsgi -c config/gunicorn.py``).

The access log writes the path without its query string and without the Referer: manage links
(``?token=``), "my reservations" keys and private feed URLs are credentials, and request logs
hold no personal data (README, Security).
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss'
