"""The current time, overridable so the demo seed can write a plausible past."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("shiyu_clock", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)


def as_utc(value: Any) -> datetime:
    """An instant read from a raw database row: SQLite hands back a naive datetime in UTC (or,
    for an untyped column, its ISO text), PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
