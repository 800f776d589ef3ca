"""Scorecards: the value of each scheme item for a unit, the ranking and each unit's breakdown.

A published scheme is read from its frozen snapshot and only from it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from shiyu.accounts.models import Department
from shiyu.goals import scoring
from shiyu.goals.models import Appeal, Scheme, ScoreItem
from shiyu.goals.selectors.indicators import department_goal_attainment
from shiyu.goals.selectors.projects import department_project_progress
from shiyu.insights.selectors import MetricFilter, cases_url, metrics_compute

ITEM_LABELS = {
    "on_time_ack_rate": _("On-time acknowledgement"),
    "on_time_completion_rate": _("On-time completion"),
    "satisfaction_rate": _("Satisfaction"),
    "redo_rate": _("Redo rate"),
    "first_contact_rate": _("First-contact resolution"),
    "project_progress": _("Project progress"),
    "goal_attainment": _("Goal attainment"),
    "mediation_success_rate": _("Mediation success"),
}
CASE_METRICS = (
    "on_time_ack_rate",
    "on_time_completion_rate",
    "satisfaction_rate",
    "redo_rate",
    "first_contact_rate",
)


def item_value(*, key: str, department: Department, start: date, end: date) -> float | None:
    """The raw value (0..1) of one item for one unit over the period; None: no data."""
    if key in CASE_METRICS:
        value = metrics_compute(f=MetricFilter(start=start, end=end, department_id=department.pk)).get(key)
        return None if value is None else float(value)
    if key == "project_progress":
        return department_project_progress(department_id=department.pk)
    if key == "goal_attainment":
        return department_goal_attainment(department_id=department.pk, start=start, end=end)
    if key == "mediation_success_rate":
        if department.area_id is None:
            return None
        from shiyu.disputes.selectors import dispute_figures

        value = dispute_figures(start=start, end=end, area_id=department.area_id).get(
            "mediation_success_rate"
        )
        return None if value is None else float(value)
    raise KeyError(key)


def item_cases_url(*, key: str, department_id: int, start: date, end: date) -> str:
    if key not in CASE_METRICS:
        return ""
    return cases_url(f=MetricFilter(start=start, end=end, department_id=department_id), metric=key)


def live_result(scheme: Scheme) -> dict[str, Any]:
    """Ranking and breakdowns from the scheme's current score items (corrections win)."""
    items = list(scheme.items.all())
    departments = list(scheme.departments.all())
    scores = {(s.item_id, s.department_id): s for s in ScoreItem.objects.filter(scheme=scheme)}
    pending = set(
        Appeal.objects.filter(score__scheme=scheme, status=Appeal.Status.PENDING).values_list(
            "score_id", flat=True
        )
    )
    rows: list[dict[str, Any]] = []
    for dept in departments:
        inputs, extra = [], []
        for item in items:
            row = scores.get((item.pk, dept.pk))
            value = None
            if row is not None:
                value = row.corrected if row.corrected is not None else row.value
            inputs.append(
                scoring.ItemInput(
                    key=item.key,
                    weight=item.weight,
                    value=value,
                    direction=scoring.ITEM_KEYS.get(item.key, scoring.INCREASE),
                )
            )
            extra.append(
                {
                    "score_id": row.pk if row else None,
                    "computed": row.value if row else None,
                    "corrected": row.corrected if row else None,
                    "appeal_pending": bool(row and row.pk in pending),
                    "cases_url": item_cases_url(
                        key=item.key, department_id=dept.pk, start=scheme.start, end=scheme.end
                    ),
                }
            )
        result = scoring.unit_score(inputs)
        rows.append(
            {
                "department_id": dept.pk,
                "department": dept.name,
                "total": result.total,
                "items": [
                    {
                        "key": r.key,
                        "label": str(ITEM_LABELS.get(r.key, r.key)),
                        "weight": r.weight,
                        "value": r.value,
                        "score": r.score,
                        "share": r.effective_weight,
                        "points": r.points,
                        **e,
                    }
                    for r, e in zip(result.items, extra, strict=True)
                ],
            }
        )
    ranks = scoring.rank({r["department_id"]: r["total"] for r in rows})
    for r in rows:
        r["rank"] = ranks[r["department_id"]]
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["department"]))
    return {
        "scheme_id": scheme.pk,
        "name": scheme.name,
        "start": scheme.start.isoformat(),
        "end": scheme.end.isoformat(),
        "status": scheme.status,
        "published": False,
        "items": [
            {"key": i.key, "label": str(ITEM_LABELS.get(i.key, i.key)), "weight": i.weight} for i in items
        ],
        "rows": rows,
    }


def scheme_result(scheme: Scheme) -> dict[str, Any]:
    """What everyone reads: the frozen snapshot once published, else the live result."""
    if scheme.status == Scheme.Status.PUBLISHED:
        card = getattr(scheme, "scorecard", None)
        if card is not None:
            return {**card.data, "published": True, "published_at": card.published_at.isoformat()}
    return live_result(scheme)
