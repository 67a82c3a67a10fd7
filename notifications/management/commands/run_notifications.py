"""Embedded mode: run the periodic jobs of CELERY_BEAT_SCHEDULE in this process.

Without Redis (no REDIS_URL) there is no beat and no worker: tasks run in the process that
queues them. This command stands in for beat: every NOTIFICATIONS_SWEEP_SECONDS it delivers the
notifications that are due (quiet hours over, retries, reminders it writes from the sessions),
and it runs the lottery and purge jobs on their own schedules. `make run` starts it beside
runserver. With Redis, run `celery -A config worker --beat` instead.
"""

from __future__ import annotations

import logging
import signal
import time

from celery.schedules import crontab, maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


def _terminate(signum, frame):
    raise SystemExit(0)


class Command(BaseCommand):
    help = "Run the periodic jobs (notification delivery, reminders, lottery) in this process."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run every interval job once, then exit."
        )

    def handle(self, *args, once: bool = False, **options):
        from config.celery import app

        app.loader.import_default_modules()  # register every app's tasks
        jobs = [
            (name, entry["task"], maybe_schedule(entry["schedule"], app=app))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        ]
        signal.signal(signal.SIGTERM, _terminate)
        started = app.now()
        # Interval jobs run at once; calendar (crontab) jobs wait for their next time.
        last_run = {
            name: started if isinstance(schedule, crontab) else None
            for name, _task, schedule in jobs
        }
        self.stdout.write(
            f"run_notifications: {len(jobs)} periodic jobs in process "
            f"(sweep every {settings.NOTIFICATIONS_SWEEP_SECONDS:g}s); Ctrl-C to stop"
        )
        try:
            while True:
                wait = 1.0
                for name, task_name, schedule in jobs:
                    last = last_run[name]
                    if last is None:
                        due, next_in = True, 0
                    else:
                        due, next_in = schedule.is_due(last)
                    if due:
                        self._run(app, task_name)
                        last_run[name] = app.now()
                    else:
                        wait = min(wait, max(next_in, 0.1))
                if once:
                    return
                time.sleep(wait)
        except (KeyboardInterrupt, SystemExit):
            self.stdout.write("run_notifications: stopped")

    def _run(self, app, task_name: str) -> None:
        self._fresh_connection()
        try:
            result = app.tasks[task_name].apply(throw=True)
            logger.debug("%s: %s", task_name, result.result)
        except Exception:  # one failing job must not stop the others
            logger.exception("periodic job %s failed", task_name)
        finally:
            self._fresh_connection()

    def _fresh_connection(self) -> None:
        # A long-running loop drops broken or expired connections between jobs, as a request
        # cycle would; never inside a transaction (when called from a test).
        if not connection.in_atomic_block:
            close_old_connections()
