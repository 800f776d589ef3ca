"""The staff inbox: list, mark one read, mark all read. Only the recipient sees an entry."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from shiyu.accounts import policies
from shiyu.core import errors
from shiyu.notifications import selectors, services

PAGE_SIZE = 30


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policies.is_staff_user(request.user):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound:
            raise Http404 from None

    return wrapped


@staff_only
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    items = selectors.inbox_for_user(actor=request.user, unread_only=unread_only)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@staff_only
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    item = services.notification_mark_read(actor=request.user, notification_id=notification_id)
    nxt = request.POST.get("next", "")
    if request.POST.get("open") and item.link.startswith("/"):
        nxt = item.link
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("notifications:inbox")


@staff_only
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(actor=request.user)
    return redirect("notifications:inbox")
