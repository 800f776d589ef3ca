"""Staff pages of scorecards: ranking, breakdown, appeals and their review, publishing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shiyu.accounts.models import Department
from shiyu.cases.views import staff_view
from shiyu.goals import scoring, selectors, services
from shiyu.goals.services import _common as perms
from shiyu.goals.views._common import _act, _capabilities, _float, _int, _required_date, read_uploads

# --- scorecards ----------------------------------------------------------------------------


@staff_view
@require_POST
def scheme_create(request: HttpRequest) -> HttpResponse:
    back = reverse("goals:index")
    p = request.POST

    def run() -> str:
        items = {}
        for key in scoring.ITEM_KEYS:
            weight = _float(p.get(f"w_{key}", ""))
            if weight:
                items[key] = weight
        with transaction.atomic():  # created and computed, or neither
            scheme = services.scheme_create(
                actor=request.user,
                name=p.get("name", ""),
                start=_required_date(p.get("start", "")),
                end=_required_date(p.get("end", "")),
                department_ids=[i for i in (_int(v) for v in p.getlist("departments")) if i],
                items=items,
            )
            services.scheme_recompute(actor=request.user, scheme_id=scheme.pk)
        return reverse("goals:scheme", kwargs={"scheme_id": scheme.pk})

    return _act(request, run, back=back, done=back, message=_("Scheme created and computed."))


@staff_view
@require_safe
def scheme(request: HttpRequest, scheme_id: int) -> HttpResponse:
    obj = selectors.scheme_get_for_user(actor=request.user, scheme_id=scheme_id)
    result = selectors.scheme_result(obj)
    for row in result["rows"]:
        dept = Department.objects.filter(pk=row["department_id"]).first()
        row["can_appeal"] = (
            not result["published"]
            and dept is not None
            and perms.can(request.user, "appeal_submit", department=dept)
        )
    return render(
        request,
        "goals/scheme.html",
        {
            "scheme": obj,
            "result": result,
            "appeals": selectors.appeal_list_for_user(actor=request.user, scheme=obj),
            **_capabilities(request.user),
        },
    )


def _scheme_action(
    request: HttpRequest, scheme_id: int, action: Callable[[], Any], message: str
) -> HttpResponse:
    selectors.scheme_get_for_user(actor=request.user, scheme_id=scheme_id)
    back = reverse("goals:scheme", kwargs={"scheme_id": scheme_id})
    return _act(request, action, back=back, done=back, message=message)


@staff_view
@require_POST
def scheme_recompute(request: HttpRequest, scheme_id: int) -> HttpResponse:
    return _scheme_action(
        request,
        scheme_id,
        lambda: services.scheme_recompute(actor=request.user, scheme_id=scheme_id),
        _("Scorecard recomputed."),
    )


@staff_view
@require_POST
def scheme_publish(request: HttpRequest, scheme_id: int) -> HttpResponse:
    return _scheme_action(
        request,
        scheme_id,
        lambda: services.scheme_publish(actor=request.user, scheme_id=scheme_id),
        _("Scorecard published."),
    )


@staff_view
@require_POST
def appeal_submit(request: HttpRequest, scheme_id: int) -> HttpResponse:
    p = request.POST
    uploads = read_uploads(request)

    def run() -> None:
        proposed = _float(p.get("proposed_value", ""))
        services.appeal_submit(
            actor=request.user,
            score_id=_int(p.get("score", "")) or 0,
            reason=p.get("reason", ""),
            evidence=p.get("evidence", ""),
            proposed_value=proposed / 100 if proposed is not None else None,
            scheme_id=scheme_id,
            uploads=uploads,
        )

    return _scheme_action(request, scheme_id, run, _("Appeal submitted."))


@staff_view
@require_POST
def appeal_review(request: HttpRequest, appeal_id: int) -> HttpResponse:
    from shiyu.goals.models import Appeal

    appeal = Appeal.objects.filter(pk=perms.key(appeal_id)).select_related("score").first()
    if appeal is None:
        raise Http404
    p = request.POST

    def run() -> None:
        value = _float(p.get("value", ""))
        services.appeal_review(
            actor=request.user,
            appeal_id=appeal_id,
            accept=p.get("accept") == "1",
            decision=p.get("decision", ""),
            value=value / 100 if value is not None else None,
        )

    return _scheme_action(request, appeal.score.scheme_id, run, _("Appeal decided."))
