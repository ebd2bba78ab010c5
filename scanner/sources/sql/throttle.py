"""Throttling: at most so many rows per second fetched from one database."""

from __future__ import annotations

import threading
import time


class Throttle:
    """A token bucket of ``rate`` rows per second holding at most one second of rows, shared
    by every thread that reads from the source (kept as the time the bucket refills)."""

    BURST_S = 1.0

    def __init__(self, rate: float | None) -> None:
        self._rate = rate if rate and rate > 0 else None
        self._lock = threading.Lock()
        self._refilled = 0.0

    def take(self, rows: int) -> None:
        """Wait until ``rows`` more rows may be fetched."""
        if self._rate is None or rows <= 0:
            return
        with self._lock:
            now = time.monotonic()
            self._refilled = max(self._refilled, now) + rows / self._rate
            wait = self._refilled - self.BURST_S - now
        if wait > 0:
            time.sleep(wait)
