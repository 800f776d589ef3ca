"""The city's public figures (transparency page), from the insights metrics (contract C1).

System scope: the public sees the whole city's aggregates. Nothing here is per person; a
department's row is a unit's performance, which is what the public is owed.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from shiyu.insights.selectors import MetricFilter, metrics_by, metrics_compute

PERIODS = (30, 90, 365)
# metrics_by scopes by its actor; the transparency pages read at system scope (city-wide
# aggregates only), without creating or loading a user on a public request.
PUBLIC_SCOPE = SimpleNamespace(is_system=True, is_authenticated=False, pk=None)
HEADLINE = ("intake", "completed", "on_time_completion_rate", "satisfaction_rate", "first_contact_rate",
            "mean_close_hours")


def period(days: int) -> MetricFilter:
    end = timezone.localdate()
    return MetricFilter(start=end - timedelta(days=days - 1), end=end)


def headline(f: MetricFilter) -> dict[str, Any]:
    return metrics_compute(f=f)


def by_department(f: MetricFilter) -> list[dict[str, Any]]:
    rows = [r for r in metrics_by(actor=PUBLIC_SCOPE, f=f, dimension="department") if r.get("intake")]
    return sorted(rows, key=lambda r: -(r.get("intake") or 0))


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def trend(f: MetricFilter) -> list[dict[str, Any]]:
    """Per month (per day for a period under ~2 months): volumes and the satisfaction rate,
    re-weighted from the daily rates by their denominators."""
    daily = metrics_by(actor=PUBLIC_SCOPE, f=f, dimension="day")
    by_month = (f.end - f.start).days > 62
    buckets: dict[str, dict[str, float]] = {}
    for row in daily:
        key = _month(row["key"]) if by_month else row["key"].isoformat()
        acc = buckets.setdefault(key, {"intake": 0, "completed": 0, "rated": 0, "satisfied": 0.0})
        acc["intake"] += row.get("intake") or 0
        acc["completed"] += row.get("completed") or 0
        rated = row.get("rated") or 0
        acc["rated"] += rated
        acc["satisfied"] += (row.get("satisfaction_rate") or 0) * rated
    return [{"label": key, "intake": int(v["intake"]), "completed": int(v["completed"]),
             "satisfaction_rate": (v["satisfied"] / v["rated"]) if v["rated"] else None}
            for key, v in buckets.items()]


def chart_config(departments: list[dict[str, Any]], months: list[dict[str, Any]], strings: dict) -> dict:
    """What portal/transparency.js draws (read from a data attribute: the CSP allows no inline
    script)."""
    def pct(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 1)

    top = departments[:12]
    return {
        "trend": {"labels": [m["label"] for m in months], "intake": [m["intake"] for m in months],
                  "completed": [m["completed"] for m in months],
                  "satisfaction": [pct(m["satisfaction_rate"]) for m in months]},
        "departments": {"labels": [d["label"] for d in top],
                        "on_time": [pct(d.get("on_time_completion_rate")) for d in top],
                        "satisfaction": [pct(d.get("satisfaction_rate")) for d in top]},
        "strings": strings,
    }
