"""A MetricFilter from request parameters (API and pages), with localised errors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from shiyu.cases.models import Case
from shiyu.core import clock, errors
from shiyu.core.ids import is_valid_id
from shiyu.insights.metrics import local_day
from shiyu.insights.selectors import MAX_DAYS, MetricFilter

DEFAULT_DAYS = 30


def _date(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise errors.InvalidInput(_("Give the date as YYYY-MM-DD."), field=name) from None


def _id(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise errors.InvalidInput(_("The input is not valid."), field=name) from None
    if not is_valid_id(number):
        raise errors.NotFound()
    return number


def metric_filter(params: Mapping[str, Any]) -> MetricFilter:
    """start/end (YYYY-MM-DD, both included; default the last 30 days), area, category,
    department (ids), kind, channel."""
    end = _date(params.get("end"), "end") or local_day(clock.now())
    start = _date(params.get("start"), "start") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise errors.InvalidInput(_("The start is after the end."), field="start")
    if (end - start).days > MAX_DAYS:
        raise errors.InvalidInput(_("The period is longer than ten years."), field="start")
    kind = str(params.get("kind") or "") or None
    if kind is not None and kind not in Case.Kind.values:
        raise errors.InvalidInput(_("Unknown kind of request."), field="kind")
    channel = str(params.get("channel") or "") or None
    if channel is not None and channel not in Case.Channel.values:
        raise errors.InvalidInput(_("Unknown channel."), field="channel")
    return MetricFilter(start=start, end=end, area_id=_id(params.get("area"), "area"),
                        category_id=_id(params.get("category"), "category"),
                        department_id=_id(params.get("department"), "department"),
                        kind=kind, channel=channel)
