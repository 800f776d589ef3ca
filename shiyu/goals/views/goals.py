"""Staff pages: the overview, goals and their indicators, long-standing problems."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shiyu.accounts.models import Department
from shiyu.cases.forms import area_choices, category_choices
from shiyu.cases.views import staff_view
from shiyu.goals import presenters, scoring, selectors, services
from shiyu.goals.models import Indicator
from shiyu.goals.services import _common as perms
from shiyu.goals.views._common import _act, _capabilities, _float, _int, _required_date
from shiyu.insights.metrics import LABELS as METRIC_LABELS

# --- overview ------------------------------------------------------------------------------


@staff_view
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    goals = list(selectors.goal_list_for_user(actor=request.user))
    progress = selectors.progress_map()
    projects = [
        presenters.project_dict(p, progress=progress, staff=True)
        for p in selectors.project_list_for_user(actor=request.user, top_only=True)
    ]
    return render(
        request,
        "goals/index.html",
        {
            "goals": [{"goal": g, "attainment": selectors.goal_attainment(g)} for g in goals],
            "projects": projects,
            "my_units": selectors.unit_summary(actor=request.user),
            "schemes": selectors.scheme_list_for_user(actor=request.user),
            "problems": [selectors.problem_view(p) for p in selectors.problem_list()],
            "departments": Department.objects.filter(is_active=True),
            "item_keys": [(k, selectors.ITEM_LABELS[k]) for k in scoring.ITEM_KEYS],
            "year": timezone.localdate().year,
            **_capabilities(request.user),
        },
    )


@staff_view
@require_POST
def goal_create(request: HttpRequest) -> HttpResponse:
    back = reverse("goals:index")

    def run() -> str:
        goal = services.goal_create(
            actor=request.user,
            title=request.POST.get("title", ""),
            year=_int(request.POST.get("year", "")) or 0,
            description=request.POST.get("description", ""),
            owner_department_id=_int(request.POST.get("owner_department", "")),
            is_public=bool(request.POST.get("is_public")),
        )
        return reverse("goals:goal", kwargs={"goal_id": goal.pk})

    return _act(request, run, back=back, done=back, message=_("Goal created."))


@staff_view
@require_safe
def goal(request: HttpRequest, goal_id: int) -> HttpResponse:
    obj = selectors.goal_get_for_user(actor=request.user, goal_id=goal_id)
    views = [selectors.indicator_view(i) for i in obj.indicators.prefetch_related("entries")]
    charts = [
        {
            "id": v["id"],
            "name": v["name"],
            "baseline": v["baseline"],
            "target": v["target"],
            "labels": [
                p.start.isoformat()[:7]
                if v["step"] == "month" and v["source"] == "computed"
                else p.start.isoformat()
                for p in v["series"]
            ],
            "values": [p.value for p in v["series"]],
            "links": [p.cases_url for p in v["series"]],
        }
        for v in views
    ]
    return render(
        request,
        "goals/goal.html",
        {
            "goal": obj,
            "indicators": views,
            "charts": charts,
            "metrics": [(k, METRIC_LABELS[k]) for k in services.COMPUTABLE],
            "projects": obj.projects.all(),
            # Callables: the template builds the pickers only where it shows the form.
            "category_choices": category_choices,
            "area_choices": area_choices,
            **_capabilities(request.user),
        },
    )


@staff_view
@require_POST
def indicator_create(request: HttpRequest, goal_id: int) -> HttpResponse:
    selectors.goal_get_for_user(actor=request.user, goal_id=goal_id)
    back = reverse("goals:goal", kwargs={"goal_id": goal_id})
    p = request.POST

    def run() -> None:
        source = p.get("source", "")
        services.indicator_create(
            actor=request.user,
            goal_id=goal_id,
            name=p.get("name", ""),
            source=source,
            start=_required_date(p.get("start", "")),
            end=_required_date(p.get("end", "")),
            baseline=_float(p.get("baseline", "")) if p.get("baseline") else float("nan"),
            target=_float(p.get("target", "")) if p.get("target") else float("nan"),
            direction=p.get("direction", ""),
            metric=p.get("metric", ""),
            area_id=_int(p.get("area", "")),
            category_id=_int(p.get("category", "")),
            department_id=_int(p.get("department", "")),
            kind=p.get("kind", ""),
            step=p.get("step", "month") or "month",
            unit=p.get("unit", ""),
        )

    return _act(request, run, back=back, done=back, message=_("Indicator added."))


@staff_view
@require_POST
def indicator_value(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = Indicator.objects.filter(pk=perms.key(indicator_id)).only("goal_id").first()
    if indicator is None:
        raise Http404
    back = reverse("goals:goal", kwargs={"goal_id": indicator.goal_id})
    p = request.POST

    def run() -> None:
        value = _float(p.get("value", ""))
        services.indicator_value_enter(
            actor=request.user,
            indicator_id=indicator_id,
            on=_required_date(p.get("on", "")),
            value=value if value is not None else float("nan"),
            evidence=p.get("evidence", ""),
        )

    return _act(request, run, back=back, done=back, message=_("Value recorded."))


# --- long-standing problems ----------------------------------------------------------------


@staff_view
@require_POST
def problem_create(request: HttpRequest) -> HttpResponse:
    back = reverse("goals:index")
    p = request.POST
    return _act(
        request,
        lambda: services.problem_create(
            actor=request.user,
            year=_int(p.get("year", "")) or 0,
            title=p.get("title", ""),
            description=p.get("description", ""),
            category_ids=[i for i in (_int(v) for v in p.getlist("categories")) if i],
            area_ids=[i for i in (_int(v) for v in p.getlist("areas")) if i],
            keywords=p.get("keywords", ""),
            owner_department_id=_int(p.get("owner_department", "")),
        ),
        back=back,
        done=back,
        message=_("Long-standing problem added."),
    )
