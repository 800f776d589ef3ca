"""Reads of the goals app. Staff read everything here (none of it is personal data); the public
pages read only what is marked public. Missing and not visible are the same NotFound."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shiyu.accounts import policies
from shiyu.accounts.models import Department
from shiyu.core import clock
from shiyu.core.errors import NotFound
from shiyu.core.ids import is_valid_id
from shiyu.goals.models import Appeal, AppealAttachment, Goal, LongStandingProblem, Milestone, Project, Scheme
from shiyu.goals.selectors.indicators import goal_attainment, indicator_view
from shiyu.goals.selectors.problems import monthly_counts, problem_list, problem_view
from shiyu.goals.selectors.projects import progress_map, project_progress, project_tree
from shiyu.goals.selectors.scorecards import ITEM_LABELS, scheme_result

__all__ = [
    "ITEM_LABELS",
    "appeal_list_for_user",
    "goal_attainment",
    "goal_get_for_user",
    "goal_list_for_user",
    "goal_public_get",
    "my_units",
    "unit_summary",
    "goal_public_list",
    "indicator_view",
    "monthly_counts",
    "problem_get_for_user",
    "problem_list",
    "problem_view",
    "progress_map",
    "project_get_for_user",
    "project_list_for_user",
    "project_progress",
    "project_public_get",
    "project_public_list",
    "project_tree",
    "scheme_get_for_user",
    "scheme_list_for_user",
    "scheme_result",
]


def _staff(actor: Any) -> None:
    if not policies.is_staff_user(actor):
        raise NotFound()


def _get(qs: QuerySet, pk: Any) -> Any:
    if not is_valid_id(pk):
        raise NotFound()
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def goal_list_for_user(*, actor: Any, year: int | None = None) -> QuerySet[Goal]:
    _staff(actor)
    qs = Goal.objects.select_related("owner_department")
    return qs.filter(year=year) if year else qs


def goal_get_for_user(*, actor: Any, goal_id: int) -> Goal:
    return _get(goal_list_for_user(actor=actor), goal_id)


def goal_public_list() -> QuerySet[Goal]:
    return Goal.objects.filter(is_public=True).select_related("owner_department")


def goal_public_get(*, goal_id: int) -> Goal:
    return _get(goal_public_list(), goal_id)


def project_list_for_user(*, actor: Any, top_only: bool = False) -> QuerySet[Project]:
    _staff(actor)
    qs = Project.objects.select_related("owner_department", "parent")
    return qs.filter(parent__isnull=True) if top_only else qs


def project_get_for_user(*, actor: Any, project_id: int) -> Project:
    return _get(project_list_for_user(actor=actor), project_id)


def project_public_list(*, top_only: bool = True) -> QuerySet[Project]:
    qs = Project.objects.filter(is_public=True).select_related("owner_department")
    return qs.filter(parent__isnull=True) if top_only else qs


def project_public_get(*, project_id: int) -> Project:
    return _get(project_public_list(top_only=False), project_id)


def problem_get_for_user(*, actor: Any, problem_id: int) -> LongStandingProblem:
    _staff(actor)
    return _get(problem_list(), problem_id)


def scheme_list_for_user(*, actor: Any) -> QuerySet[Scheme]:
    _staff(actor)
    return Scheme.objects.all()


def scheme_get_for_user(*, actor: Any, scheme_id: int) -> Scheme:
    return _get(scheme_list_for_user(actor=actor), scheme_id)


def my_units(*, actor: Any) -> list[Department]:
    """The units the actor works in (department-scoped roles): their page shows these first."""
    paths = {
        g.department_path for g in policies.grants(actor) if g.scope == "department" and g.department_path
    }
    return list(Department.objects.filter(path__in=paths).order_by("path"))


def unit_summary(*, actor: Any) -> list[dict[str, Any]]:
    """For each of the actor's units: its projects with progress and overdue milestones, and its
    place in the latest scorecard that assesses it."""
    units = my_units(actor=actor)
    if not units:
        return []
    progress = progress_map()
    today = timezone.localdate(clock.now())
    latest = Scheme.objects.order_by("-end", "-pk").prefetch_related("departments")
    out = []
    for unit in units:
        projects = list(Project.objects.filter(owner_department=unit).order_by("pk"))
        overdue = Milestone.objects.filter(
            project__owner_department=unit, done_at__isnull=True, due__lt=today
        )
        scheme = next((s for s in latest[:20] if unit in s.departments.all()), None)
        row = None
        if scheme is not None:
            result = scheme_result(scheme)
            row = next((r for r in result["rows"] if r["department_id"] == unit.pk), None)
            row = row and {**row, "scheme": scheme, "of": len(result["rows"])}
        out.append(
            {
                "unit": unit,
                "projects": [(p, progress.get(p.pk, 0.0)) for p in projects],
                "overdue": list(overdue.select_related("project")),
                "score": row,
            }
        )
    return out


def appeal_attachment_get_for_user(*, actor: Any, attachment_id: int) -> AppealAttachment:
    """An appeal's file, for the unit that appealed, the reviewers and goal managers only: signed
    records and photos may show residents, which the appeal's one-line text on the scheme page
    does not. Anyone else gets NotFound, as for a file that does not exist."""
    _staff(actor)
    if not is_valid_id(attachment_id):
        raise NotFound()
    found = (AppealAttachment.objects.select_related("appeal__score__department")
             .filter(pk=attachment_id).first())
    if found is None:
        raise NotFound()
    department = found.appeal.score.department
    unit = policies.Target(lead_department_path=department.path)
    if not (policies.roles_allowed(actor, "appeal_review") or policies.roles_allowed(actor, "goal_manage")
            or policies.can(actor, "appeal_submit", unit)):
        raise NotFound()
    return found


def appeal_list_for_user(*, actor: Any, scheme: Scheme) -> QuerySet[Appeal]:
    _staff(actor)
    return (
        Appeal.objects.filter(score__scheme=scheme)
        .select_related("score__item", "score__department", "submitted_by", "reviewed_by")
        .prefetch_related("attachments")
    )
