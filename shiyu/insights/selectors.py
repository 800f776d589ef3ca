"""Reads of the insights: metrics from the rollups, cut by period, area, category and unit.

Contract C1 (other apps code against these signatures). Every flow figure is a SUM over
`DailyRollup` rows; subtrees are resolved through the materialised paths of areas, categories
and departments into leaf ids (an indexed prefix range); the point-in-time backlog and overdue
counts come from the open cases kept with the rollups (OpenCase, see metrics.py). No figure reads
the case table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, QuerySet, Sum
from django.urls import reverse

from shiyu.accounts import policies
from shiyu.accounts.models import Department
from shiyu.cases.models import Category
from shiyu.core import clock, errors
from shiyu.core.ids import is_valid_id
from shiyu.geo.models import Area
from shiyu.insights import metrics
from shiyu.insights.models import DailyRollup, OpenCase

DIMENSIONS = ("department", "area", "category", "day")
MAX_DAYS = 3660  # ten years: a bound on the day breakdown and on bad input


@dataclass(frozen=True)
class MetricFilter:
    start: date            # inclusive, local (Asia/Shanghai) calendar days
    end: date              # inclusive
    area_id: int | None = None        # any level: includes descendants
    category_id: int | None = None    # any level: includes descendants
    department_id: int | None = None  # lead department (its sub-units included)
    kind: str | None = None
    channel: str | None = None


# --- trees ---------------------------------------------------------------------------------

def _path(model: Any, pk: int) -> str:
    """The node's materialised path; NotFound for an id that is not one."""
    if not is_valid_id(pk):
        raise errors.NotFound()
    found = model.objects.filter(pk=pk).values_list("path", flat=True).first()
    if not found:
        raise errors.NotFound()
    return found


def _subtree_ids(model: Any, path: str) -> QuerySet:
    return model.objects.filter(path__startswith=path).values("id")


def _depth(path: str) -> int:
    return path.strip("/").count("/") + 1 if path.strip("/") else 0


def _ancestor_at(path: str, depth: int) -> int | None:
    ids = [int(p) for p in path.strip("/").split("/") if p]
    return ids[depth - 1] if len(ids) >= depth else None


# --- the rollup query ----------------------------------------------------------------------

def rollup_rows(f: MetricFilter, *, group: tuple[str, ...] = ()) -> QuerySet[DailyRollup]:
    """The rollup rows under a filter (unscoped), from the smallest grain that keeps the
    filtered dimensions and those in `group` (area, category, department, kind, channel)."""
    wanted = {name for name, value in (("area", f.area_id), ("category", f.category_id),
                                       ("department", f.department_id), ("kind", f.kind),
                                       ("channel", f.channel)) if value}
    grain = metrics.grain_for(wanted | set(group))
    return _narrow(DailyRollup.objects.filter(grain=grain, day__gte=f.start, day__lte=f.end), f)


def _narrow(qs: QuerySet, f: MetricFilter, *, id_lists: bool = False) -> QuerySet:
    """Rows under the filter's area, category and unit subtrees, kind and channel. The subtrees
    are subqueries, or with id_lists lists of ids read first (see open_rows for why)."""
    for field, model, pk in (("area_id", Area, f.area_id), ("category_id", Category, f.category_id),
                             ("department_id", Department, f.department_id)):
        if pk is not None:
            ids = _subtree_ids(model, _path(model, pk))
            qs = qs.filter(**{f"{field}__in": list(ids.values_list("id", flat=True)) if id_lists else ids})
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    return qs


SUM_EXPR = {name: Sum(name) for name in metrics.SUMS}


POINT_CACHE_PREFIX = "insights:points:"


def _cached(key: str, seconds: int, compute: Any) -> Any:
    if not seconds:
        return compute()
    found = cache.get(POINT_CACHE_PREFIX + key)
    if found is None:
        found = compute()
        cache.set(POINT_CACHE_PREFIX + key, found, seconds)
    return found


def _point_key(f: MetricFilter, dimension: str = "") -> str:
    parts = (f.area_id, f.category_id, f.department_id, f.kind, f.channel, dimension)
    return "-".join("" if p is None else str(p) for p in parts)


def open_rows(f: MetricFilter) -> QuerySet[OpenCase]:
    """The open cases (insights.OpenCase) under the filter's area, category, unit, kind and
    channel (not its dates). Subtrees as lists of ids, not subqueries: with a subquery
    PostgreSQL guesses how many ids a path prefix matches and, at 300,000 open cases, read them
    all to count one unit's (100 ms against 5)."""
    return _narrow(OpenCase.objects.all(), f, id_lists=True)


def point_figures(f: MetricFilter, *, cache_seconds: int = 0) -> dict[str, int]:
    """Backlog and overdue now, from the open cases kept with the rollups (see metrics.py). Two
    counts rather than one with a filtered aggregate: each is then read from an index alone (a
    count of rows, a range of `overdue_at`). `cache_seconds`: the dashboard keeps the answer that
    long (the figures do not depend on the period, only on the moment)."""
    def compute() -> dict[str, int]:
        qs = open_rows(f)
        return {"backlog": qs.count(), "overdue": qs.filter(overdue_at__lt=clock.now()).count()}
    return _cached(_point_key(f), cache_seconds, compute)


def metrics_compute(*, f: MetricFilter) -> dict[str, float | int | None]:
    """All metric keys for the filter, system scope (no actor)."""
    sums = rollup_rows(f).aggregate(**SUM_EXPR)
    return {**metrics.finish(sums), **point_figures(f)}


# --- scope -----------------------------------------------------------------------------------

def unit_grant_paths(actor: Any) -> list[str]:
    """The unit paths of the actor's unit grants, in grant order: what scoped_filter opens on."""
    return [grant.department_path for grant in policies.grants(actor)
            if grant.scope == "department" and grant.department_path]


def scoped_filter(*, actor: Any, f: MetricFilter) -> MetricFilter:
    """The filter narrowed to what the actor may see. Residents and strangers, and a filter naming
    an area or unit outside the actor's scope, get NotFound (as any other scope miss).

    One scope per user: the widest area grant (the city when any grant is unbounded), else the
    first unit grant. Several disjoint grants are not summed together: a union of subtrees
    would need each figure computed per subtree and then de-duplicated."""
    if actor is not None and getattr(actor, "is_system", False):
        return f
    area_grants = [g for g in policies.grants(actor) if g.scope == "area"]
    unit_paths = unit_grant_paths(actor)
    if area_grants:
        if any(g.area_path is None for g in area_grants):
            return f
        paths = [g.area_path for g in area_grants if g.area_path]
        if f.area_id is None:
            widest = min(paths, key=len)
            return replace(f, area_id=_ancestor_at(widest, _depth(widest)))
        wanted = _path(Area, f.area_id)
        if any(wanted.startswith(p) for p in paths):
            return f
        raise errors.NotFound()
    if unit_paths:
        paths = unit_paths
        if f.department_id is None:
            own = paths[0]
            return replace(f, department_id=_ancestor_at(own, _depth(own)))
        wanted = _path(Department, f.department_id)
        if any(wanted.startswith(p) for p in paths):
            return f
        raise errors.NotFound()
    raise errors.NotFound()


def metrics_for_user(*, actor: Any, f: MetricFilter) -> dict[str, float | int | None]:
    return metrics_compute(f=scoped_filter(actor=actor, f=f))


# --- breakdowns ------------------------------------------------------------------------------

def _labels(model: Any, ids: set[int]) -> dict[int, str]:
    return {pk: name for pk, name in model.objects.filter(pk__in=ids).values_list("id", "name")}


def _fold(rows: list[dict], key_of: Any) -> dict[Any, dict[str, float]]:
    out: dict[Any, dict[str, float]] = defaultdict(lambda: dict.fromkeys(metrics.SUMS, 0))
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        acc = out[key]
        for name in metrics.SUMS:
            acc[name] += row[name] or 0
    return out


def _child_depth(model: Any, pk: int | None) -> int:
    """The tree level a breakdown shows: the children of the filtered node, or the top level."""
    return _depth(_path(model, pk)) + 1 if pk is not None else 1


def _group_map(model: Any, depth: int, *, shallow: bool = True) -> dict[int, int | None]:
    """Leaf id → its ancestor at `depth`. A node above that depth maps to itself with `shallow`
    (a case filed on a district is the district's row in a street breakdown), else to None."""
    out: dict[int, int | None] = {}
    for pk, path in model.objects.values_list("id", "path"):
        out[pk] = _ancestor_at(path, depth) or (pk if shallow else None)
    return out


def metrics_by(*, actor: Any, f: MetricFilter, dimension: str, points: bool = True,
               cache_seconds: int = 0) -> list[dict]:
    """Metrics per department | area | category | day under the actor's scope.

    department: per lead unit (leaf unit); area/category: per child of the filtered node (top
    level without one); day: every day of the period. Each row {"key", "label", **metrics};
    backlog and overdue are given per unit, area and category (unless `points` is False: a
    count over the open cases), None per day."""
    if dimension not in DIMENSIONS:
        raise errors.InvalidInput(field="dimension")
    f = scoped_filter(actor=actor, f=f)
    if (f.end - f.start).days > MAX_DAYS:
        raise errors.InvalidInput(field="end")
    field = {"department": "department_id", "area": "area_id", "category": "category_id",
             "day": "day"}[dimension]
    group = () if dimension == "day" else (dimension,)
    rows = list(rollup_rows(f, group=group).values(field).annotate(**SUM_EXPR).order_by())
    labels: dict[Any, str] = {}
    by_point: dict[Any, dict[str, int]] = {}
    mapping: dict[int, int | None] | None = None
    if dimension == "day":
        folded = _fold(rows, lambda r: r["day"])
        keys: list[Any] = [f.start + timedelta(days=i) for i in range((f.end - f.start).days + 1)]
        labels = {k: k.isoformat() for k in keys}
    else:
        model = {"department": Department, "area": Area, "category": Category}[dimension]
        if dimension == "department":
            folded = _fold(rows, lambda r: r["department_id"] or None)
        else:
            mapping = _group_map(model, _child_depth(model, getattr(f, field)))
            folded = _fold(rows, lambda r: mapping.get(r[field]) if r[field] and mapping else None)
        keys = sorted(folded)
        labels = _labels(model, set(keys))
        if points:
            by_point = _points_by(f, dimension, keys, mapping, cache_seconds=cache_seconds)
    out = []
    for key in keys:
        figures = metrics.finish(folded.get(key, {}))
        extra = by_point.get(key, {"backlog": None, "overdue": None})
        out.append({"key": key, "label": labels.get(key, str(key)), **figures, **extra})
    return out


def _points_by(f: MetricFilter, dimension: str, keys: list[int], mapping: dict[int, int | None] | None,
               *, cache_seconds: int = 0) -> dict[int, dict[str, int]]:
    """Backlog and overdue per breakdown row: counts over the open cases grouped by the row's
    column (see point_figures)."""
    column = f"{dimension}_id"
    out = {key: {"backlog": 0, "overdue": 0} for key in keys}

    def compute() -> list[dict]:
        qs = open_rows(f)
        backlog = {r[column]: r["n"] for r in qs.values(column).annotate(n=Count("*")).order_by()}
        overdue = {r[column]: r["n"] for r in qs.filter(overdue_at__lt=clock.now()).values(column)
                   .annotate(n=Count("*")).order_by()}
        return [{column: k, "backlog": n, "overdue": overdue.get(k, 0)} for k, n in backlog.items()]
    for row in _cached(_point_key(f, dimension), cache_seconds, compute):
        key = (row[column] or None) if mapping is None else mapping.get(row[column] or 0)
        if key in out:
            out[key]["backlog"] += row["backlog"]
            out[key]["overdue"] += row["overdue"]
    return out


def with_node(f: MetricFilter, dimension: str, key: Any) -> MetricFilter:
    """The filter narrowed to one breakdown row."""
    if dimension == "area":
        return replace(f, area_id=key)
    if dimension == "category":
        return replace(f, category_id=key)
    if dimension == "department":
        return replace(f, department_id=key)
    return replace(f, start=key, end=key)


# --- series for system jobs --------------------------------------------------------------------

AREA_LEVEL_DEPTH = {"city": 1, "district": 2, "street": 3, "community": 4, "grid": 5}


def daily_counts(*, start: date, end: date, area_level: str | None = None,
                 category_level: int | None = None, kind: str | None = None
                 ) -> dict[tuple[int | None, int | None], list[int]]:
    """Intake per day, start..end, keyed by (area id at `area_level`, category id at
    `category_level`); None in a key position when that dimension is not split (or the case has
    none at that level). Unscoped: for system jobs (early warning)."""
    dims = tuple(name for name, on in (("area", area_level), ("category", category_level)) if on)
    qs = rollup_rows(MetricFilter(start=start, end=end, kind=kind), group=dims)
    rows = qs.values("day", *(f"{d}_id" for d in dims)).annotate(n=Sum("intake")).order_by()
    # Only nodes at or below the level belong to one of its nodes.
    area_map = _group_map(Area, AREA_LEVEL_DEPTH[area_level], shallow=False) if area_level else {}
    cat_map = _group_map(Category, category_level, shallow=False) if category_level else {}
    days = (end - start).days + 1
    out: dict[tuple[int | None, int | None], list[int]] = {}
    for row in rows:
        a = c = None
        if area_level and row["area_id"]:
            a = area_map.get(row["area_id"])
        if category_level and row["category_id"]:
            c = cat_map.get(row["category_id"])
        series = out.setdefault((a, c), [0] * days)
        series[(row["day"] - start).days] += int(row["n"] or 0)
    return out


# --- drill-down ------------------------------------------------------------------------------

# metric → (date the period applies to, extra workbench filters)
DRILL = {
    "intake": ("submitted", {}),
    "accepted": ("accepted", {}),
    "acknowledged": ("acknowledged", {}),
    "on_time_ack_rate": ("acknowledged", {}),
    "completed": ("closed", {"state": "closed"}),
    "on_time_completion_rate": ("closed", {"state": "closed"}),
    "redo_rate": ("closed", {"state": "closed", "reopened": "true"}),
    "first_contact_rate": ("closed", {"state": "closed", "first_contact": "true"}),
    "mean_close_hours": ("closed", {"state": "closed"}),
    "p90_close_hours": ("closed", {"state": "closed"}),
    # Follow-ups are events, not a case filter: the cases closed in the period stand for them.
    "rated": ("closed", {}),
    "satisfaction_rate": ("closed", {}),
    "backlog": ("", {"open": "true"}),
    "overdue": ("", {"open": "true", "overdue": "true"}),
}


def cases_url(*, f: MetricFilter, metric: str | None = None) -> str:
    """The staff workbench filtered to the cases behind a figure (the list is scoped by the
    viewer as always)."""
    date_field, extra = DRILL.get(metric or "intake", DRILL["intake"])
    params: dict[str, Any] = {"queue": "all"}
    if date_field:
        params.update({"date_field": date_field, "date_from": f.start.isoformat(),
                       "date_to": f.end.isoformat()})
    for name, value in (("area", f.area_id), ("category", f.category_id),
                        ("department", f.department_id), ("kind", f.kind), ("channel", f.channel)):
        if value:
            params[name] = value
    if f.department_id:
        params["lead"] = "true"  # metrics count the lead unit only, not assisting ones
    params.update(extra)
    return f"{reverse('cases:workbench')}?{urlencode(params)}"
