"""Working time on the Chinese official calendar: deadlines are counted in it.

A day is a working day when (in this order of precedence)
1. the city's `CalendarOverride` for that date says so (a typhoon day off, a local holiday);
2. else, for a year the `chinese-calendar` package knows, the official calendar says so: public
   holidays are off, make-up working days (调休, often a Saturday or Sunday) are on;
3. else (a year the package was not released for) Monday to Friday. `coverage_warning()` tells the
   administrator, who can enter that year's holidays as overrides.

Working hours are the same on every working day: the city setting `workcal.hours`, by default
09:00–12:00 and 13:30–17:30 (7 h), in settings.TIME_ZONE. Each period is half-open: 12:00 and
17:30 are already outside working time.

Definitions (every function follows from them):
- W(t), the working time before instant t, counted from a fixed origin. `working_hours_between(a, b)`
  is W(b) − W(a) in hours (negative when b < a).
- `add_working_hours(start, h)`, h > 0, is the EARLIEST instant t with W(t) = W(start) + h. So a start
  outside working hours (night, weekend, lunch, holiday) counts from the next working period, and a
  deadline that ends exactly where a period ends is that end (17:30), not the next period's start
  (09:00 on the next working day), which is the same working time. h < 0 gives the LATEST instant
  with W(t) = W(start) + h (the mirror image); h = 0 gives start itself.
- `add_working_days(start, n)` is "the same working-time offset n working days later": exactly
  `add_working_hours(start, n × the working hours of one day)`. Monday 10:00 + 3 days is Thursday
  10:00; Saturday 10:00 + 3 days is Wednesday 17:30 (counted from Monday 09:00); Monday 18:00 + 1
  day is Tuesday 17:30. n < 0 mirrors it; n = 0 gives start.
Results are in settings.TIME_ZONE, precise to the microsecond.

Speed: one table per process of all days from 2000 to 2199 (working or not, working days before
each, the index of every working day) makes every operation O(1) without a database query; a sweep
calls these millions of times. The table is rebuilt when an override or the hours setting changes
(accounts.services.config_save drops every RefCache, this one included) and at the latest after
SHIYU_WORKCAL_SECONDS (default 30) in other processes.
"""

from __future__ import annotations

import logging
import math
import operator
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shiyu.core import citysettings
from shiyu.core.refcache import RefCache

log = logging.getLogger(__name__)

FIRST_YEAR = 2000
LAST_YEAR = 2199
US_PER_HOUR = 3_600_000_000
DEFAULT_HOURS = [["09:00", "12:00"], ["13:30", "17:30"]]

HOURS = citysettings.declare(
    "workcal.hours", DEFAULT_HOURS, _("Working hours"),
    _('Working periods of every working day, e.g. [["09:00", "12:00"], ["13:30", "17:30"]].'))
CONFIRMED_YEARS = citysettings.declare(
    "workcal.confirmed_years", [], _("Years whose holidays are entered as overrides"),
    _("Years beyond the official calendar data whose holidays and make-up days the administrator "
      "has entered as calendar overrides, e.g. [2027]; silences the warning for them."))


class OutOfRange(ValueError):
    pass


@dataclass(frozen=True)
class _Calendar:
    tz: tzinfo
    first: int  # proleptic ordinal of the table's first day
    work: list[bool]  # per day
    before: list[int]  # per day: working days before it
    wdays: list[int]  # table index of every working day, in order
    periods: tuple[tuple[int, int, int], ...]  # (start µs, end µs, working µs before it) in a day
    day_us: int
    expires: float
    local_epoch: datetime  # 1970-01-01 00:00 local: results are built from it by wall-clock arithmetic
    fixed_offset_us: int | None  # the zone's UTC offset when constant over the table (no DST)


# -- the hours setting -------------------------------------------------------------------------


def _clock(text: str) -> int:
    hours, _sep, minutes = str(text).partition(":")
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 24 and 0 <= m < 60 and h * 60 + m <= 24 * 60):
        raise ValueError(text)
    return (h * 60 + m) * 60 * 1_000_000


def parse_hours(raw: object) -> tuple[tuple[int, int], ...]:
    """The working periods as (start, end) microseconds of the day; ValueError unless they are
    non-empty, ordered, non-overlapping periods within one day."""
    if not isinstance(raw, list | tuple) or not raw:
        raise ValueError("expected a list of [start, end] periods")
    periods = []
    for item in raw:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise ValueError("expected a list of [start, end] periods")
        periods.append((_clock(item[0]), _clock(item[1])))
    previous_end = 0
    for start, end in periods:
        if start >= end or start < previous_end:
            raise ValueError("periods must be ordered, non-empty and must not overlap")
        previous_end = end
    return tuple(periods)


def _hours() -> tuple[tuple[int, int], ...]:
    try:
        return parse_hours(HOURS.get())
    except (ValueError, TypeError):
        log.warning("city setting workcal.hours is not a list of periods; using the default")
        return parse_hours(DEFAULT_HOURS)


# -- the official calendar ---------------------------------------------------------------------


@cache
def covered_years() -> frozenset[int]:
    """Years the installed chinese-calendar release has official data for."""
    from chinese_calendar import constants

    return frozenset(day.year for day in constants.holidays) | frozenset(
        day.year for day in constants.workdays)


@cache
def _official() -> tuple[bool, ...]:
    """Working or not for every day of the table by the official calendar alone (the package's own
    precedence: make-up day, then holiday, then the weekday)."""
    from chinese_calendar import constants

    holidays, workdays, years = constants.holidays, constants.workdays, covered_years()
    first = date(FIRST_YEAR, 1, 1).toordinal()
    flags = []
    for ordinal in range(first, date(LAST_YEAR, 12, 31).toordinal() + 1):
        day = date.fromordinal(ordinal)
        if day.year in years and day in workdays:
            flags.append(True)
        elif day.year in years and day in holidays:
            flags.append(False)
        else:
            flags.append(day.weekday() < 5)
    return tuple(flags)


def _build() -> _Calendar:
    from shiyu.core.models import CalendarOverride

    first = date(FIRST_YEAR, 1, 1).toordinal()
    work = list(_official())
    for day, is_working in CalendarOverride.objects.values_list("date", "is_working"):
        if FIRST_YEAR <= day.year <= LAST_YEAR:
            work[day.toordinal() - first] = is_working
    before = [0, *accumulate(work)][:-1]
    periods, done = [], 0
    for start, end in _hours():
        periods.append((start, end, done))
        done += end - start
    ttl = float(getattr(settings, "SHIYU_WORKCAL_SECONDS", 30))
    tz = ZoneInfo(settings.TIME_ZONE)
    return _Calendar(tz=tz, first=first, work=work, before=before,
                     wdays=[i for i, flag in enumerate(work) if flag], periods=tuple(periods),
                     day_us=done, expires=time.monotonic() + ttl,
                     local_epoch=datetime(1970, 1, 1, tzinfo=tz),
                     fixed_offset_us=_fixed_offset(settings.TIME_ZONE))


@cache
def _fixed_offset(zone: str) -> int | None:
    """Asia/Shanghai has kept +08:00 since 1991: positions are then plain integer arithmetic."""
    tz = ZoneInfo(zone)
    offsets = {datetime(year, month, 1, tzinfo=tz).utcoffset()
               for year in range(FIRST_YEAR, LAST_YEAR + 1) for month in (1, 4, 7, 10)}
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return None if offset is None else offset // timedelta(microseconds=1)


class _CalendarCache(RefCache[_Calendar]):
    """Kept until invalidated (refcache.invalidate_all, called by config_save) or expired."""

    def __init__(self) -> None:
        super().__init__(_build)
        self._current: _Calendar | None = None
        self._build_lock = threading.Lock()

    def get(self) -> _Calendar:
        current = self._current
        if current is not None and time.monotonic() < current.expires:
            return current
        with self._build_lock:
            current = self._current
            if current is None or time.monotonic() >= current.expires:
                current = self._current = _build()
            return current

    def invalidate(self) -> None:
        self._current = None


_cache = _CalendarCache()


def invalidate() -> None:
    """Drop this process's table (after an override or the hours changed)."""
    _cache.invalidate()


# -- arithmetic --------------------------------------------------------------------------------


def _index(cal: _Calendar, ordinal: int) -> int:
    i = ordinal - cal.first
    if not 0 <= i < len(cal.work):
        raise OutOfRange(f"dates must lie between {FIRST_YEAR} and {LAST_YEAR}")
    return i


_UTC_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _position(cal: _Calendar, moment: datetime) -> int:
    """W(moment) in microseconds."""
    if moment.tzinfo is cal.tz:  # already local time (our own results): read the fields
        i = _index(cal, moment.toordinal())
        us = ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 + moment.microsecond
    elif cal.fixed_offset_us is not None:  # UTC from the database or timezone.now(): integers only
        try:
            since = moment - _UTC_EPOCH
        except TypeError:
            raise ValueError("working time needs an aware datetime") from None
        day, us = divmod((since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds
                         + cal.fixed_offset_us, 86_400_000_000)
        i = day + _EPOCH_ORDINAL - cal.first
        if not 0 <= i < len(cal.work):
            raise OutOfRange(f"dates must lie between {FIRST_YEAR} and {LAST_YEAR}")
    else:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("working time needs an aware datetime")
        local = moment.astimezone(cal.tz)
        i = _index(cal, local.toordinal())
        us = ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond
    done = cal.before[i] * cal.day_us
    if cal.work[i]:
        for start, end, _before in cal.periods:
            if us <= start:
                break
            done += (us if us < end else end) - start
    return done


def _at(cal: _Calendar, i: int, us: int) -> datetime:
    # Wall-clock arithmetic on an aware datetime keeps the zone: the result is local time.
    return cal.local_epoch + timedelta(days=cal.first + i - _EPOCH_ORDINAL, microseconds=us)


def _working_day(cal: _Calendar, k: int) -> int:
    """Table index of the k-th working day (0-based)."""
    if not 0 <= k < len(cal.wdays):
        raise OutOfRange(f"dates must lie between {FIRST_YEAR} and {LAST_YEAR}")
    return cal.wdays[k]


def _earliest(cal: _Calendar, target: int) -> datetime:
    k, offset = divmod(target, cal.day_us)
    if offset == 0:  # the end of working day k - 1 rather than the start of day k
        k, offset = k - 1, cal.day_us
    i = _working_day(cal, k)
    for start, end, before in cal.periods:
        if before + (end - start) >= offset:
            return _at(cal, i, start + offset - before)
    raise AssertionError("offset beyond the working day")  # pragma: no cover


def _latest(cal: _Calendar, target: int) -> datetime:
    k, offset = divmod(target, cal.day_us)
    i = _working_day(cal, k)
    for start, end, before in cal.periods:
        if before + (end - start) > offset:
            return _at(cal, i, start + offset - before)
    raise AssertionError("offset beyond the working day")  # pragma: no cover


def _shift(cal: _Calendar, start: datetime, delta_us: int) -> datetime:
    position = _position(cal, start)
    if delta_us == 0:
        return start.astimezone(cal.tz)
    return _earliest(cal, position + delta_us) if delta_us > 0 else _latest(cal, position + delta_us)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The instant `hours` working hours after `start` (see the module docstring)."""
    try:
        if isinstance(hours, bool | str | bytes):
            raise TypeError
        value = float(hours)  # int, float, Decimal (a model field), numpy numbers
    except (TypeError, ValueError):
        raise ValueError("hours must be a finite number") from None
    if not math.isfinite(value):
        raise ValueError("hours must be a finite number")
    return _shift(_cache.get(), start, round(value * US_PER_HOUR))


def add_working_days(start: datetime, days: int) -> datetime:
    """The same working-time offset `days` working days later (see the module docstring)."""
    try:
        if isinstance(days, bool):
            raise TypeError
        whole = operator.index(days)  # int and integer types, never a float
    except TypeError:
        raise ValueError("days must be a whole number") from None
    cal = _cache.get()
    return _shift(cal, start, whole * cal.day_us)


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours from start to end; negative when end is before start."""
    cal = _cache.get()
    return (_position(cal, end) - _position(cal, start)) / US_PER_HOUR


def is_working_day(day: date) -> bool:
    cal = _cache.get()
    return cal.work[_index(cal, day.toordinal())]


def is_working_time(moment: datetime) -> bool:
    """Whether `moment` lies inside a working period of a working day."""
    cal = _cache.get()
    position = _position(cal, moment)
    return _latest(cal, position) == moment


def next_working_instant(moment: datetime) -> datetime:
    """`moment` itself when it is working time, else the start of the next working period."""
    cal = _cache.get()
    return _latest(cal, _position(cal, moment))


def position(moment: datetime) -> int:
    """Working time from the calendar's first day to `moment`, in microseconds: monotone in the
    moment, so comparing positions compares instants up to the non-working time between them
    (a sweep compares a million deadlines' steps with the present this way, and turns only the
    next one into an instant)."""
    return _position(_cache.get(), moment)


def day_end(day: date) -> datetime:
    """The end of the working hours of `day`, or of the last working day before it (a deadline
    given as a date alone)."""
    cal = _cache.get()
    next_midnight = cal.local_epoch + timedelta(days=day.toordinal() + 1 - _EPOCH_ORDINAL)
    return _earliest(cal, _position(cal, next_midnight))


def hours_per_day() -> float:
    return _cache.get().day_us / US_PER_HOUR


# -- coverage ----------------------------------------------------------------------------------


def this_and_next_year(today: date | None = None) -> tuple[int, int]:
    if today is None:
        from shiyu.core.clock import now

        today = now().astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return today.year, today.year + 1


def uncovered_years(today: date | None = None) -> list[int]:
    """This year and next, where neither the package nor the administrator supplied holidays."""
    confirmed = CONFIRMED_YEARS.get()
    confirmed = set(confirmed) if isinstance(confirmed, list) else set()
    return [year for year in this_and_next_year(today)
            if year not in covered_years() and year not in confirmed]


def coverage_warning(today: date | None = None) -> str | None:
    """Localised text when the official calendar of this year or next is unknown; else None."""
    return warning_text(uncovered_years(today))


def warning_text(years: list[int]) -> str | None:
    if not years:
        return None
    return gettext(
        "The official holiday calendar for %(years)s is not known to this installation: deadlines in "
        "those years count Monday to Friday plus the calendar overrides. Upgrade the chinese-calendar "
        "package, or enter the public holidays and make-up working days as calendar overrides and "
        "list the year in the city setting workcal.confirmed_years."
    ) % {"years": ", ".join(str(year) for year in years)}
