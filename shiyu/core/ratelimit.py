"""Fixed-window rate limits in the cache, keyed by client address and purpose."""

import time

from django.conf import settings
from django.core.cache import cache

from shiyu.core.errors import RateLimited

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """"30/h" → (30, 3600); "0" or "" → None (no limit)."""
    if not rate or rate == "0":
        return None
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period[-1]] * int(period[:-1] or 1)


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check(request, purpose: str) -> None:
    rate = parse_rate(getattr(settings, f"SHIYU_RATE_{purpose.upper()}", ""))
    if rate is None:
        return
    limit, period = rate
    window = int(time.time() // period)
    key = f"rl:{purpose}:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=period):
        return
    try:
        used = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=period)
        return
    if used > limit:
        raise RateLimited()
