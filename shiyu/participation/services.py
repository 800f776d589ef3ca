"""The only code that writes proposals and supports.

Flow: a signed-in resident proposes for a community → moderation (approve or hide, with a
reason) → residents support it, one support each (a unique constraint, so concurrent clicks
cannot count twice) → at the threshold within the support period it is forwarded to the
responsible unit, whose members are notified → the unit answers: accepted proposals become
projects (contract C3, goals), declined ones keep the reason. Supporters hear of the answer.
A proposal whose support period ends below the threshold is closed as expired by an hourly job,
and its author is told; it stays public, so residents can see what was asked and how far it got.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.accounts import policies
from shiyu.accounts.models import Department, Membership
from shiyu.audit.services import audit_record
from shiyu.core import citysettings, clock, errors
from shiyu.core.ids import is_valid_id
from shiyu.core.text import clean
from shiyu.geo.models import Area
from shiyu.notifications.services import Message, notify_users
from shiyu.participation.models import Proposal, Support

THRESHOLD = citysettings.declare(
    "participation.support_threshold", 20,
    gettext_lazy("Supporters a proposal needs to go to the responsible unit"), minimum=1, maximum=100000)
PERIOD_DAYS = citysettings.declare(
    "participation.support_days", 30, gettext_lazy("Days a proposal collects support"),
    minimum=1, maximum=365)
PREMODERATION = citysettings.declare(
    "participation.premoderation", True,
    gettext_lazy("New proposals wait for a moderator before they are public"))
MODERATE = "proposal_moderate"
RESPOND = "proposal_respond"
PROJECT_PERMISSION = "goal_manage"  # goals' permission to start projects (checked again by goals)
COMMUNITY_LEVELS = ("community", "grid")
TITLE_MAX, BODY_MAX, REASON_MAX = 120, 5000, 2000


def _signed_in(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise errors.Forbidden(_("Please sign in."))


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = clean(value or "")
    if required and not value:
        raise errors.InvalidInput(_("This field is required."), field=field)
    if len(value) > limit:
        raise errors.InvalidInput(_("The text is longer than %(n)d characters.") % {"n": limit}, field=field)
    return value


def _lock(proposal_id: int) -> Proposal:
    if not is_valid_id(proposal_id):
        raise errors.NotFound()
    proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None:
        raise errors.NotFound()
    return proposal


def _open_support(proposal: Proposal, now: Any) -> dict[str, Any]:
    return {"status": Proposal.Status.OPEN, "support_until": now + timedelta(days=PERIOD_DAYS.get())}


@transaction.atomic
def proposal_create(*, actor: Any, area: Area | int | str, title: str, body: str) -> Proposal:
    _signed_in(actor)
    title = _text(title, "title", TITLE_MAX)
    body = _text(body, "body", BODY_MAX)
    found = area if isinstance(area, Area) else (
        Area.objects.filter(pk=int(area)).first() if str(area).isdigit() and is_valid_id(int(area)) else None)
    if found is None or found.level not in COMMUNITY_LEVELS:
        raise errors.InvalidInput(_("Choose your community."), field="area")
    now = clock.now()
    fields: dict[str, Any] = {"status": Proposal.Status.PENDING}
    if not PREMODERATION.get():
        fields = _open_support(Proposal(), now)
    proposal = Proposal.objects.create(area=found, author=actor, title=title, body=body, created_at=now,
                                       updated_at=now, **fields)
    audit_record(actor=actor, verb="participation.proposal.create", obj=proposal)
    return proposal


@transaction.atomic
def proposal_moderate(*, actor: Any, proposal_id: int, decision: str, reason: str = "") -> Proposal:
    """approve (pending or hidden → collecting support) or hide (with a reason the author sees)."""
    _signed_in(actor)
    if not policies.roles_allowed(actor, MODERATE):
        raise errors.Forbidden()
    proposal = _lock(proposal_id)
    reason = _text(reason, "reason", REASON_MAX, required=decision == "hide")
    now = clock.now()
    if decision == "approve":
        if proposal.status not in (Proposal.Status.PENDING, Proposal.Status.HIDDEN):
            raise errors.IllegalTransition()
        changes = {**_open_support(proposal, now), "moderation_reason": reason}
    elif decision == "hide":
        # An expired proposal stays public, so moderation must still be able to take it down.
        if proposal.status not in (Proposal.Status.PENDING, Proposal.Status.OPEN, Proposal.Status.EXPIRED):
            raise errors.IllegalTransition()
        changes = {"status": Proposal.Status.HIDDEN, "moderation_reason": reason}
    else:
        raise errors.InvalidInput(_("Choose approve or hide."), field="decision")
    Proposal.objects.filter(pk=proposal.pk).update(**changes, updated_at=now, version=F("version") + 1)
    proposal.refresh_from_db()
    audit_record(actor=actor, verb=f"participation.proposal.{decision}", obj=proposal,
                 data={"reason": reason})
    return proposal


def responsible_department(area: Area) -> Department | None:
    """The unit nearest above the community: the street's or else the district's government."""
    ids = [int(p) for p in (area.path or "").strip("/").split("/") if p]
    # Handling units only (a community's mediation committee is not the unit that answers).
    units = Department.objects.filter(area_id__in=ids, is_active=True, kind=Department.Kind.UNIT)
    by_area = {d.area_id: d for d in units}
    for area_id in reversed(ids):
        if area_id in by_area:
            return by_area[area_id]
    return None


def _unit_user_ids(department: Department) -> list[int]:
    return sorted(set(Membership.objects.filter(
        department__path__startswith=department.path, role__code__in=("unithead", "handler"),
        user__is_active=True).values_list("user_id", flat=True)))


@transaction.atomic
def proposal_support(*, actor: Any, proposal_id: int) -> Proposal:
    """One support per person; the one that reaches the threshold forwards the proposal."""
    _signed_in(actor)
    proposal = _lock(proposal_id)
    now = clock.now()
    if proposal.status != Proposal.Status.OPEN:
        raise errors.Conflict(_("This proposal is not collecting support."))
    if proposal.support_until and now > proposal.support_until:
        raise errors.Conflict(_("The support period of this proposal has ended."))
    if proposal.author_id == actor.pk:
        raise errors.Conflict(_("You cannot support your own proposal."))
    try:
        # A savepoint: the unique constraint may refuse it without spoiling the transaction.
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=actor, created_at=now)
    except IntegrityError:
        raise errors.Conflict(_("You already support this proposal.")) from None
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1, updated_at=now)
    proposal.refresh_from_db()
    audit_record(actor=actor, verb="participation.proposal.support", obj=proposal)
    if proposal.support_count >= THRESHOLD.get():
        proposal = _forward(proposal, now)
    return proposal


def _forward(proposal: Proposal, now: Any) -> Proposal:
    department = responsible_department(proposal.area)
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.FORWARDED, department=department, forwarded_at=now, updated_at=now,
        version=F("version") + 1)
    proposal.refresh_from_db()
    audit_record(actor=None, verb="participation.proposal.forward", obj=proposal,
                 data={"department": department.pk if department else None,
                       "supporters": proposal.support_count})
    if department is not None:
        notify_users(user_ids=_unit_user_ids(department), message=Message(
            key=f"proposal:{proposal.pk}:forwarded", kind="proposal_forwarded",
            title=_("A community proposal needs your unit's response: %(title)s") % {"title": proposal.title},
            body=_("%(n)d residents support it.") % {"n": proposal.support_count},
            link=reverse("participation:queue")))
    return proposal


def proposals_expire(*, now: Any = None) -> int:
    """Close proposals whose support period ended below the threshold (forward those at or above
    it, which a lowered threshold can leave open). Idempotent: only a proposal still open and past
    its period moves, each under its own row lock and transaction (a support that lands first and
    forwards it wins), and the author's notice has a dedupe key."""
    now = now or clock.now()
    due = list(Proposal.objects.filter(status=Proposal.Status.OPEN, support_until__lt=now)
               .order_by("support_until", "id").values_list("id", flat=True))
    return sum(_expire_one(proposal_id, now) for proposal_id in due)


@transaction.atomic
def _expire_one(proposal_id: int, now: Any) -> bool:
    proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
    if (proposal is None or proposal.status != Proposal.Status.OPEN or proposal.support_until is None
            or proposal.support_until >= now):
        return False
    needed = THRESHOLD.get()
    if proposal.support_count >= needed:
        # Enough supporters under today's threshold (the city lowered it after they came): the
        # proposal goes where the threshold says, not to the archive.
        _forward(proposal, now)
        return True
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.EXPIRED, updated_at=now,
                                                   version=F("version") + 1)
    proposal.refresh_from_db()
    audit_record(actor=None, verb="participation.proposal.expire", obj=proposal,
                 data={"supporters": proposal.support_count, "threshold": needed})
    if proposal.author_id:
        notify_users(user_ids=[proposal.author_id], message=Message(
            key=f"proposal:{proposal.pk}:expired", kind="proposal_expired",
            title=_("The support period of your proposal has ended: %(title)s") % {"title": proposal.title},
            body=_("It gathered %(n)d of the %(needed)d supporters needed, so it was not forwarded. "
                   "You may propose it again.") % {"n": proposal.support_count, "needed": needed},
            link=reverse("participation-public:detail", args=[proposal.pk])), email=False)
    return True


def _create_project(actor: Any, proposal: Proposal) -> str:
    """Contract C3 (goals): goals decides who may start a project (its goal_manage permission)."""
    from shiyu.goals.services import project_create_from_proposal

    if proposal.department_id is None:
        raise errors.Conflict(_("The proposal has no responsible unit to own the project."))
    project = project_create_from_proposal(
        actor=actor, title=proposal.title, description=proposal.body,
        owner_department_id=proposal.department_id, source_ref=proposal.source_ref)
    return f"project:{project.pk}"


@transaction.atomic
def proposal_project_create(*, actor: Any, proposal_id: int) -> Proposal:
    """An accepted proposal becomes a project (idempotent: C3 returns the same project again).
    Done at once when the unit's answer comes from someone who may start projects; otherwise by
    a goal manager from the staff queue."""
    _signed_in(actor)
    proposal = _lock(proposal_id)
    if proposal.status != Proposal.Status.ACCEPTED:
        raise errors.IllegalTransition()
    ref = _create_project(actor, proposal)
    if ref != proposal.project_ref:
        Proposal.objects.filter(pk=proposal.pk).update(project_ref=ref, updated_at=clock.now(),
                                                       version=F("version") + 1)
        proposal.refresh_from_db()
        audit_record(actor=actor, verb="participation.proposal.project", obj=proposal, data={"project": ref})
    return proposal


@transaction.atomic
def proposal_respond(*, actor: Any, proposal_id: int, decision: str, response: str) -> Proposal:
    """The unit's official response: accept (a project follows) or decline, with the reasons."""
    _signed_in(actor)
    proposal = _lock(proposal_id)
    department = proposal.department
    target = policies.Target(area_path=proposal.area.path,
                             lead_department_path=department.path if department else None)
    if not policies.can(actor, RESPOND, target):
        raise errors.Forbidden()
    if proposal.status != Proposal.Status.FORWARDED:
        raise errors.IllegalTransition()
    if decision not in ("accept", "decline"):
        raise errors.InvalidInput(_("Choose accept or decline."), field="decision")
    response = _text(response, "response", REASON_MAX)
    now = clock.now()
    status = Proposal.Status.ACCEPTED if decision == "accept" else Proposal.Status.DECLINED
    Proposal.objects.filter(pk=proposal.pk).update(status=status, response=response, responded_at=now,
                                                   updated_at=now, version=F("version") + 1)
    proposal.refresh_from_db()
    audit_record(actor=actor, verb=f"participation.proposal.{decision}", obj=proposal)
    if decision == "accept" and department is not None and policies.roles_allowed(actor, PROJECT_PERMISSION):
        proposal = proposal_project_create(actor=actor, proposal_id=proposal.pk)
    supporters = list(Support.objects.filter(proposal=proposal).values_list("user_id", flat=True))
    notify_users(user_ids=[*supporters, *([proposal.author_id] if proposal.author_id else [])],
                 message=Message(key=f"proposal:{proposal.pk}:response", kind="proposal_response",
                                 title=_("The unit has answered the proposal: %(title)s") % {
                                     "title": proposal.title},
                                 body=response, link=reverse("participation-public:detail",
                                                             args=[proposal.pk])),
                 email=False)
    return proposal
