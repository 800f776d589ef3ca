"""Reception pages: the public schedule and booking (no personal data shown), and the staff's
sessions, walk-ins, visits and report. Thin: parse, call one service or selector, render."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shiyu.accounts import policies
from shiyu.accounts.models import Department, Membership, User
from shiyu.accounts.selectors import department_list
from shiyu.cases.models import Case
from shiyu.cases.views import staff_view
from shiyu.core import errors
from shiyu.reception import selectors, services
from shiyu.reception.models import Booking


def _when(value: str) -> datetime | None:
    parsed = parse_datetime((value or "").strip()[:32])
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---- public ------------------------------------------------------------------------------


@require_GET
def public_sessions(request: HttpRequest) -> HttpResponse:
    sessions = [selectors.session_public_dict(s) for s in selectors.session_list_public()]
    return render(request, "reception/public_sessions.html", {"sessions": sessions})


@require_http_methods(["GET", "POST"])
def public_session(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = selectors.session_get_public(session_id=session_id)
    except errors.NotFound:
        raise Http404 from None
    error, status = None, 200
    if request.method == "POST":
        try:
            booking = services.booking_create(
                actor=request.user,
                session_id=session.pk,
                topic=request.POST.get("topic", ""),
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
            )
        except errors.NotFound:
            raise Http404 from None
        except errors.DomainError as exc:
            error, status = exc.message, exc.status
        else:
            return redirect("reception-public:booking", code=booking.code)
    signed_in = request.user.is_authenticated and not policies.is_staff_user(request.user)
    return render(
        request,
        "reception/public_session.html",
        {
            "session": selectors.session_public_dict(session),
            "error": error,
            "form": request.POST,
            "signed_in": signed_in,
        },
        status=status,
    )


@require_GET
def public_booking(request: HttpRequest, code: str) -> HttpResponse:
    """The booking code is the resident's capability: it shows the session and the status, no more."""
    try:
        booking = selectors.booking_by_code(code=code)
    except errors.NotFound:
        raise Http404 from None
    return render(
        request,
        "reception/public_booking.html",
        {"booking": booking, "session": selectors.session_public_dict(booking.session)},
    )


@require_POST
def public_cancel(request: HttpRequest, code: str) -> HttpResponse:
    try:
        services.booking_cancel(actor=request.user, code=code)
    except errors.NotFound:
        raise Http404 from None
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your booking is cancelled."))
    return redirect("reception-public:booking", code=code)


# ---- staff ---------------------------------------------------------------------------------


def _leaders() -> list[User]:
    ids = Membership.objects.filter(role__code="leader").values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=list(ids), is_active=True).order_by("username"))


@staff_view
@require_GET
def staff_sessions(request: HttpRequest) -> HttpResponse:
    sessions = list(selectors.session_list_for_staff(actor=request.user)[:200])
    return render(
        request,
        "reception/staff_sessions.html",
        {"sessions": sessions, "can_create": policies.roles_allowed(request.user, "reception_manage")},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def staff_session_new(request: HttpRequest) -> HttpResponse:
    if not policies.roles_allowed(request.user, "reception_manage"):
        raise PermissionDenied
    error, status = None, 200
    if request.method == "POST":
        p = request.POST
        try:
            session = services.session_create(
                actor=request.user,
                leader_id=_int(p.get("leader")) or 0,
                leader_title=p.get("leader_title", ""),
                place=p.get("place", ""),
                starts_at=_when(p.get("starts_at", "")),
                ends_at=_when(p.get("ends_at", "")),
                capacity=_int(p.get("capacity")) or 0,
                topics=p.get("topics", ""),
                area_id=_int(p.get("area")),
                is_published=p.get("is_published", "") == "on",
            )
        except errors.DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Reception session scheduled."))
            return redirect("reception:session", session_id=session.pk)
    return render(
        request,
        "reception/staff_session_new.html",
        {"leaders": _leaders(), "error": error, "form": request.POST},
        status=status,
    )


def _session_page(
    request: HttpRequest, session_id: int, *, error: Any = None, status: int = 200
) -> HttpResponse:
    session = selectors.session_get_for_staff(actor=request.user, session_id=session_id)
    can_manage = selectors.can(request.user, "reception_manage", session)
    can_assign = selectors.can(request.user, "reception_assign", session)
    bookings = (
        selectors.bookings_for_staff(actor=request.user, session_id=session.pk)
        if (can_manage or session.leader_id == request.user.pk)
        else []
    )
    return render(
        request,
        "reception/staff_session.html",
        {
            "session": session,
            "public": selectors.session_public_dict(session),
            "bookings": bookings,
            "report": selectors.session_report(actor=request.user, session_id=session.pk),
            "can_manage": can_manage,
            "can_assign": can_assign,
            "error": error,
            "kinds": Case.Kind.choices,
            "departments": department_list().filter(kind=Department.Kind.UNIT) if can_assign else [],
        },
        status=status,
    )


@staff_view
@require_GET
def staff_session(request: HttpRequest, session_id: int) -> HttpResponse:
    return _session_page(request, session_id)


def _act(request: HttpRequest, session_id: int, call: Any, done: str) -> HttpResponse:
    selectors.session_get_for_staff(actor=request.user, session_id=session_id)  # 404 before anything else
    try:
        call()
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        return _session_page(request, session_id, error=exc.message, status=exc.status)
    messages.success(request, done)
    return redirect("reception:session", session_id=session_id)


def _booking_of(session_id: int, raw: Any) -> int:
    """The booking must belong to the session in the URL."""
    booking_id = _int(raw) or 0
    if not Booking.objects.filter(pk=booking_id, session_id=session_id).exists():
        raise errors.NotFound()
    return booking_id


@staff_view
@require_POST
def staff_walk_in(request: HttpRequest, session_id: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        session_id,
        lambda: services.walk_in_register(
            actor=request.user,
            session_id=session_id,
            name=p.get("name", ""),
            phone=p.get("phone", ""),
            topic=p.get("topic", ""),
        ),
        _("Walk-in registered."),
    )


@staff_view
@require_POST
def staff_visit(request: HttpRequest, session_id: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        session_id,
        lambda: services.visit_record(
            actor=request.user,
            booking_id=_booking_of(session_id, p.get("booking")),
            title=p.get("title", ""),
            body=p.get("body", ""),
            kind=p.get("kind", "") or Case.Kind.COMPLAINT,
            category=p.get("category") or None,
        ),
        _("Visit recorded: a case has been opened."),
    )


@staff_view
@require_POST
def staff_assign(request: HttpRequest, session_id: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        session_id,
        lambda: services.visit_assign(
            actor=request.user,
            booking_id=_booking_of(session_id, p.get("booking")),
            lead_department_id=_int(p.get("department")) or 0,
            note=p.get("note", ""),
        ),
        _("The case has been assigned."),
    )
