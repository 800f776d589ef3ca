"""One service per mediation verb."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.accounts import policies
from shiyu.accounts.models import Membership
from shiyu.accounts.services import system_user
from shiyu.cases.selectors import case_get_for_user, target_of
from shiyu.cases.services import case_comment
from shiyu.core import clock, errors, workcal
from shiyu.core.ids import is_valid_id
from shiyu.disputes import risk, selectors, workflow
from shiyu.disputes.models import Agreement, Dispute, MediationSession, Party
from shiyu.disputes.services._core import (
    MAX_AGREEMENT_DAYS,
    PartyInput,
    _apply,
    _assess,
    _aware,
    _committee,
    _create,
    _lock,
    _notify_committee,
    _notify_high_risk,
    _required,
    _resolve,
    _text,
)
from shiyu.geo.models import Area


@transaction.atomic
def dispute_register(
    *,
    actor: Any,
    title: str,
    description: str,
    type_code: str,
    area_id: int,
    committee_id: int | None = None,
    parties: Sequence[PartyInput] = (),
    amount: Any = None,
) -> Dispute:
    """A mediator registers a dispute brought to the committee directly."""
    area = Area.objects.filter(pk=area_id).first() if is_valid_id(area_id) else None
    if area is None:
        raise errors.InvalidInput(_("Choose an area."), field="area")
    committee = _committee(committee_id, area)
    if not policies.can(
        actor,
        workflow.permission("register"),
        policies.Target(area_path=area.path, lead_department_path=committee.path),
    ):
        raise errors.Forbidden()
    return _create(
        actor=actor,
        title=title,
        description=description,
        type_code=type_code,
        area=area,
        committee=committee,
        parties=parties,
        amount=amount,
        case_id=None,
    )


@transaction.atomic
def dispute_convert_from_case(
    *,
    actor: Any,
    case_id: int,
    type_code: str,
    committee_id: int | None = None,
    parties: Sequence[PartyInput] = (),
    amount: Any = None,
    title: str = "",
    description: str = "",
) -> Dispute:
    """An operator turns a case into a dispute for mediation; the case keeps a link to it (and a
    comment on its timeline), the dispute keeps the case."""
    case = case_get_for_user(actor=actor, case_id=case_id)
    if not policies.can(actor, workflow.permission("convert"), target_of(case)):
        raise errors.Forbidden()
    if Dispute.objects.filter(case_id=case.pk).exists():
        raise errors.Conflict(_("This case has already been turned into a dispute."))
    if case.area is None:
        raise errors.InvalidInput(_("The case has no area: set one before mediation."), field="area")
    if not parties and case.contact_name:
        parties = [
            PartyInput(side=Party.Side.APPLICANT, name=case.contact_name, contact=case.contact_phone or "")
        ]
    dispute = _create(
        actor=actor,
        title=title or case.title,
        description=description or case.body,
        type_code=type_code,
        area=case.area,
        committee=_committee(committee_id, case.area),
        parties=parties,
        amount=amount,
        case_id=case.pk,
    )
    # The case's timeline says where it went (an internal comment, not shown to the resident).
    case_comment(
        actor=system_user(),
        case_id=case.pk,
        text=_("Turned into dispute #%(id)s for mediation by %(who)s.") % {"id": dispute.pk, "who": actor},
    )
    return dispute


@transaction.atomic
def dispute_assign(*, actor: Any, dispute_id: int, mediator_id: int, version: int | None = None) -> Dispute:
    dispute = _lock(actor, dispute_id, "assign")
    member = Membership.objects.filter(
        role__code="mediator",
        department=dispute.committee,
        user_id=mediator_id if is_valid_id(mediator_id) else 0,
        user__is_active=True,
    ).first()
    if member is None:
        raise errors.InvalidInput(_("Choose a mediator of the committee."), field="mediator")
    return _apply(
        actor=actor,
        dispute=dispute,
        action="assign",
        version=version,
        payload={"mediator": mediator_id},
        changes={"mediator_id": member.user_id},
        data={"mediator": member.user_id},
    )


@transaction.atomic
def dispute_session_record(
    *,
    actor: Any,
    dispute_id: int,
    held_at: datetime | None,
    summary: str,
    place: str = "",
    attendees: str = "",
    version: int | None = None,
) -> Dispute:
    dispute = _lock(actor, dispute_id, "hold_session")
    summary = _text(summary, "summary")
    held_at = _aware(held_at)
    if held_at is None:
        raise _required("held_at")
    if held_at > clock.now():
        raise errors.InvalidInput(_("A session is recorded after it was held."), field="held_at")
    dispute = _apply(
        actor=actor,
        dispute=dispute,
        action="hold_session",
        version=version,
        payload={"held_at": held_at.isoformat(), "summary": summary},
        data={"held_at": held_at.isoformat()},
    )
    MediationSession.objects.create(
        dispute=dispute,
        held_at=held_at,
        summary=summary,
        place=_text(place, "place", required=False, limit=200),
        attendees=_text(attendees, "attendees", required=False),
        mediator=actor if getattr(actor, "pk", None) else None,
    )
    return dispute


@transaction.atomic
def dispute_agree(
    *,
    actor: Any,
    dispute_id: int,
    terms: str,
    deadline: datetime | None = None,
    working_days: int | None = None,
    version: int | None = None,
) -> Dispute:
    """The parties signed an agreement; its performance is followed up on `deadline` (or after
    `working_days` working days)."""
    dispute = _lock(actor, dispute_id, "agree")
    terms = _text(terms, "terms")
    deadline = _aware(deadline)
    now = clock.now()
    if deadline is None and working_days is not None:
        if (
            isinstance(working_days, bool)
            or not isinstance(working_days, int)
            or not (1 <= working_days <= MAX_AGREEMENT_DAYS)
        ):
            raise errors.InvalidInput(
                _("Give a number of working days between 1 and 365."), field="working_days"
            )
        deadline = workcal.add_working_days(now, working_days)
    if deadline is not None and deadline <= now:
        raise errors.InvalidInput(_("The performance deadline must be in the future."), field="deadline")
    dispute = _apply(
        actor=actor,
        dispute=dispute,
        action="agree",
        version=version,
        payload={"terms": terms, "deadline": deadline.isoformat() if deadline else None},
        data={"deadline": deadline.isoformat() if deadline else None},
    )
    assert deadline is not None
    Agreement.objects.create(dispute=dispute, terms=terms, performance_deadline=deadline, signed_at=now)
    return dispute


@transaction.atomic
def dispute_follow_up(
    *, actor: Any, dispute_id: int, performance: str, note: str = "", version: int | None = None
) -> Dispute:
    dispute = _lock(actor, dispute_id, "follow_up")
    note = _text(note, "note", required=False)
    dispute = _apply(
        actor=actor,
        dispute=dispute,
        action="follow_up",
        version=version,
        payload={"performance": performance},
        note=note,
        data={"performance": performance},
    )
    Agreement.objects.filter(dispute=dispute).update(
        performance=performance, followed_up_at=clock.now(), follow_up_note=note
    )
    return dispute


@transaction.atomic
def dispute_refer(
    *, actor: Any, dispute_id: int, target: str, reason: str, version: int | None = None
) -> Dispute:
    """No agreement: up to the committee one level above (community → street → district), or out
    to arbitration, litigation or another channel. The reason is required either way."""
    dispute = _lock(actor, dispute_id, "refer")
    reason = _text(reason, "reason")
    changes: dict[str, Any] = {
        "referral_target": target if target in workflow.REFERRAL_TARGETS else "",
        "referral_reason": reason,
    }
    data: dict[str, Any] = {"target": target, "from_committee": dispute.committee_id}
    # Illegal moves and a missing target are refused before looking for a committee above.
    _resolve(dispute.state, "refer", {"target": target, "reason": reason})
    if target == "up":
        above = selectors.committee_above(dispute.committee)
        if above is None:
            raise errors.InvalidInput(
                _(
                    "There is no committee above this one: refer the dispute to "
                    "arbitration, litigation or another channel."
                ),
                field="target",
            )
        count = dispute.referral_count + 1
        dispute.referral_count = count
        found = _assess(dispute, dispute.parties.count())
        level = risk.higher(found.level, dispute.risk_level)
        changes.update(
            committee=above,
            mediator=None,
            referral_count=count,
            risk_level=level,
            risk_reasons=sorted(set(dispute.risk_reasons) | set(found.reasons)),
            risk_assessed_at=clock.now(),
        )
        data["to_committee"] = above.pk
    dispute = _apply(
        actor=actor,
        dispute=dispute,
        action="refer",
        version=version,
        payload={"target": target, "reason": reason},
        note=reason,
        changes=changes,
        data=data,
    )
    if target == "up":
        _notify_committee(
            dispute, "referred", _("Dispute #%(id)s referred up to your committee") % {"id": dispute.pk}
        )
        _notify_high_risk(dispute)
    return dispute


@transaction.atomic
def dispute_withdraw(*, actor: Any, dispute_id: int, reason: str, version: int | None = None) -> Dispute:
    dispute = _lock(actor, dispute_id, "withdraw")
    reason = _text(reason, "reason")
    return _apply(
        actor=actor,
        dispute=dispute,
        action="withdraw",
        version=version,
        payload={"reason": reason},
        note=reason,
    )


@transaction.atomic
def dispute_assess_risk(
    *, actor: Any, dispute_id: int, level: str, reason: str, version: int | None = None
) -> Dispute:
    """A mediator's or supervisor's own judgement of the risk, with the reason for it."""
    dispute = _lock(actor, dispute_id, "assess_risk")
    if level not in risk.LEVELS:
        raise errors.InvalidInput(_("Choose a risk level."), field="level")
    reason = _text(reason, "reason", limit=500)
    was = dispute.risk_level
    dispute = _apply(
        actor=actor,
        dispute=dispute,
        action="assess_risk",
        version=version,
        payload={"level": level},
        note=reason,
        data={"from": was, "level": level},
        changes={
            "risk_level": level,
            "risk_reasons": sorted({*dispute.risk_reasons, "manual"}),
            "risk_assessed_at": clock.now(),
        },
    )
    if level == Dispute.Risk.HIGH and was != Dispute.Risk.HIGH:
        _notify_high_risk(dispute)
    return dispute


def dispute_act(*, actor: Any, dispute_id: int, action: str, data: Mapping[str, Any]) -> Dispute:
    """One verb by name with its fields (the API's and the staff pages' single entry point)."""
    common = {"actor": actor, "dispute_id": dispute_id, "version": data.get("version")}
    if action == "assign":
        return dispute_assign(**common, mediator_id=data.get("mediator") or 0)
    if action == "hold_session":
        return dispute_session_record(
            **common,
            held_at=data.get("held_at"),
            summary=data.get("summary", ""),
            place=data.get("place", ""),
            attendees=data.get("attendees", ""),
        )
    if action == "agree":
        return dispute_agree(
            **common,
            terms=data.get("terms", ""),
            deadline=data.get("deadline"),
            working_days=data.get("working_days"),
        )
    if action == "follow_up":
        return dispute_follow_up(**common, performance=data.get("performance", ""), note=data.get("note", ""))
    if action == "refer":
        return dispute_refer(**common, target=data.get("target", ""), reason=data.get("reason", ""))
    if action == "withdraw":
        return dispute_withdraw(**common, reason=data.get("reason", ""))
    if action == "assess_risk":
        return dispute_assess_risk(**common, level=data.get("level", ""), reason=data.get("reason", ""))
    raise errors.NotFound()
