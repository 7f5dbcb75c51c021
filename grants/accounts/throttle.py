"""Brute-force guard for logins (web form and API tokens)."""

import math
import threading
import time
from collections import deque


class LoginThrottle:
    """Refuses logins for an email after `limit` failures within `window` seconds.

    Kept in process memory (per worker); `clear()` empties it, e.g. between tests.
    """

    def __init__(
        self, limit: int = 10, window: float = 15 * 60, max_keys: int = 10_000, clock=time.monotonic
    ):
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, key: str) -> int | None:
        """Seconds until the next attempt is allowed, or None when it is allowed now."""
        with self._lock:
            now = self.clock()
            times = self._recent(key, now)
            if len(times) < self.limit:
                return None
            return max(1, math.ceil(times[-self.limit] + self.window - now))

    def failed(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent(key, now)
            if key not in self._failures and len(self._failures) >= self.max_keys:
                self._prune(now)
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()

    def _prune(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        while len(self._failures) >= self.max_keys:  # still full: forget the stalest email
            stalest = min(self._failures, key=lambda k: self._failures[k][-1])
            del self._failures[stalest]


login_throttle = LoginThrottle()
