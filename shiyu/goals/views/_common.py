"""What the staff views share: turning domain errors into pages, parsing form fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shiyu.core import errors
from shiyu.goals.services import _common as perms
from shiyu.goals.services import files


def _fail(request: HttpRequest, exc: errors.DomainError, back: str) -> HttpResponse:
    if isinstance(exc, errors.NotFound):
        raise Http404
    if isinstance(exc, errors.Forbidden):
        raise PermissionDenied
    return render(request, "goals/error.html", {"message": str(exc.message), "back": back}, status=exc.status)


def _act(
    request: HttpRequest, action: Callable[[], Any], *, back: str, done: str, message: str
) -> HttpResponse:
    """Run one service call; on success go to `done` (or to the URL the action returns)."""
    try:
        target = action()
    except errors.DomainError as exc:
        return _fail(request, exc, back)
    messages.success(request, message)
    return redirect(target if isinstance(target, str) else done)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        raise errors.InvalidInput(_("Enter a date like 2027-03-31.")) from None


def _required_date(value: str) -> date:
    found = _date(value)
    if found is None:
        raise errors.InvalidInput(_("Enter a date like 2027-03-31."))
    return found


def _int(value: str) -> int | None:
    try:
        return int(value) if value and value.strip() else None
    except ValueError:
        raise errors.InvalidInput(_("The input is not valid.")) from None


def _float(value: str) -> float | None:
    try:
        return float(value) if value and value.strip() else None
    except ValueError:
        raise errors.InvalidInput(_("Enter a number.")) from None


def _capabilities(user: Any) -> dict[str, bool]:
    return {"manage": perms.can(user, "goal_manage"), "review": perms.can(user, "appeal_review")}


def read_uploads(request: HttpRequest) -> list[files.Upload]:
    """The form's files, each read up to one byte past the size limit (the service refuses it) and
    one file past the count limit, so an oversized post costs no more than that."""
    limit = int(files.MAX_MB.get()) * 1024 * 1024 + 1
    return [files.Upload(name=f.name or "file", content=f.read(limit))
            for f in request.FILES.getlist("files")[: files.MAX_FILES + 1]]
