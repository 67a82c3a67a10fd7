"""The counters behind the rate limits: atomic under concurrency, one window from the first count.

Run on local memory here and on Redis in CI (REDIS_URL), the two caches the app uses.
"""

import threading
import time

from django.core.cache import cache

from core.throttling import window_clear, window_count


def test_counts_from_many_threads_at_once_are_all_kept():
    threads, each = 16, 5
    start = threading.Barrier(threads)
    seen: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        start.wait()
        for _ in range(each):
            count, _left = window_count("ratelimit:test:crowd", 60, add=1)
            with lock:
                seen.append(count)

    workers = [threading.Thread(target=hit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    # Every request got its own number: none overwrote another's count.
    assert sorted(seen) == list(range(1, threads * each + 1))
    assert window_count("ratelimit:test:crowd", 60, add=0)[0] == threads * each


def test_the_window_starts_at_the_first_count_and_ends_with_it():
    assert window_count("ratelimit:test:w", 2, add=0) == (0, 0)  # not started
    count, left = window_count("ratelimit:test:w", 2, add=1)
    assert count == 1 and 1 <= left <= 2
    assert window_count("ratelimit:test:w", 2, add=1)[0] == 2
    time.sleep(2.2)
    count, left = window_count("ratelimit:test:w", 2, add=1)
    assert count == 1 and left > 1  # a new window, begun by this count


def test_clearing_starts_over():
    for _ in range(3):
        window_count("ratelimit:test:c", 60, add=1)
    window_clear("ratelimit:test:c")
    assert window_count("ratelimit:test:c", 60, add=0)[0] == 0
    assert window_count("ratelimit:test:c", 60, add=1)[0] == 1


def test_a_counter_is_readable_through_the_cache_api():
    window_count("ratelimit:test:r", 60, add=1)
    window_count("ratelimit:test:r", 60, add=1)
    assert cache.get("ratelimit:test:r") == 2


def test_without_redis_the_limits_let_requests_through(monkeypatch, settings, caplog, db):
    """A rate limit must not take bookings down with Redis; it says so in the log, once."""
    from django.core.cache.backends.redis import RedisCache
    from rest_framework.test import APIClient

    from core import throttling
    from tests.factories import SessionFactory

    dead = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    monkeypatch.setattr(throttling, "caches", {"default": dead})
    monkeypatch.setattr(throttling, "_warned_at", 0.0)
    settings.API_THROTTLE_ENABLED = True
    session = SessionFactory()
    body = {"session": session.pk, "name": "山田 花子", "adults": 1, "children": 0}
    api = APIClient()
    with caplog.at_level("WARNING", logger="core.throttling"):
        answers = [
            api.post("/api/v1/reservations/", {**body, "email": f"p{i}@example.jp"}, format="json")
            for i in range(3)
        ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert caplog.text.count("Redis unavailable") == 1
    window_clear("ratelimit:test:dead")  # a successful login clears a counter: no error either
