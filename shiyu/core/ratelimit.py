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
    """The client's address. Behind N trusted reverse proxies (SHIYU_TRUSTED_PROXIES=N) it is the
    N-th address from the right of X-Forwarded-For: anything left of it the client can forge."""
    proxies = int(getattr(settings, "SHIYU_TRUSTED_PROXIES", 0))
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check(request, purpose: str, extra: str = "") -> None:
    rate = parse_rate(getattr(settings, f"SHIYU_RATE_{purpose.upper()}", ""))
    if rate is None:
        return
    limit, period = rate
    window = int(time.time() // period)
    key = f"rl:{purpose}:{client_address(request)}:{extra}:{window}"
    if cache.add(key, 1, timeout=period):
        return
    try:
        used = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=period)
        return
    if used > limit:
        raise RateLimited()
