"""The public page of goals, key projects and the long-standing problems list. Only rows marked
public; no person appears (units only), no case is linked."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shiyu.core import errors
from shiyu.goals import presenters, selectors


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    progress = selectors.progress_map()
    return render(
        request,
        "goals/public_index.html",
        {
            "goals": [
                {"goal": g, "attainment": selectors.goal_attainment(g)} for g in selectors.goal_public_list()
            ],
            "projects": [
                presenters.project_dict(p, progress=progress, staff=False)
                for p in selectors.project_public_list()
            ],
            "problems": [selectors.problem_view(p) for p in selectors.problem_list(public_only=True)],
        },
    )


@require_safe
def goal(request: HttpRequest, goal_id: int) -> HttpResponse:
    try:
        obj = selectors.goal_public_get(goal_id=goal_id)
    except errors.NotFound:
        from django.http import Http404

        raise Http404 from None
    data = presenters.goal_dict(obj, staff=False, detail=True)
    charts = [
        {
            "id": i["id"],
            "name": i["name"],
            "baseline": i["baseline"],
            "target": i["target"],
            "labels": [
                p["start"][:7] if i["step"] == "month" and i["source"] == "computed" else p["start"]
                for p in i["series"]
            ],
            "values": [p["value"] for p in i["series"]],
            "links": [],
        }
        for i in data["indicators"]
    ]
    return render(request, "goals/public_goal.html", {"goal": obj, "data": data, "charts": charts})


@require_safe
def project(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        obj = selectors.project_public_get(project_id=project_id)
    except errors.NotFound:
        from django.http import Http404

        raise Http404 from None
    data = presenters.project_dict(obj, progress=selectors.progress_map(), staff=False, detail=True)
    return render(
        request,
        "goals/public_project.html",
        {"project": obj, "data": data, "tree": selectors.project_tree(project=obj)},
    )
