"""Small, rarely changed reference tables (categories, areas) held in each process.

Intake resolves a category and an area on every submission; reading them from the database each
time was most of a submission's cost. An entry lives `SHIYU_REFCACHE_SECONDS` (default 30 s):
a change made through the services drops this process's copy at once, and other worker
processes pick it up within that time. Tests set it to 0 (always load).
"""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings

T = TypeVar("T")
_ALL: "list[RefCache]" = []


class RefCache(Generic[T]):
    def __init__(self, loader: Callable[[], T]) -> None:
        self._loader = loader
        self._value: T | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self) -> T:
        ttl = float(getattr(settings, "SHIYU_REFCACHE_SECONDS", 30))
        with self._lock:
            if self._value is None or ttl <= 0 or time.monotonic() - self._loaded_at > ttl:
                self._value = self._loader()
                self._loaded_at = time.monotonic()
            return self._value

    def invalidate(self) -> None:
        with self._lock:
            self._value = None


def invalidate_all() -> None:
    """Drop every reference cache of this process (after a failed insert that may have used a
    stale entry, and between tests)."""
    for cache in _ALL:
        cache.invalidate()
