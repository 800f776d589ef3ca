"""Reads of projects: the tree with rolled-up progress, C3's progress look-up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from shiyu.goals import scoring
from shiyu.goals.models import Milestone, Project


@dataclass
class Node:
    project: Project
    progress: float
    children: list[Node] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)


def progress_map(projects: list[Project] | None = None) -> dict[int, float]:
    """Progress 0..1 of every project (or of the given ones and their subtrees).

    A project with sub-projects or milestones: the weighted mean (scoring.rollup) of its
    sub-projects' progress and its milestones (1 when done, else 0); a leaf: its own progress,
    or 1 once its status is done."""
    rows = list(Project.objects.only("id", "parent_id", "weight", "own_progress", "status"))
    kids: dict[int | None, list[Project]] = defaultdict(list)
    for p in rows:
        kids[p.parent_id].append(p)
    stones: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for project_id, weight, done in Milestone.objects.values_list("project_id", "weight", "done_at"):
        stones[project_id].append((weight, 1.0 if done else 0.0))
    out: dict[int, float] = {}

    def walk(p: Project, seen: frozenset[int]) -> float:
        if p.pk in out:
            return out[p.pk]
        parts = [
            (child.weight, walk(child, seen | {p.pk})) for child in kids.get(p.pk, []) if child.pk not in seen
        ] + stones.get(p.pk, [])
        value = scoring.rollup(parts) if parts else None
        if value is None:
            value = 1.0 if p.status == Project.Status.DONE else scoring.clamp01(p.own_progress)
        out[p.pk] = value
        return value

    for p in rows:
        walk(p, frozenset())
    return out


def project_tree(*, project: Project) -> Node:
    progress = progress_map()
    everything = {p.pk: p for p in Project.objects.select_related("owner_department")}
    kids: dict[int | None, list[Project]] = defaultdict(list)
    for p in everything.values():
        kids[p.parent_id].append(p)
    stones: dict[int, list[Milestone]] = defaultdict(list)
    for m in Milestone.objects.all():
        stones[m.project_id].append(m)

    def build(p: Project, depth: int) -> Node:
        children = [build(c, depth + 1) for c in kids.get(p.pk, [])] if depth < 6 else []
        return Node(project=p, progress=progress.get(p.pk, 0.0), children=children, milestones=stones[p.pk])

    return build(everything.get(project.pk, project), 0)


def project_progress(*, source_ref: str) -> dict[str, Any] | None:
    """Contract C3: how far the project made from a proposal (or another source) has come."""
    project = Project.objects.filter(source_ref=source_ref).first()
    if project is None:
        return None
    return {
        "id": project.pk,
        "title": project.title,
        "status": project.status,
        "progress": progress_map().get(project.pk, 0.0),
        "url": reverse("goals-public:project", kwargs={"project_id": project.pk}),
    }


def department_project_progress(*, department_id: int) -> float | None:
    """The mean progress of the unit's own projects (those not inside another of its projects)."""
    mine = list(Project.objects.filter(owner_department_id=department_id).select_related("parent"))
    if not mine:
        return None
    progress = progress_map()
    tops = [p for p in mine if p.parent is None or p.parent.owner_department_id != department_id]
    return scoring.mean(progress.get(p.pk) for p in tops)
