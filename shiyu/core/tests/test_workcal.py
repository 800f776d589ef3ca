"""The working-time calendar against a brute-force oracle that walks minute by minute.

The oracle knows nothing of the implementation's tables: it asks chinese-calendar (or the weekday,
for a year beyond its data) and the overrides about each date, and the fixed working periods about
each minute.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shiyu.core import citysettings, workcal
from shiyu.core.models import CalendarOverride, CitySetting

TZ = ZoneInfo("Asia/Shanghai")
PERIODS = ((9 * 60, 12 * 60), (13 * 60 + 30, 17 * 60 + 30))
DAY_MINUTES = sum(end - start for start, end in PERIODS)
# A typhoon day off (Tue 2026-09-15), a local holiday in 2027, an extra working Sunday in 2027.
OVERRIDES = {date(2026, 9, 15): False, date(2027, 10, 4): False, date(2027, 10, 10): True}
# Windows: the 2026 National Day and Mid-Autumn holiday with its make-up Sunday (09-20) and
# Saturday (10-10); the turn of 2026/2027; October 2027, beyond the package's data.
WINDOWS = [datetime(2026, 9, 10, tzinfo=TZ), datetime(2026, 12, 22, tzinfo=TZ),
           datetime(2027, 9, 25, tzinfo=TZ)]
WINDOW_MINUTES = 24 * 60 * 25

pytestmark = pytest.mark.django_db
HYPOTHESIS = settings(max_examples=120, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@cache
def oracle_working_day(day: date) -> bool:
    if day in OVERRIDES:
        return OVERRIDES[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package has no data for
        return day.weekday() < 5


def oracle_working_minute(moment: datetime) -> bool:
    local = moment.astimezone(TZ)
    minute = local.hour * 60 + local.minute
    return oracle_working_day(local.date()) and any(a <= minute < b for a, b in PERIODS)


def oracle_add(start: datetime, minutes: int) -> datetime:
    """Walk one minute at a time, counting working minutes, until `minutes` are counted."""
    step = timedelta(minutes=1 if minutes > 0 else -1)
    moment, counted = start, 0
    while counted < abs(minutes):
        probe = moment if minutes > 0 else moment + step
        counted += oracle_working_minute(probe)
        moment += step
    return moment


def oracle_between(start: datetime, end: datetime) -> int:
    if end < start:
        return -oracle_between(end, start)
    minutes = int((end - start).total_seconds() // 60)
    return sum(oracle_working_minute(start + timedelta(minutes=i)) for i in range(minutes))


@pytest.fixture
def overrides(migration_data):
    for day, working in OVERRIDES.items():
        CalendarOverride.objects.create(date=day, is_working=working, reason="test")
    workcal.invalidate()  # what config_save does (tests/test_workcal_admin.py)


instants = st.builds(lambda w, m: WINDOWS[w] + timedelta(minutes=m),
                     st.integers(0, len(WINDOWS) - 1), st.integers(0, WINDOW_MINUTES))


@HYPOTHESIS
@given(start=instants, minutes=st.integers(-DAY_MINUTES * 8, DAY_MINUTES * 8), in_utc=st.booleans())
def test_add_working_hours_matches_the_oracle(overrides, start, minutes, in_utc):
    # Instants read from the database are in UTC; the calendar's own results are local.
    got = workcal.add_working_hours(start.astimezone(UTC) if in_utc else start, minutes / 60)
    assert got == oracle_add(start, minutes)
    assert got.utcoffset() == timedelta(hours=8)


@HYPOTHESIS
@given(start=instants, days=st.integers(-8, 8))
def test_add_working_days_matches_the_oracle(overrides, start, days):
    assert workcal.add_working_days(start, days) == oracle_add(start, days * DAY_MINUTES)


@HYPOTHESIS
@given(start=instants, span=st.integers(-60 * 24 * 12, 60 * 24 * 12), in_utc=st.booleans())
def test_working_hours_between_matches_the_oracle(overrides, start, span, in_utc):
    end = start + timedelta(minutes=span)
    expected = oracle_between(start, end)
    if in_utc:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    assert workcal.working_hours_between(start, end) * 60 == pytest.approx(expected, abs=1e-9)


@HYPOTHESIS
@given(start=instants, micro=st.integers(0, 59_999_999), hours=st.floats(0.0001, 60))
def test_adding_then_measuring_gives_back_the_hours_to_the_microsecond(overrides, start, micro, hours):
    start += timedelta(microseconds=micro)
    end = workcal.add_working_hours(start, hours)
    assert end > start
    assert workcal.working_hours_between(start, end) == pytest.approx(hours, abs=1e-9)
    # The earliest such instant: one microsecond less is not enough.
    assert workcal.working_hours_between(start, end - timedelta(microseconds=1)) < hours


def test_national_day_2026_and_its_make_up_days():
    assert not workcal.is_working_day(date(2026, 9, 25))  # Mid-Autumn Festival, a Friday
    assert workcal.is_working_day(date(2026, 9, 20))  # make-up Sunday
    assert all(not workcal.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert workcal.is_working_day(date(2026, 10, 10))  # make-up Saturday
    start = datetime(2026, 9, 30, 16, 0, tzinfo=TZ)
    assert workcal.add_working_hours(start, 8).isoformat() == "2026-10-08T17:00:00+08:00"
    assert workcal.add_working_days(start, 3).isoformat() == "2026-10-10T16:00:00+08:00"
    assert workcal.working_hours_between(start, datetime(2026, 10, 8, 9, tzinfo=TZ)) == 1.5


def test_starts_outside_working_hours_count_from_the_next_period():
    saturday = datetime(2026, 11, 28, 10, tzinfo=TZ)
    assert workcal.add_working_days(saturday, 3) == datetime(2026, 12, 2, 17, 30, tzinfo=TZ)
    assert workcal.add_working_hours(datetime(2026, 11, 23, 18, tzinfo=TZ), 1) == datetime(
        2026, 11, 24, 10, tzinfo=TZ)
    lunch = datetime(2026, 11, 24, 12, 15, tzinfo=TZ)
    assert workcal.add_working_hours(lunch, 0.5) == datetime(2026, 11, 24, 14, 0, tzinfo=TZ)
    # Ending exactly at a period's end gives that end, not the next period's start.
    assert workcal.add_working_hours(datetime(2026, 11, 24, 9, tzinfo=TZ), 3) == datetime(
        2026, 11, 24, 12, tzinfo=TZ)
    assert workcal.add_working_hours(lunch, 0) == lunch
    assert workcal.next_working_instant(lunch) == datetime(2026, 11, 24, 13, 30, tzinfo=TZ)
    assert not workcal.is_working_time(lunch)
    assert workcal.is_working_time(datetime(2026, 11, 24, 13, 30, tzinfo=TZ))
    assert not workcal.is_working_time(datetime(2026, 11, 24, 17, 30, tzinfo=TZ))


def test_other_time_zones_are_converted_and_results_are_local():
    utc = datetime(2026, 11, 24, 1, 0, tzinfo=ZoneInfo("UTC"))  # 09:00 in Shanghai
    result = workcal.add_working_hours(utc, 1)
    assert result.isoformat() == "2026-11-24T10:00:00+08:00"


def test_a_zone_with_daylight_saving_time_takes_the_general_path(settings):
    settings.TIME_ZONE = "America/New_York"  # the city's own zone, were Shiyu used there
    workcal.invalidate()
    try:
        ny = ZoneInfo("America/New_York")
        friday, monday = datetime(2027, 3, 12, 16, tzinfo=ny), datetime(2027, 3, 15, 10, tzinfo=ny)
        assert workcal.working_hours_between(friday, monday) == 2.5  # DST began on Sunday 03-14
        assert workcal.working_hours_between(friday.astimezone(UTC), monday.astimezone(UTC)) == 2.5
        assert workcal.add_working_hours(friday, 2.5) == monday
    finally:
        settings.TIME_ZONE = "Asia/Shanghai"
        workcal.invalidate()


def test_a_year_beyond_the_package_counts_weekdays_and_never_crashes():
    assert 2027 not in workcal.covered_years()
    assert workcal.is_working_day(date(2027, 10, 1))  # a Friday: no official data for 2027
    assert not workcal.is_working_day(date(2027, 10, 2))
    end = workcal.add_working_days(datetime(2027, 12, 30, 10, tzinfo=TZ), 2)
    assert end == datetime(2028, 1, 3, 10, tzinfo=TZ)


def test_decimal_hours_from_a_model_field_are_accepted():
    start = datetime(2026, 11, 24, 10, tzinfo=TZ)
    assert workcal.add_working_hours(start, Decimal("1.5")) == datetime(2026, 11, 24, 11, 30, tzinfo=TZ)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        workcal.add_working_hours(datetime(2026, 11, 24, 10), 1)  # naive
    with pytest.raises(ValueError):
        workcal.add_working_hours(datetime(2026, 11, 24, 10, tzinfo=TZ), float("nan"))
    with pytest.raises(ValueError):
        workcal.add_working_hours(datetime(2026, 11, 24, 10, tzinfo=TZ), "8")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        workcal.add_working_days(datetime(2026, 11, 24, 10, tzinfo=TZ), True)
    with pytest.raises(ValueError):
        workcal.add_working_days(datetime(2026, 11, 24, 10, tzinfo=TZ), 1.5)  # type: ignore[arg-type]
    with pytest.raises(workcal.OutOfRange):
        workcal.is_working_day(date(1800, 1, 1))
    with pytest.raises(workcal.OutOfRange):
        workcal.add_working_days(datetime(2199, 12, 30, 10, tzinfo=TZ), 10)


def store(key: str, value) -> None:
    """A city setting as the admin stores it; config_save then drops the caches (done here by hand:
    the admin path is tested in tests/test_workcal_admin.py)."""
    CitySetting.objects.update_or_create(key=key, defaults={"value": value})
    citysettings.invalidate()
    workcal.invalidate()


def test_the_hours_setting_applies_and_a_broken_one_falls_back(migration_data, caplog):
    store("workcal.hours", [["08:30", "12:00"], ["14:00", "18:00"]])
    assert workcal.hours_per_day() == 7.5
    assert workcal.add_working_hours(datetime(2026, 11, 24, 8, tzinfo=TZ), 4) == datetime(
        2026, 11, 24, 14, 30, tzinfo=TZ)
    store("workcal.hours", [["12:00", "09:00"]])
    assert workcal.hours_per_day() == 7.0
    assert "workcal.hours" in caplog.text


@pytest.mark.parametrize("raw", [[], [["9:00"]], [["09:00", "08:00"]],
                                 [["09:00", "12:00"], ["11:00", "13:00"]],
                                 [["25:00", "26:00"]], "09:00-17:00", [["09:xx", "10:00"]]])
def test_parse_hours_refuses_what_is_not_a_day_of_periods(raw):
    with pytest.raises(ValueError):
        workcal.parse_hours(raw)


def test_coverage_warning_names_the_missing_year_until_confirmed(migration_data):
    assert workcal.coverage_warning(date(2025, 6, 1)) is None
    warning = workcal.coverage_warning(date(2026, 11, 26))
    assert warning is not None and "2027" in warning and "2026" not in warning
    store("workcal.confirmed_years", [2027])
    assert workcal.coverage_warning(date(2026, 11, 26)) is None
    assert "2028" in workcal.coverage_warning(date(2027, 3, 1))
