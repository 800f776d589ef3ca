"""What a report says: the figures of its period, read from insights (C1), hot issues (C4),
alerts and disputes (C2). Aggregates only: no names, contacts, addresses or case texts — hot
issues are shown by place and keywords, alerts by their (area · category) titles."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from shiyu.insights.selectors import MetricFilter, metrics_by, metrics_compute

# The reports are city-wide: they read with the system's scope.
SYSTEM = SimpleNamespace(is_system=True, is_authenticated=False, pk=None)
RANK_BY = "on_time_completion_rate"
TOP = 10


def period_of(kind: str, day: date) -> tuple[date, date]:
    """The week (Monday–Sunday) or calendar month holding `day`."""
    if kind == "weekly":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def previous_period(kind: str, start: date) -> tuple[date, date]:
    return period_of(kind, start - timedelta(days=1))


def _clean(value: Any) -> Any:
    """JSON-safe: dates as ISO strings, floats rounded."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def _alerts(start: date, end: date) -> dict:
    from shiyu.alerts.models import Alert

    qs = Alert.objects.filter(day__gte=start, day__lte=end)
    by_kind = {k: qs.filter(kind=k).count() for k in Alert.Kind.values}
    by_status = {s: qs.filter(status=s).count() for s in Alert.Status.values}
    rows = [{"id": a.pk, "kind": a.kind, "status": a.status, "title": a.title, "day": a.day,
             "observed": a.observed, "expected": a.expected} for a in qs.order_by("day", "pk")[:50]]
    return {"total": qs.count(), "by_kind": by_kind, "by_status": by_status, "items": rows}


def _disputes(start: date, end: date) -> dict | None:
    try:
        from shiyu.disputes.selectors import dispute_figures
    except ImportError:
        return None
    return dispute_figures(start=start, end=end)


def _hot_issues(start: date, end: date) -> list[dict]:
    from shiyu.insights.hotissues.recent import hot_issues_between

    return [{"rank": i.rank, "heat": round(i.heat, 1), "cases": len(i.ids), "period": i.period,
             "place": i.place, "keywords": i.keywords[:5]} for i in hot_issues_between(start=start, end=end)]


def build(kind: str, start: date, end: date) -> dict:
    f = MetricFilter(start=start, end=end)
    prev_start, prev_end = previous_period(kind, start)
    days = metrics_by(actor=SYSTEM, f=f, dimension="day")
    departments = [r for r in metrics_by(actor=SYSTEM, f=f, dimension="department") if r["intake"]
                   or r.get("completed")]
    ranked = sorted(departments, key=lambda r: (-(r[RANK_BY] if r[RANK_BY] is not None else -1),
                                                -(r["completed"] or 0), r["label"]))
    categories = sorted(metrics_by(actor=SYSTEM, f=f, dimension="category"), key=lambda r: -r["intake"])
    areas = sorted(metrics_by(actor=SYSTEM, f=f, dimension="area"), key=lambda r: -r["intake"])
    keep = ("key", "label", "intake", "completed", "on_time_ack_rate", "on_time_completion_rate",
            "satisfaction_rate", "redo_rate", "mean_close_hours", "backlog", "overdue")
    return _clean({
        "kind": kind, "start": start, "end": end, "previous": {"start": prev_start, "end": prev_end},
        "metrics": metrics_compute(f=f),
        "previous_metrics": metrics_compute(f=MetricFilter(start=prev_start, end=prev_end)),
        "days": [{"day": r["key"], "intake": r["intake"], "completed": r["completed"]} for r in days],
        "departments": [{k: r.get(k) for k in keep} | {"rank": i} for i, r in enumerate(ranked, start=1)],
        "categories": [{k: r.get(k) for k in keep} for r in categories[:TOP] if r["intake"]],
        "areas": [{k: r.get(k) for k in keep} for r in areas[:TOP] if r["intake"]],
        "hot_issues": _hot_issues(start, end),
        "alerts": _alerts(start, end),
        "disputes": _disputes(start, end),
    })
