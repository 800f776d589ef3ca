"""Staff pages of early warning: the alert list and detail (acknowledge, resolve), hot issues.
Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shiyu.alerts import selectors, services
from shiyu.alerts.models import Alert
from shiyu.cases.views import staff_view
from shiyu.core import errors

STATUS_FILTERS = ("active", "open", "acknowledged", "resolved", "false_alarm", "")


@staff_view
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "active")
    status = status if status in STATUS_FILTERS else "active"
    kind = request.GET.get("kind", "")
    kind = kind if kind in Alert.Kind.values else ""
    qs = selectors.alert_list_for_user(actor=request.user, status=status, kind=kind)
    return render(request, "alerts/list.html", {
        "alerts": qs[:200], "status": status, "kind": kind, "kinds": Alert.Kind.choices,
        "statuses": Alert.Status.choices})


def _detail(request: HttpRequest, alert_id: int, *, error: object = None, status: int = 200) -> HttpResponse:
    alert = selectors.alert_get_for_user(actor=request.user, alert_id=alert_id)
    return render(request, "alerts/detail.html", {
        "alert": alert, "can_handle": selectors.alert_can_handle(actor=request.user, alert=alert),
        "case_ids": alert.detail.get("case_ids", []), "series": alert.detail.get("series", []),
        "error": error}, status=status)


@staff_view
@require_GET
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _detail(request, alert_id)


@staff_view
@require_POST
def alert_action(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    selectors.alert_get_for_user(actor=request.user, alert_id=alert_id)
    note = request.POST.get("note", "")
    try:
        if action == "acknowledge":
            services.alert_acknowledge(actor=request.user, alert_id=alert_id, note=note)
            messages.success(request, _("Alert acknowledged."))
        elif action in ("resolve", "false_alarm"):
            services.alert_resolve(actor=request.user, alert_id=alert_id, note=note,
                                   false_alarm=action == "false_alarm")
            messages.success(request, _("Alert closed."))
        else:
            raise errors.NotFound()
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        return _detail(request, alert_id, error=exc.message, status=exc.status)
    return redirect("alerts:detail", alert_id=alert_id)


@staff_view
@require_GET
def hot_issues(request: HttpRequest) -> HttpResponse:
    from shiyu.insights.hotissues import hot_issues_recent

    try:
        days = min(max(int(request.GET.get("days", 30)), 1), 90)
    except ValueError:
        days = 30
    # Clustering a month of a big city takes seconds: each viewer's list is kept ten minutes.
    issues = cache.get_or_set(f"alerts:hot-issues:{request.user.pk}:{days}",
                              lambda: hot_issues_recent(actor=request.user, days=days, top=10), 600)
    return render(request, "alerts/hot_issues.html", {"issues": issues, "days": days,
                                                      "day_choices": (7, 14, 30, 60, 90)})
