"""Staff pages of the disputes app, and the fragment on the case page. Thin: parse, call one
service or selector, render."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shiyu.accounts import policies
from shiyu.cases.selectors import case_get_for_user, target_of
from shiyu.cases.views import staff_view
from shiyu.core import errors
from shiyu.disputes import selectors, services, workflow
from shiyu.disputes.models import Dispute, Party

ACTION_LABELS = {
    "assign": gettext_lazy("Assign a mediator"),
    "hold_session": gettext_lazy("Record a mediation session"),
    "agree": gettext_lazy("Record the agreement"),
    "follow_up": gettext_lazy("Follow up the agreement"),
    "refer": gettext_lazy("No agreement: refer"),
    "withdraw": gettext_lazy("The applicant withdraws"),
    "assess_risk": gettext_lazy("Set the risk level"),
}


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


def _parties(post: Any) -> list[services.PartyInput]:
    out = []
    for side, name, contact in zip(
        post.getlist("party_side"), post.getlist("party_name"), post.getlist("party_contact"), strict=False
    ):
        if name.strip() or contact.strip():
            out.append(services.PartyInput(side=side, name=name, contact=contact))
    return out


@staff_view
@require_GET
def dispute_list(request: HttpRequest) -> HttpResponse:
    state, risk = request.GET.get("state", "open")[:16], request.GET.get("risk", "")[:8]
    qs = selectors.dispute_list_for_user(actor=request.user, state=state, risk=risk)
    return render(
        request,
        "disputes/list.html",
        {
            "disputes": qs[:200],
            "state": state,
            "risk": risk,
            "states": [s.value for s in workflow.State],
            "risks": Dispute.Risk.choices,
            "can_register": bool(selectors.committees_for_user(actor=request.user)),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def dispute_new(request: HttpRequest) -> HttpResponse:
    committees = selectors.committees_for_user(actor=request.user)
    if not committees:
        raise errors.NotFound()
    error, status = None, 200
    if request.method == "POST":
        committee = next((c for c in committees if c.pk == _int(request.POST.get("committee"))), None)
        try:
            dispute = services.dispute_register(
                actor=request.user,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                type_code=request.POST.get("type", ""),
                area_id=committee.area_id if committee and committee.area_id else 0,
                committee_id=committee.pk if committee else None,
                amount=request.POST.get("amount", ""),
                parties=_parties(request.POST),
            )
        except errors.DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Dispute registered."))
            return redirect("disputes:detail", dispute_id=dispute.pk)
    return render(
        request,
        "disputes/new.html",
        {
            "committees": committees,
            "types": selectors.dispute_type_list(),
            "sides": Party.Side.choices,
            "error": error,
            "form": request.POST,
        },
        status=status,
    )


def _detail(request: HttpRequest, dispute_id: int, *, error: Any = None, status: int = 200) -> HttpResponse:
    dispute = selectors.dispute_get_for_user(actor=request.user, dispute_id=dispute_id)
    actions = selectors.actions_for_user(actor=request.user, dispute=dispute)
    return render(
        request,
        "disputes/detail.html",
        {
            "dispute": dispute,
            "parties": selectors.parties_for_user(actor=request.user, dispute=dispute),
            "sessions": dispute.sessions.all(),
            "agreement": getattr(dispute, "agreement", None) if hasattr(dispute, "agreement") else None,
            "events": selectors.dispute_events_for_user(actor=request.user, dispute_id=dispute.pk),
            "actions": [(a, ACTION_LABELS.get(a, a)) for a in actions],
            "mediators": selectors.mediators_of(dispute.committee) if "assign" in actions else [],
            "case_visible": _case_visible(request.user, dispute.case_id),
            "error": error,
            "referral_targets": Dispute.Referral.choices,
            "risks": Dispute.Risk.choices,
        },
        status=status,
    )


def _case_visible(actor: Any, case_id: int | None) -> bool:
    if case_id is None:
        return False
    try:
        case_get_for_user(actor=actor, case_id=case_id)
    except errors.NotFound:
        return False
    return True


@staff_view
@require_GET
def dispute_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    return _detail(request, dispute_id)


@staff_view
@require_POST
def dispute_action(request: HttpRequest, dispute_id: int, action: str) -> HttpResponse:
    selectors.dispute_get_for_user(actor=request.user, dispute_id=dispute_id)  # 404 before anything else
    post = request.POST
    data = {
        "version": _int(post.get("version")),
        "mediator": _int(post.get("mediator")),
        "held_at": _when(post.get("held_at", "")),
        "deadline": _when(post.get("deadline", "")),
        "working_days": _int(post.get("working_days")),
        **{
            k: post.get(k, "")
            for k in (
                "place",
                "attendees",
                "summary",
                "terms",
                "performance",
                "note",
                "target",
                "reason",
                "level",
            )
        },
    }
    try:
        services.dispute_act(actor=request.user, dispute_id=dispute_id, action=action, data=data)
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        return _detail(request, dispute_id, error=exc.message, status=exc.status)
    messages.success(request, _("Done."))
    try:
        selectors.dispute_get_for_user(actor=request.user, dispute_id=dispute_id)
    except errors.NotFound:  # referred up, out of this mediator's committee
        return redirect("disputes:list")
    return redirect("disputes:detail", dispute_id=dispute_id)


@staff_view
@require_GET
def agreement_document(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """The agreement as a document to print and sign (人民调解协议书)."""
    dispute = selectors.dispute_get_for_user(actor=request.user, dispute_id=dispute_id)
    if not hasattr(dispute, "agreement"):
        raise errors.NotFound()
    return render(
        request,
        "disputes/agreement.html",
        {
            "dispute": dispute,
            "agreement": dispute.agreement,
            "parties": selectors.parties_for_user(actor=request.user, dispute=dispute),
            "sessions": dispute.sessions.all(),
        },
    )


@staff_view
@require_GET
def case_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    """On the case page: the dispute it became, or the form to turn it into one."""
    case = case_get_for_user(actor=request.user, case_id=case_id)
    dispute = selectors.dispute_for_case(case_id=case.pk)
    can_convert = dispute is None and policies.can(
        request.user, workflow.permission("convert"), target_of(case)
    )
    visible = dispute is not None and selectors.staff_can_see(request.user, selectors.target_of(dispute))
    return render(
        request,
        "disputes/_case_panel.html",
        {
            "case": case,
            "dispute": dispute,
            "dispute_visible": visible,
            "can_convert": can_convert,
            "types": selectors.dispute_type_list() if can_convert else [],
        },
    )


@staff_view
@require_POST
def case_convert(request: HttpRequest, case_id: int) -> HttpResponse:
    case_get_for_user(actor=request.user, case_id=case_id)  # 404 before anything else
    try:
        dispute = services.dispute_convert_from_case(
            actor=request.user, case_id=case_id, type_code=request.POST.get("type", "")
        )
    except errors.NotFound:
        raise
    except errors.Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from None
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:case", case_id=case_id)
    messages.success(request, _("The case is now dispute #%(id)s.") % {"id": dispute.pk})
    if selectors.staff_can_see(request.user, selectors.target_of(dispute)):
        return redirect("disputes:detail", dispute_id=dispute.pk)
    return redirect("cases:case", case_id=case_id)
