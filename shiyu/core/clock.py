"""The current time, overridable so the demo seed can write a plausible past."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.db import connection
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


def to_db() -> Callable[[datetime], Any]:
    """The database's parameter form of an aware datetime, for raw SQL (as_utc reads it back).
    SQLite: Django's text in UTC, written out here (Django's adapter, through the connection
    proxy, cost more than the rest of a sweep's update)."""
    if connection.vendor == "sqlite" and connection.timezone == UTC:
        return lambda value: str(value.astimezone(UTC).replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value
