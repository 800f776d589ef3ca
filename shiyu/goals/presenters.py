"""Plain dicts of goals data for the API and the pages. Nothing here is personal data: people
appear only as the units they work for (update authors and reviewers are not shown)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from shiyu.goals import selectors
from shiyu.goals.models import ComplaintCluster, Goal, LongStandingProblem, Project


def _unit(dept: Any) -> dict[str, Any] | None:
    return {"id": dept.pk, "name": dept.name} if dept is not None else None


def indicator_dict(view: dict[str, Any], *, staff: bool) -> dict[str, Any]:
    out = {
        k: view[k]
        for k in (
            "id",
            "name",
            "source",
            "metric",
            "baseline",
            "target",
            "direction",
            "unit",
            "step",
            "current",
            "attainment",
        )
    }
    out["start"], out["end"] = view["start"].isoformat(), view["end"].isoformat()
    out["series"] = [
        {
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
            "value": p.value,
            **({"cases_url": p.cases_url} if staff else {}),
        }
        for p in view["series"]
    ]
    if staff:
        out["cases_url"] = view["cases_url"]
    return out


def goal_dict(goal: Goal, *, staff: bool, detail: bool = False) -> dict[str, Any]:
    views = (
        [selectors.indicator_view(i) for i in goal.indicators.prefetch_related("entries")] if detail else []
    )
    out: dict[str, Any] = {
        "id": goal.pk,
        "title": goal.title,
        "description": goal.description,
        "year": goal.year,
        "owner_department": _unit(goal.owner_department),
        "is_public": goal.is_public,
    }
    if detail:
        out["indicators"] = [indicator_dict(v, staff=staff) for v in views]
        from shiyu.goals import scoring

        out["attainment"] = scoring.mean(v["attainment"] for v in views)
    return out


def project_dict(
    project: Project, *, progress: dict[int, float], staff: bool, detail: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": project.pk,
        "title": project.title,
        "parent_id": project.parent_id,
        "goal_id": project.goal_id,
        "owner_department": _unit(project.owner_department),
        "status": project.status,
        "start": project.start.isoformat() if project.start else None,
        "due": project.due.isoformat() if project.due else None,
        "weight": project.weight,
        "progress": progress.get(project.pk, 0.0),
        "is_public": project.is_public,
    }
    if detail:
        tree = selectors.project_tree(project=project)

        def node(n: Any) -> dict[str, Any]:
            return {
                "id": n.project.pk,
                "title": n.project.title,
                "status": n.project.status,
                "owner_department": _unit(n.project.owner_department),
                "weight": n.project.weight,
                "progress": n.progress,
                "milestones": [
                    {
                        "id": m.pk,
                        "title": m.title,
                        "due": m.due.isoformat(),
                        "weight": m.weight,
                        "done": m.done_at is not None,
                        "ladder_stage": m.ladder_stage,
                    }
                    for m in n.milestones
                ],
                "children": [node(c) for c in n.children if staff or c.project.is_public],
            }

        out.update(node(tree))
        out["description"] = project.description
        out["updates"] = [
            {
                "id": u.pk,
                "progress": u.progress,
                "created_at": u.created_at.isoformat(),
                **(
                    {
                        "text": u.text,  # staff notes may name people: never public
                        "attachments": [
                            {"id": a.pk, "name": a.name, "size": a.size, "content_type": a.content_type}
                            for a in u.attachments.all()
                        ],
                    }
                    if staff
                    else {}
                ),
            }
            for u in project.updates.prefetch_related("attachments")[:50]
        ]
        if staff:
            out["cases"] = [link.case_id for link in project.case_links.all()]
            out["clusters"] = [
                {
                    "category": cl.category.name if cl.category else None,
                    "area": cl.area.name if cl.area else None,
                    "keywords": cl.keywords,
                    "cases_url": cluster_cases_url(cl),
                }
                for cl in project.clusters.select_related("category", "area")
            ]
    return out


def cluster_cases_url(cluster: ComplaintCluster) -> str:
    """The staff workbench filtered to the cluster's stream of cases (scoped by the viewer)."""
    params: dict[str, Any] = {"queue": "all"}
    if cluster.category_id:
        params["category"] = cluster.category_id
    if cluster.area_id:
        params["area"] = cluster.area_id
    if cluster.keywords:
        params["q"] = cluster.keywords
    return f"{reverse('cases:workbench')}?{urlencode(params)}"


def problem_dict(problem: LongStandingProblem) -> dict[str, Any]:
    view = selectors.problem_view(problem)
    return {
        k: view[k]
        for k in (
            "id",
            "year",
            "title",
            "description",
            "status",
            "categories",
            "areas",
            "keywords",
            "owner",
            "months",
            "first",
            "latest",
            "change",
        )
    }


def public_project_url(project: Project) -> str:
    return reverse("goals-public:project", kwargs={"project_id": project.pk})
