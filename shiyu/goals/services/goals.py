"""Goals, their indicators and hand-entered values; the long-standing problems list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.audit.services import audit_record
from shiyu.cases.models import Category
from shiyu.core import clock
from shiyu.core.errors import InvalidInput, NotFound
from shiyu.geo.models import Area
from shiyu.goals import scoring
from shiyu.goals.models import Goal, Indicator, IndicatorEntry, LongStandingProblem
from shiyu.goals.services import _common as c

# The insights metrics an indicator may compute (see shiyu/insights/metrics.py for each definition).
COMPUTABLE = (
    "intake",
    "accepted",
    "acknowledged",
    "on_time_ack_rate",
    "completed",
    "on_time_completion_rate",
    "rated",
    "satisfaction_rate",
    "redo_rate",
    "first_contact_rate",
    "mean_close_hours",
    "p90_close_hours",
)
KINDS = ("complaint", "help", "inquiry", "suggestion", "report", "praise")


def _year(value: Any) -> int:
    year = int(c.number(value, field="year", minimum=2000, maximum=2100))
    return year


@transaction.atomic
def goal_create(
    *,
    actor: Any,
    title: str,
    year: int,
    description: str = "",
    owner_department_id: int | None = None,
    is_public: bool = True,
) -> Goal:
    c.require(actor, "goal_manage")
    goal = Goal.objects.create(
        title=c.text(title, field="title", max_length=200),
        year=_year(year),
        description=c.text(description, field="description", max_length=5000, required=False),
        owner_department=c.department(owner_department_id, required=False),
        is_public=bool(is_public),
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(actor=actor, verb="goals.goal.create", obj=goal)
    return goal


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    goal_id: int,
    name: str,
    source: str,
    start: date,
    end: date,
    baseline: float,
    target: float,
    direction: str,
    metric: str = "",
    area_id: int | None = None,
    category_id: int | None = None,
    department_id: int | None = None,
    kind: str = "",
    step: str = "month",
    unit: str = "",
) -> Indicator:
    c.require(actor, "goal_manage")
    goal = Goal.objects.select_for_update().filter(pk=c.key(goal_id)).first()
    if goal is None:
        raise NotFound()
    if source not in Indicator.Source.values:
        raise InvalidInput(_("Choose computed or entered by hand."), field="source")
    if source == Indicator.Source.COMPUTED and metric not in COMPUTABLE:
        raise InvalidInput(_("Choose a metric."), field="metric")
    if direction not in (scoring.INCREASE, scoring.DECREASE):
        raise InvalidInput(_("Choose a direction."), field="direction")
    if step not in Indicator.Step.values:
        raise InvalidInput(_("Choose month or week."), field="step")
    if kind and kind not in KINDS:
        raise InvalidInput(_("Unknown value."), field="kind")
    c.period(start, end)
    indicator = Indicator.objects.create(
        goal=goal,
        name=c.text(name, field="name", max_length=200),
        source=source,
        metric=metric if source == Indicator.Source.COMPUTED else "",
        area=c.ref(Area, area_id, field="area"),
        category=c.ref(Category, category_id, field="category"),
        department=c.department(department_id, field="department", required=False),
        kind=kind,
        start=start,
        end=end,
        step=step,
        baseline=c.number(baseline, field="baseline"),
        target=c.number(target, field="target"),
        direction=direction,
        unit=c.text(unit, field="unit", max_length=20, required=False),
    )
    audit_record(actor=actor, verb="goals.indicator.create", obj=indicator, data={"goal": goal.pk})
    return indicator


@transaction.atomic
def indicator_value_enter(
    *, actor: Any, indicator_id: int, on: date, value: float, evidence: str
) -> IndicatorEntry:
    """A hand-entered value of a manual indicator; the evidence says where the figure comes from."""
    c.require(actor, "goal_manage")
    indicator = Indicator.objects.filter(pk=c.key(indicator_id)).first()
    if indicator is None:
        raise NotFound()
    if indicator.source != Indicator.Source.MANUAL:
        raise InvalidInput(_("This indicator is computed from cases; it cannot be entered by hand."))
    entry = IndicatorEntry.objects.create(
        indicator=indicator,
        on=on,
        value=c.number(value, field="value"),
        evidence=c.text(evidence, field="evidence", max_length=5000),
        entered_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        verb="goals.indicator.enter",
        obj=indicator,
        data={"on": on.isoformat(), "value": entry.value},
    )
    return entry


@transaction.atomic
def problem_create(
    *,
    actor: Any,
    year: int,
    title: str,
    description: str = "",
    category_ids: list[int] | None = None,
    area_ids: list[int] | None = None,
    keywords: str = "",
    owner_department_id: int | None = None,
    is_public: bool = True,
) -> LongStandingProblem:
    c.require(actor, "goal_manage")
    categories = [c.ref(Category, pk, field="categories") for pk in category_ids or []]
    areas = [c.ref(Area, pk, field="areas") for pk in area_ids or []]
    keywords = " ".join(c.text(keywords, field="keywords", max_length=200, required=False).split())
    if not (categories or areas or keywords):
        raise InvalidInput(
            _("Tie the problem to at least one category, area or keyword."), field="categories"
        )
    problem = LongStandingProblem.objects.create(
        year=_year(year),
        title=c.text(title, field="title", max_length=200),
        description=c.text(description, field="description", max_length=5000, required=False),
        keywords=keywords,
        owner_department=c.department(owner_department_id, required=False),
        is_public=bool(is_public),
        created_at=clock.now(),
    )
    problem.categories.set(categories)
    problem.areas.set(areas)
    audit_record(actor=actor, verb="goals.problem.create", obj=problem)
    return problem


@transaction.atomic
def problem_set_status(*, actor: Any, problem_id: int, status: str) -> LongStandingProblem:
    c.require(actor, "goal_manage")
    problem = LongStandingProblem.objects.select_for_update().filter(pk=c.key(problem_id)).first()
    if problem is None:
        raise NotFound()
    if status not in LongStandingProblem.Status.values:
        raise InvalidInput(_("Unknown value."), field="status")
    before = problem.status
    problem.status = status
    problem.save(update_fields=["status"])
    audit_record(actor=actor, verb="goals.problem.status", obj=problem, data={"from": before, "to": status})
    return problem
