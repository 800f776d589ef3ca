"""The goals app's JSON API (mounted under /api/v1/): goals, projects, scorecards, long-standing
problems. Staff only (residents get 404, like anything they may not see). Thin: parse, call one
service or selector, render."""

from datetime import date

from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status

from shiyu.goals import presenters, selectors, services

router = Router(tags=["goals"])


# --- goals ---------------------------------------------------------------------------------


class GoalIn(Schema):
    title: str
    year: int
    description: str = ""
    owner_department: int | None = None
    is_public: bool = True


class IndicatorIn(Schema):
    name: str
    source: str
    start: date
    end: date
    baseline: float
    target: float
    direction: str
    metric: str = ""
    area: int | None = None
    category: int | None = None
    department: int | None = None
    kind: str = ""
    step: str = "month"
    unit: str = ""


class ValueIn(Schema):
    on: date
    value: float
    evidence: str


@router.get("/goals", url_name="goals")
def goal_list(request, year: int | None = None):
    return [
        presenters.goal_dict(g, staff=True)
        for g in selectors.goal_list_for_user(actor=request.auth, year=year)
    ]


@router.post("/goals", response={201: dict}, url_name="goal-create")
def goal_create(request, payload: GoalIn):
    goal = services.goal_create(
        actor=request.auth,
        title=payload.title,
        year=payload.year,
        description=payload.description,
        owner_department_id=payload.owner_department,
        is_public=payload.is_public,
    )
    return Status(201, presenters.goal_dict(goal, staff=True))


@router.get("/goals/{goal_id}", url_name="goal-detail")
def goal_detail(request, goal_id: int):
    goal = selectors.goal_get_for_user(actor=request.auth, goal_id=goal_id)
    return presenters.goal_dict(goal, staff=True, detail=True)


@router.post("/goals/{goal_id}/indicators", response={201: dict}, url_name="goal-indicator-create")
def indicator_create(request, goal_id: int, payload: IndicatorIn):
    selectors.goal_get_for_user(actor=request.auth, goal_id=goal_id)
    indicator = services.indicator_create(
        actor=request.auth,
        goal_id=goal_id,
        name=payload.name,
        source=payload.source,
        start=payload.start,
        end=payload.end,
        baseline=payload.baseline,
        target=payload.target,
        direction=payload.direction,
        metric=payload.metric,
        area_id=payload.area,
        category_id=payload.category,
        department_id=payload.department,
        kind=payload.kind,
        step=payload.step,
        unit=payload.unit,
    )
    return Status(201, presenters.indicator_dict(selectors.indicator_view(indicator), staff=True))


@router.post("/indicators/{indicator_id}/values", response={201: dict}, url_name="indicator-value")
def indicator_value(request, indicator_id: int, payload: ValueIn):
    entry = services.indicator_value_enter(
        actor=request.auth,
        indicator_id=indicator_id,
        on=payload.on,
        value=payload.value,
        evidence=payload.evidence,
    )
    return Status(201, {"id": entry.pk, "on": entry.on.isoformat(), "value": entry.value})


# --- projects ------------------------------------------------------------------------------


class ProjectIn(Schema):
    title: str
    owner_department: int
    description: str = ""
    parent: int | None = None
    goal: int | None = None
    start: date | None = None
    due: date | None = None
    weight: float = 1.0
    is_public: bool = True


class UpdateIn(Schema):
    text: str
    progress: float | None = None
    status: str = ""


class MilestoneIn(Schema):
    title: str
    due: date
    weight: float = 1.0


class LinkIn(Schema):
    case: int


class ClusterIn(Schema):
    category: int | None = None
    area: int | None = None
    keywords: str = ""


@router.get("/projects", url_name="projects")
def project_list(request, top_only: bool = False):
    progress = selectors.progress_map()
    return [
        presenters.project_dict(p, progress=progress, staff=True)
        for p in selectors.project_list_for_user(actor=request.auth, top_only=top_only)
    ]


@router.post("/projects", response={201: dict}, url_name="project-create")
def project_create(request, payload: ProjectIn):
    project = services.project_create(
        actor=request.auth,
        title=payload.title,
        owner_department_id=payload.owner_department,
        description=payload.description,
        parent_id=payload.parent,
        goal_id=payload.goal,
        start=payload.start,
        due=payload.due,
        weight=payload.weight,
        is_public=payload.is_public,
    )
    return Status(201, presenters.project_dict(project, progress=selectors.progress_map(), staff=True))


@router.get("/projects/{project_id}", url_name="project-detail")
def project_detail(request, project_id: int):
    project = selectors.project_get_for_user(actor=request.auth, project_id=project_id)
    return presenters.project_dict(project, progress=selectors.progress_map(), staff=True, detail=True)


@router.post("/projects/{project_id}/updates", response={201: dict}, url_name="project-update")
def project_update(request, project_id: int, payload: UpdateIn):
    selectors.project_get_for_user(actor=request.auth, project_id=project_id)
    update = services.project_update_post(
        actor=request.auth,
        project_id=project_id,
        text=payload.text,
        progress=payload.progress,
        status=payload.status,
    )
    return Status(201, {"id": update.pk, "created_at": update.created_at.isoformat()})


@router.post("/projects/{project_id}/milestones", response={201: dict}, url_name="milestone-create")
def milestone_create(request, project_id: int, payload: MilestoneIn):
    selectors.project_get_for_user(actor=request.auth, project_id=project_id)
    milestone = services.milestone_create(
        actor=request.auth, project_id=project_id, title=payload.title, due=payload.due, weight=payload.weight
    )
    return Status(201, {"id": milestone.pk, "title": milestone.title, "due": milestone.due.isoformat()})


@router.post("/projects/{project_id}/cases", response={201: dict}, url_name="project-link-case")
def project_link_case(request, project_id: int, payload: LinkIn):
    selectors.project_get_for_user(actor=request.auth, project_id=project_id)
    link = services.project_link_case(actor=request.auth, project_id=project_id, case_id=payload.case)
    return Status(201, {"project": link.project_id, "case": link.case_id})


@router.post("/projects/{project_id}/clusters", response={201: dict}, url_name="project-add-cluster")
def project_add_cluster(request, project_id: int, payload: ClusterIn):
    selectors.project_get_for_user(actor=request.auth, project_id=project_id)
    cluster = services.project_add_cluster(
        actor=request.auth,
        project_id=project_id,
        category_id=payload.category,
        area_id=payload.area,
        keywords=payload.keywords,
    )
    return Status(201, {"id": cluster.pk, "cases_url": presenters.cluster_cases_url(cluster)})


@router.post("/milestones/{milestone_id}/complete", url_name="milestone-complete")
def milestone_complete(request, milestone_id: int):
    milestone = services.milestone_complete(actor=request.auth, milestone_id=milestone_id)
    return {"id": milestone.pk, "done_at": milestone.done_at.isoformat() if milestone.done_at else None}


# --- scorecards ----------------------------------------------------------------------------


class SchemeIn(Schema):
    name: str
    start: date
    end: date
    departments: list[int]
    items: dict[str, float]


class AppealIn(Schema):
    score: int
    reason: str
    evidence: str
    proposed_value: float | None = None


class ReviewIn(Schema):
    accept: bool
    decision: str = ""
    value: float | None = None


def _appeal(a) -> dict:
    return {
        "id": a.pk,
        "score": a.score_id,
        "status": a.status,
        "reason": a.reason,
        "evidence": a.evidence,
        "proposed_value": a.proposed_value,
        "decision": a.decision,
        "value_before": a.value_before,
        "value_after": a.value_after,
        "submitted_at": a.submitted_at.isoformat(),
        "files": [
            {"name": f.name, "size": f.size, "content_type": f.content_type,
             "url": reverse("goals:appeal-attachment", kwargs={"attachment_id": f.pk})}
            for f in a.attachments.all()
        ],
    }


@router.get("/scorecards", url_name="scorecards")
def scorecard_list(request):
    return [
        {
            "id": s.pk,
            "name": s.name,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "status": s.status,
        }
        for s in selectors.scheme_list_for_user(actor=request.auth)
    ]


@router.post("/scorecards", response={201: dict}, url_name="scorecard-create")
def scorecard_create(request, payload: SchemeIn):
    scheme = services.scheme_create(
        actor=request.auth,
        name=payload.name,
        start=payload.start,
        end=payload.end,
        department_ids=payload.departments,
        items=payload.items,
    )
    return Status(201, selectors.scheme_result(scheme))


@router.get("/scorecards/{scheme_id}", url_name="scorecard-detail")
def scorecard_detail(request, scheme_id: int):
    scheme = selectors.scheme_get_for_user(actor=request.auth, scheme_id=scheme_id)
    result = selectors.scheme_result(scheme)
    result["appeals"] = [
        _appeal(a) for a in selectors.appeal_list_for_user(actor=request.auth, scheme=scheme)
    ]
    return result


@router.post("/scorecards/{scheme_id}/recompute", url_name="scorecard-recompute")
def scorecard_recompute(request, scheme_id: int):
    selectors.scheme_get_for_user(actor=request.auth, scheme_id=scheme_id)
    return selectors.scheme_result(services.scheme_recompute(actor=request.auth, scheme_id=scheme_id))


@router.post("/scorecards/{scheme_id}/publish", url_name="scorecard-publish")
def scorecard_publish(request, scheme_id: int):
    selectors.scheme_get_for_user(actor=request.auth, scheme_id=scheme_id)
    card = services.scheme_publish(actor=request.auth, scheme_id=scheme_id)
    return selectors.scheme_result(card.scheme)


@router.post("/scorecards/{scheme_id}/appeals", response={201: dict}, url_name="scorecard-appeal")
def scorecard_appeal(request, scheme_id: int, payload: AppealIn):
    selectors.scheme_get_for_user(actor=request.auth, scheme_id=scheme_id)
    appeal = services.appeal_submit(
        actor=request.auth,
        score_id=payload.score,
        reason=payload.reason,
        evidence=payload.evidence,
        proposed_value=payload.proposed_value,
        scheme_id=scheme_id,
    )
    return Status(201, _appeal(appeal))


@router.post("/appeals/{appeal_id}/review", url_name="appeal-review")
def appeal_review(request, appeal_id: int, payload: ReviewIn):
    appeal = services.appeal_review(
        actor=request.auth,
        appeal_id=appeal_id,
        accept=payload.accept,
        decision=payload.decision,
        value=payload.value,
    )
    return _appeal(appeal)


# --- long-standing problems ----------------------------------------------------------------


class ProblemIn(Schema):
    year: int
    title: str
    description: str = ""
    categories: list[int] = []
    areas: list[int] = []
    keywords: str = ""
    owner_department: int | None = None
    is_public: bool = True


@router.get("/long-standing-problems", url_name="problems")
def problem_list(request, year: int | None = None):
    selectors.goal_list_for_user(actor=request.auth)  # staff only
    return [presenters.problem_dict(p) for p in selectors.problem_list(year=year)]


@router.post("/long-standing-problems", response={201: dict}, url_name="problem-create")
def problem_create(request, payload: ProblemIn):
    problem = services.problem_create(
        actor=request.auth,
        year=payload.year,
        title=payload.title,
        description=payload.description,
        category_ids=payload.categories,
        area_ids=payload.areas,
        keywords=payload.keywords,
        owner_department_id=payload.owner_department,
        is_public=payload.is_public,
    )
    return Status(201, presenters.problem_dict(problem))


@router.get("/long-standing-problems/{problem_id}", url_name="problem-detail")
def problem_detail(request, problem_id: int):
    return presenters.problem_dict(selectors.problem_get_for_user(actor=request.auth, problem_id=problem_id))
