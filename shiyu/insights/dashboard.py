"""The leaders' dashboard's figures, all from the rollups (selectors), scoped by the viewer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from shiyu.accounts import policies
from shiyu.accounts.models import Department
from shiyu.core.i18n import localized_name
from shiyu.insights import metrics
from shiyu.insights.selectors import (
    SUM_EXPR,
    MetricFilter,
    cases_url,
    metrics_by,
    point_figures,
    rollup_rows,
    scoped_filter,
    unit_grant_paths,
    with_node,
)

RANK_KEYS = ("on_time_completion_rate", "satisfaction_rate", "on_time_ack_rate", "first_contact_rate",
             "redo_rate", "intake", "completed", "mean_close_hours")
# Lower is better for these: the ranking turns round.
LOWER_IS_BETTER = {"redo_rate", "mean_close_hours", "p90_close_hours", "backlog", "overdue"}
TOP_RISING = 5
# Backlog and overdue are counted over the open cases (see metrics.py); a dashboard view reuses
# them for this long (they are the same for every period: they are "now").
POINT_CACHE_SECONDS = 10
CARD_KEYS = ("intake", "completed", "on_time_ack_rate", "on_time_completion_rate", "satisfaction_rate",
             "redo_rate", "first_contact_rate", "mean_close_hours", "p90_close_hours", "backlog",
             "overdue")


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def previous_period(f: MetricFilter) -> MetricFilter:
    length = (f.end - f.start).days + 1
    return replace(f, start=f.start - timedelta(days=length), end=f.start - timedelta(days=1))


def _rank(rows: list[dict], key: str) -> list[dict]:
    reverse = key not in LOWER_IS_BETTER
    known = [r for r in rows if r.get(key) is not None]
    unknown = [r for r in rows if r.get(key) is None]
    known.sort(key=lambda r: r[key], reverse=reverse)
    for i, row in enumerate(known, 1):
        row["rank"] = i
    for row in unknown:
        row["rank"] = None
    return known + unknown


def _rising(f: MetricFilter, actor: Any, dimension: str) -> list[dict]:
    now = {r["key"]: r for r in metrics_by(actor=actor, f=f, dimension=dimension, points=False)}
    before = {r["key"]: r for r in metrics_by(actor=actor, f=previous_period(f), dimension=dimension,
                                              points=False)}
    out = []
    for key, row in now.items():
        was = before.get(key, {}).get("intake", 0) or 0
        delta = row["intake"] - was
        if delta <= 0:
            continue
        out.append({"key": key, "label": row["label"], "intake": row["intake"], "previous": was,
                    "delta": delta, "growth": (delta / was) if was else None,
                    "url": cases_url(f=with_node(f, dimension, key), metric="intake")})
    out.sort(key=lambda r: (r["delta"], r["intake"]), reverse=True)
    return out[:TOP_RISING]


def _figures(f: MetricFilter) -> dict:
    """metrics_compute, with the point-in-time counts reused for POINT_CACHE_SECONDS."""
    return {**metrics.finish(rollup_rows(f).aggregate(**SUM_EXPR)),
            **point_figures(f, cache_seconds=POINT_CACHE_SECONDS)}


def _unit_scoped(actor: Any) -> bool:
    grants = policies.grants(actor)
    return bool(grants) and not any(g.scope == "area" for g in grants) and any(
        g.scope == "department" for g in grants)


def dashboard_data(*, actor: Any, f: MetricFilter, rank_by: str = "on_time_completion_rate") -> dict:
    """Everything the page shows; every figure carries the URL of the cases behind it."""
    f = scoped_filter(actor=actor, f=f)
    rank_by = rank_by if rank_by in RANK_KEYS else "on_time_completion_rate"
    figures = _figures(f)
    last_year = replace(f, start=year_before(f.start), end=year_before(f.end))
    days = metrics_by(actor=actor, f=f, dimension="day")
    days_ly = metrics_by(actor=actor, f=last_year, dimension="day")
    departments = metrics_by(actor=actor, f=f, dimension="department", cache_seconds=POINT_CACHE_SECONDS)
    for row in departments:
        row["url"] = cases_url(f=replace(f, department_id=row["key"]), metric="intake")
    data: dict[str, Any] = {
        "start": f.start.isoformat(), "end": f.end.isoformat(),
        "cards": [{"key": k, "label": str(metrics.LABELS[k]), "value": figures[k],
                   "rate": k in metrics.RATE_KEYS, "url": cases_url(f=f, metric=k)} for k in CARD_KEYS],
        "metrics": figures,
        "trend": {
            "days": [r["key"].isoformat() for r in days],
            "intake": [r["intake"] for r in days],
            "completed": [r["completed"] for r in days],
            "last_year": [r["intake"] for r in days_ly][:len(days)],
            "urls": [cases_url(f=replace(f, start=r["key"], end=r["key"]), metric="intake") for r in days],
            "total": figures["intake"], "total_last_year": sum(r["intake"] for r in days_ly),
        },
        "rank_by": rank_by,
        "departments": _rank(departments, rank_by),
        "rising_categories": _rising(f, actor, "category"),
        "rising_areas": _rising(f, actor, "area"),
        "comparison": None,
    }
    if _unit_scoped(actor) and f.department_id is not None:
        city = _figures(replace(f, department_id=None, area_id=None))
        data["comparison"] = _comparison(figures, city, f)
        data["my_units"] = _my_units(actor, f)
    return data


def _my_units(actor: Any, f: MetricFilter) -> list[dict]:
    """A member of several units sees one at a time (scoped_filter opens on the first): these are
    the links to the others, with the same period."""
    paths = sorted(set(unit_grant_paths(actor)))
    if len(paths) < 2:
        return []
    units = Department.objects.filter(path__in=paths).order_by("path")
    return [{"id": unit.pk, "name": localized_name(unit), "current": unit.pk == f.department_id,
             "url": "?" + urlencode({"start": f.start.isoformat(), "end": f.end.isoformat(),
                                     "department": unit.pk})} for unit in units]


def _comparison(unit: dict, city: dict, f: MetricFilter) -> list[dict]:
    """The unit against the city: rates against the city's rate; counts against the average unit
    (the city's total over the units that led any case in the period)."""
    active_units = rollup_rows(replace(f, department_id=None, area_id=None), group=("department",)).exclude(
        department_id=0).values("department_id").distinct().count() or 1
    out = []
    for key in CARD_KEYS:
        mine, whole = unit.get(key), city.get(key)
        if key in metrics.RATE_KEYS or key in ("mean_close_hours", "p90_close_hours"):
            avg = whole
        else:
            avg = (whole / active_units) if whole is not None else None
        out.append({"key": key, "label": str(metrics.LABELS[key]), "unit": mine, "city": avg,
                    "rate": key in metrics.RATE_KEYS, "better": _better(key, mine, avg)})
    return out


def _better(key: str, mine: Any, avg: Any) -> bool | None:
    if mine is None or avg is None or mine == avg:
        return None
    return (mine < avg) if key in LOWER_IS_BETTER else (mine > avg)
