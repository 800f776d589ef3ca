"""Proposal pages: the public list and detail, proposing and supporting (signed in), and the
staff queue (moderation; the unit's official response). Thin: parse, call one service, render."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shiyu.accounts import policies
from shiyu.cases.views import staff_view
from shiyu.core import errors
from shiyu.geo.models import Area
from shiyu.geo.selectors import area_label
from shiyu.participation import selectors, services
from shiyu.participation.models import Proposal

PAGE_SIZE = 20


def _communities() -> list[tuple[int, str]]:
    return [(a.pk, area_label(a)) for a in Area.objects.filter(level="community").order_by("path")]


def _row(p: Proposal) -> dict:
    return {"p": p, "area": area_label(p.area), "author": selectors.author_label(p),
            "title": selectors.public_text(p.title), "body": selectors.public_text(p.body),
            "department": str(p.department) if p.department else ""}


@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("area", "")
    area_id = int(raw) if raw.isascii() and raw.isdigit() else None
    status = request.GET.get("status", "")
    qs = selectors.proposal_list_public(area_id=area_id, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "participation/list.html", {
        "page": page, "rows": [_row(p) for p in page], "communities": _communities(), "area_id": area_id,
        "status": status, "statuses": [(s, Proposal.Status(s).label) for s in selectors.PUBLIC_STATUSES],
        "threshold": selectors.threshold()})


@require_GET
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    try:
        proposal = selectors.proposal_get_for_user(actor=request.user, proposal_id=proposal_id)
    except errors.NotFound:
        raise Http404 from None
    return render(request, "participation/detail.html", {
        **_row(proposal), "threshold": selectors.threshold(), "progress": selectors.progress(proposal),
        "supported": selectors.has_supported(actor=request.user, proposal=proposal),
        "is_author": request.user.is_authenticated and proposal.author_id == request.user.pk})


@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    values = {"title": "", "body": "", "area": ""}
    error, field, status = None, None, 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            proposal = services.proposal_create(actor=request.user, area=values["area"],
                                                title=values["title"], body=values["body"])
        except errors.InvalidInput as exc:
            error, field, status = exc.message, exc.field, 422
        else:
            if proposal.status == Proposal.Status.PENDING:
                messages.success(request, _("Thank you. Your proposal is published once a moderator "
                                            "has read it."))
            else:
                messages.success(request, _("Thank you. Your proposal is published."))
            return redirect("participation-public:detail", proposal_id=proposal.pk)
    return render(request, "participation/new.html", {"values": values, "error": error, "field": field,
                                                      "communities": _communities()}, status=status)


@require_POST
def proposal_support(request: HttpRequest, proposal_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        selectors.proposal_get_for_user(actor=request.user, proposal_id=proposal_id)
        services.proposal_support(actor=request.user, proposal_id=proposal_id)
    except errors.NotFound:
        raise Http404 from None
    except errors.DomainError as exc:
        messages.warning(request, str(exc.message))
    else:
        messages.success(request, _("Thank you for your support."))
    return redirect("participation-public:detail", proposal_id=proposal_id)


# ---- staff -------------------------------------------------------------------------------

@staff_view
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    actor = request.user
    can_moderate = policies.roles_allowed(actor, services.MODERATE)
    can_respond = policies.roles_allowed(actor, services.RESPOND)
    can_project = policies.roles_allowed(actor, services.PROJECT_PERMISSION)
    if not (can_moderate or can_respond or can_project):
        raise PermissionDenied
    return render(request, "participation/queue.html", {
        "moderation": [_row(p) for p in selectors.moderation_queue(actor=actor)[:200]],
        "responses": [_row(p) for p in selectors.response_queue(actor=actor)],
        "projects": [_row(p) for p in selectors.project_queue(actor=actor)[:200]],
        "can_moderate": can_moderate, "can_respond": can_respond, "can_project": can_project,
        "threshold": selectors.threshold()})


def _staff_post(request: HttpRequest, call) -> HttpResponse:
    try:
        call()
    except errors.NotFound:
        raise Http404 from None
    except errors.Forbidden:
        raise PermissionDenied from None
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("participation:queue")
    messages.success(request, _("Saved."))
    return redirect("participation:queue")


@staff_view
@require_POST
def moderate(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _staff_post(request, lambda: services.proposal_moderate(
        actor=request.user, proposal_id=proposal_id, decision=request.POST.get("decision", ""),
        reason=request.POST.get("reason", "")))


@staff_view
@require_POST
def respond(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _staff_post(request, lambda: services.proposal_respond(
        actor=request.user, proposal_id=proposal_id, decision=request.POST.get("decision", ""),
        response=request.POST.get("response", "")))


@staff_view
@require_POST
def project(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _staff_post(request, lambda: services.proposal_project_create(actor=request.user,
                                                                         proposal_id=proposal_id))
