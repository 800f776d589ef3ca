"""Reads of proposals. Public reads never carry the author's identity beyond a masked name."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shiyu.accounts import policies
from shiyu.core import errors
from shiyu.core.ids import is_valid_id
from shiyu.core.masking import mask_name, scrub_public
from shiyu.participation.models import Proposal, Support
from shiyu.participation.services import MODERATE, PROJECT_PERMISSION, RESPOND, THRESHOLD

PUBLIC_STATUSES = (Proposal.Status.OPEN, Proposal.Status.FORWARDED, Proposal.Status.ACCEPTED,
                   Proposal.Status.DECLINED, Proposal.Status.EXPIRED)


def public_text(text: str) -> str:
    """A resident's free text as the public sees it: phone numbers and e-mail addresses masked."""
    return scrub_public(text)


def author_label(proposal: Proposal) -> str:
    user = proposal.author
    if user is None:
        return ""
    return mask_name(user.display_name or user.username)


def proposal_list_public(*, area_id: int | None = None, status: str = "") -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(status__in=PUBLIC_STATUSES).select_related("area", "author", "department")
    if area_id is not None and is_valid_id(area_id):
        qs = qs.filter(Q(area_id=area_id) | Q(area__path__contains=f"/{area_id}/"))
    if status in PUBLIC_STATUSES:
        qs = qs.filter(status=status)
    return qs


def proposal_get_for_user(*, actor: Any, proposal_id: int) -> Proposal:
    """Public proposals for anyone; pending or hidden ones for their author and moderators."""
    if not is_valid_id(proposal_id):
        raise errors.NotFound()
    proposal = Proposal.objects.select_related("area", "author", "department").filter(pk=proposal_id).first()
    if proposal is None:
        raise errors.NotFound()
    if proposal.status in PUBLIC_STATUSES:
        return proposal
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    if signed_in and (proposal.author_id == actor.pk or policies.roles_allowed(actor, MODERATE)):
        return proposal
    raise errors.NotFound()


def has_supported(*, actor: Any, proposal: Proposal) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return Support.objects.filter(proposal=proposal, user=actor).exists()


def progress(proposal: Proposal) -> dict | None:
    """The project's progress (contract C3), for accepted proposals, once goals provides it."""
    if proposal.status != Proposal.Status.ACCEPTED or not proposal.project_ref:
        return None
    from shiyu.goals.selectors import project_progress

    return project_progress(source_ref=proposal.source_ref)


def threshold() -> int:
    return int(THRESHOLD.get())


def moderation_queue(*, actor: Any) -> QuerySet[Proposal]:
    if not policies.roles_allowed(actor, MODERATE):
        return Proposal.objects.none()
    return Proposal.objects.filter(status__in=(Proposal.Status.PENDING, Proposal.Status.OPEN)).select_related(
        "area", "author").order_by("created_at")


def response_queue(*, actor: Any) -> list[Proposal]:
    """Forwarded proposals the actor may answer (their unit's, or any for area-wide grants)."""
    if not policies.roles_allowed(actor, RESPOND):
        return []
    out = []
    for proposal in Proposal.objects.filter(status=Proposal.Status.FORWARDED).select_related(
            "area", "department").order_by("forwarded_at"):
        unit = proposal.department.path if proposal.department else None
        target = policies.Target(area_path=proposal.area.path, lead_department_path=unit)
        if policies.can(actor, RESPOND, target):
            out.append(proposal)
    return out


def project_queue(*, actor: Any) -> QuerySet[Proposal]:
    """Accepted proposals still without a project, for those who may start projects."""
    if not policies.roles_allowed(actor, PROJECT_PERMISSION):
        return Proposal.objects.none()
    return Proposal.objects.filter(status=Proposal.Status.ACCEPTED, project_ref="").select_related(
        "area", "department").order_by("responded_at")
