"""Local development: SQLite file, no Redis, mail written to var/mail/."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
