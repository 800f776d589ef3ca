"""The routing fragment on the staff case page, its two one-click actions, and the resident's
"this may already be reported" hint. Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from shiyu.cases import services as case_services
from shiyu.cases.views import staff_view
from shiyu.core import errors, ratelimit
from shiyu.routing import selectors, services


def _panel(request: HttpRequest, case_id: int, *, status: int = 200, error: str = "") -> HttpResponse:
    context = selectors.routing_panel_for_user(actor=request.user, case_id=case_id)
    context["error"] = error
    return render(request, "routing/_case_routing.html", context, status=status)


@staff_view
@require_safe
def case_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    return _panel(request, case_id)


def _done(request: HttpRequest, case_id: int, message: str) -> HttpResponse:
    messages.success(request, message)
    try:
        selectors.routing_panel_for_user(actor=request.user, case_id=case_id)
        target = reverse("cases:case", kwargs={"case_id": case_id})
    except errors.NotFound:  # the action handed the case to a unit this user does not see
        target = reverse("cases:workbench")
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return redirect(target)


@staff_view
@require_POST
def case_apply(request: HttpRequest, case_id: int) -> HttpResponse:
    selectors.routing_panel_for_user(actor=request.user, case_id=case_id)  # 404 before anything else
    try:
        services.route_apply(
            actor=request.user, case_id=case_id, category_code=request.POST.get("category", "").strip()[:32]
        )
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        return _panel(request, case_id, status=exc.status, error=str(exc.message))
    return _done(request, case_id, _("Dispatched as the catalog says."))


@staff_view
@require_POST
def case_merge(request: HttpRequest, case_id: int) -> HttpResponse:
    selectors.routing_panel_for_user(actor=request.user, case_id=case_id)
    target = request.POST.get("target", "").strip()[:20]
    try:
        case_services.case_merge(
            actor=request.user, case_id=case_id, target_id=target, note=_("Merged as a duplicate.")
        )
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        return _panel(request, case_id, status=exc.status, error=str(exc.message))
    return _done(request, case_id, _("Merged into the earlier case."))


def _coordinate(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) <= 180 else None  # not NaN, in range


@require_POST
def similar(request: HttpRequest) -> HttpResponse:
    """The resident's draft → recent cases it may repeat (an htmx fragment inside the form)."""
    try:
        ratelimit.check(request, "similar")
    except errors.RateLimited:
        return HttpResponse(status=204)  # the hint is a courtesy: no hint rather than an error
    post = request.POST
    found = selectors.similar_public(
        title=post.get("title", "")[:200],
        body=post.get("body", "")[:1000],
        category=post.get("category", "").strip()[:32],
        area=post.get("area", "").strip()[:32],
        latitude=_coordinate(post.get("latitude", "")),
        longitude=_coordinate(post.get("longitude", "")),
    )
    for item in found:
        item["token"] = services.follow_token(item["id"])
    return render(request, "routing/_similar.html", {"similar": found})
