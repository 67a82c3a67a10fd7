"""The WSGI application gunicorn serves (production sets DJANGO_SETTINGS_MODULE itself)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()
