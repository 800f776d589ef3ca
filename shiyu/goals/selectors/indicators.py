"""Values of indicators, from the insights metrics (contract C1) or from hand-entered values.

A computed indicator is the insights metric over its filters (area, category, lead unit, kind)
and its period, cut into steps (calendar months, or weeks from the start day) for the chart.
Its CURRENT value, the one compared with baseline and target:
- for a count (intake, accepted, acknowledged, completed, rated), the mean count per step over the
  steps that have ended (the running step when none has), so that a monthly baseline and target
  compare like with like;
- for a rate or a duration, the metric over the whole period up to today.
A manual indicator's current value is its latest entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from shiyu.core import clock
from shiyu.goals import scoring
from shiyu.goals.models import Goal, Indicator
from shiyu.insights.selectors import MetricFilter, cases_url, metrics_compute

COUNTS = ("intake", "accepted", "acknowledged", "completed", "rated")


@dataclass(frozen=True)
class Point:
    start: date
    end: date
    value: float | None
    cases_url: str = ""


def today() -> date:
    return timezone.localdate(clock.now())


def steps(*, start: date, end: date, step: str) -> list[tuple[date, date]]:
    """[start, end] cut into calendar months (or 7-day weeks from `start`), both ends inclusive."""
    out = []
    cursor = start
    while cursor <= end:
        if step == Indicator.Step.WEEK:
            stop = cursor + timedelta(days=6)
        else:
            nxt = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
            stop = nxt - timedelta(days=1)
        stop = min(stop, end)
        out.append((cursor, stop))
        cursor = stop + timedelta(days=1)
    return out


def metric_filter(indicator: Indicator, start: date, end: date) -> MetricFilter:
    return MetricFilter(
        start=start,
        end=end,
        area_id=indicator.area_id,
        category_id=indicator.category_id,
        department_id=indicator.department_id,
        kind=indicator.kind or None,
    )


def series(indicator: Indicator, *, as_of: date | None = None) -> list[Point]:
    """One point per step up to `as_of` (today): the chart of progress over time."""
    as_of = as_of or today()
    if indicator.source == Indicator.Source.MANUAL:
        return [Point(start=e.on, end=e.on, value=e.value) for e in indicator.entries.all() if e.on <= as_of]
    last = min(indicator.end, as_of)
    out = []
    for start, end in steps(start=indicator.start, end=last, step=indicator.step):
        f = metric_filter(indicator, start, end)
        value = metrics_compute(f=f).get(indicator.metric)
        out.append(
            Point(
                start=start,
                end=end,
                value=None if value is None else float(value),
                cases_url=cases_url(f=f, metric=indicator.metric),
            )
        )
    return out


def current(
    indicator: Indicator, *, as_of: date | None = None, points: list[Point] | None = None
) -> tuple[float | None, str]:
    """The current value and the link to the cases behind it ("" for a manual indicator)."""
    as_of = as_of or today()
    if indicator.source == Indicator.Source.MANUAL:
        entries = [e for e in indicator.entries.all() if e.on <= as_of]
        return (entries[-1].value if entries else None), ""
    if indicator.start > as_of:
        return None, ""
    last = min(indicator.end, as_of)
    f = metric_filter(indicator, indicator.start, last)
    url = cases_url(f=f, metric=indicator.metric)
    if indicator.metric in COUNTS:
        points = points if points is not None else series(indicator, as_of=as_of)
        ended = [p for p in points if p.end < as_of or p.end == indicator.end] or points[-1:]
        return scoring.mean(p.value if p.value is not None else 0.0 for p in ended), url
    value = metrics_compute(f=f).get(indicator.metric)
    return (None if value is None else float(value)), url


def indicator_view(indicator: Indicator, *, as_of: date | None = None) -> dict[str, Any]:
    points = series(indicator, as_of=as_of)
    value, url = current(indicator, as_of=as_of, points=points)
    return {
        "indicator": indicator,
        "id": indicator.pk,
        "name": indicator.name,
        "source": indicator.source,
        "metric": indicator.metric,
        "baseline": indicator.baseline,
        "target": indicator.target,
        "direction": indicator.direction,
        "unit": indicator.unit,
        "step": indicator.step,
        "start": indicator.start,
        "end": indicator.end,
        "current": value,
        "cases_url": url,
        "attainment": scoring.attainment(
            baseline=indicator.baseline, target=indicator.target, current=value, direction=indicator.direction
        ),
        "series": points,
    }


def goal_attainment(goal: Goal, *, as_of: date | None = None) -> float | None:
    return scoring.mean(
        indicator_view(i, as_of=as_of)["attainment"] for i in goal.indicators.prefetch_related("entries")
    )


def department_goal_attainment(*, department_id: int, start: date, end: date) -> float | None:
    goals = Goal.objects.filter(owner_department_id=department_id, year__gte=start.year, year__lte=end.year)
    return scoring.mean(goal_attainment(g, as_of=min(end, today())) for g in goals)
