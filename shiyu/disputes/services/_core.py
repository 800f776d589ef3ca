"""What every dispute verb shares: input checks, loading with access checked, the transition
routine (state, event and audit together) and the notices."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shiyu.accounts import policies
from shiyu.accounts.models import Department, Membership
from shiyu.audit.services import audit_record
from shiyu.core import clock, errors
from shiyu.core.ids import is_valid_id
from shiyu.core.text import clean
from shiyu.disputes import risk, selectors, workflow
from shiyu.disputes.models import Dispute, DisputeEvent, DisputeType, Party
from shiyu.geo.models import Area
from shiyu.notifications.services import Message, notify_users

TEXT_MAX = 5000
NAME_MAX = 100
MAX_PARTIES = 50
MAX_AGREEMENT_DAYS = 365


@dataclass(frozen=True)
class PartyInput:
    side: str
    name: str
    contact: str = ""


def _required(field: str) -> errors.InvalidInput:
    return errors.InvalidInput(_("This field is required: %(field)s") % {"field": field}, field=field)


def _text(value: Any, field: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    value = clean(value if isinstance(value, str) else "")
    if required and not value:
        raise _required(field)
    if len(value) > limit:
        raise errors.InvalidInput(_("The text is longer than %(n)d characters.") % {"n": limit}, field=field)
    return value


def _aware(value: datetime | None) -> datetime | None:
    """A time given without a zone is local time (a form's datetime-local field)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise errors.InvalidInput(_("The amount must be a number."), field="amount") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise errors.InvalidInput(_("The amount must be a number between 0 and 10^12."), field="amount")
    return amount.quantize(Decimal("0.01"))


def _parties(parties: Sequence[PartyInput]) -> list[PartyInput]:
    if len(parties) > MAX_PARTIES:
        raise errors.InvalidInput(_("Too many parties."), field="parties")
    out = []
    for p in parties:
        if p.side not in Party.Side.values:
            raise errors.InvalidInput(_("Unknown party side."), field="parties")
        out.append(
            PartyInput(
                side=p.side,
                name=_text(p.name, "name", limit=NAME_MAX),
                contact=_text(p.contact, "contact", required=False, limit=NAME_MAX),
            )
        )
    return out


def _type(code: Any) -> DisputeType:
    found = DisputeType.objects.filter(code=str(code or ""), is_active=True).first()
    if found is None:
        raise errors.InvalidInput(_("Choose a dispute type."), field="type")
    return found


def _assess(dispute: Dispute, parties: int) -> risk.Assessment:
    return risk.assess(
        text=f"{dispute.title}\n{dispute.description}",
        type_code=dispute.type.code,
        parties=parties,
        amount=dispute.amount,
        previous_referrals=dispute.referral_count,
    )


def _notify_high_risk(dispute: Dispute) -> None:
    """The supervisors whose area covers the dispute hear of a high-risk dispute (once per assessment)."""
    if dispute.risk_level != Dispute.Risk.HIGH:
        return
    path = dispute.area.path
    ids = [
        m.user_id
        for m in Membership.objects.filter(role__code="supervisor").select_related("area")
        if m.area is None or path.startswith(m.area.path)
    ]
    notify_users(
        user_ids=ids,
        message=Message(
            key=f"dispute:{dispute.pk}:high-risk:{dispute.risk_assessed_at.timestamp():.0f}",
            kind="dispute_high_risk",
            title=_("High-risk dispute #%(id)s: %(title)s") % {"id": dispute.pk, "title": dispute.title[:80]},
            body=_("Risk reasons: %(reasons)s") % {"reasons": ", ".join(dispute.risk_reasons) or "—"},
            link=f"/staff/disputes/{dispute.pk}/",
        ),
    )


def _notify_committee(dispute: Dispute, kind: str, title: str) -> None:
    ids = Membership.objects.filter(role__code="mediator", department=dispute.committee).values_list(
        "user_id", flat=True
    )
    notify_users(
        user_ids=list(ids),
        message=Message(
            key=f"dispute:{dispute.pk}:{kind}:{dispute.committee_id}:{dispute.version}",
            kind=f"dispute_{kind}",
            title=title,
            link=f"/staff/disputes/{dispute.pk}/",
        ),
    )


def target(dispute: Dispute) -> policies.Target:
    return selectors.target_of(dispute)


def _lock(actor: Any, dispute_id: int, action: str) -> Dispute:
    """Load for change, checking access first: who cannot see the dispute is told it does not exist."""
    if not is_valid_id(dispute_id):
        raise errors.NotFound()
    if connection.features.has_select_for_update:
        list(Dispute.objects.select_for_update().filter(pk=dispute_id).values_list("pk", flat=True))
    dispute = Dispute.objects.select_related("area", "committee", "type").filter(pk=dispute_id).first()
    if dispute is None:
        raise errors.NotFound()
    if getattr(actor, "is_system", False):
        return dispute
    tgt = selectors.target_of(dispute)
    if not selectors.staff_can_see(actor, tgt):
        raise errors.NotFound()
    if not policies.can(actor, workflow.permission(action), tgt):
        raise errors.Forbidden()
    return dispute


def _resolve(state: str | None, action: str, payload: dict[str, Any]) -> workflow.State:
    try:
        return workflow.resolve(workflow.State(state) if state else None, action, payload)
    except workflow.IllegalTransition:
        raise errors.IllegalTransition(
            _("This action is not possible in the dispute's current state.")
        ) from None
    except workflow.MissingInput as exc:
        raise _required(exc.field) from None


def _apply(
    *,
    actor: Any,
    dispute: Dispute,
    action: str,
    version: int | None,
    payload: dict[str, Any],
    changes: dict[str, Any] | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Dispute:
    if version is not None and dispute.version != version:
        raise errors.Conflict(_("Someone else changed this dispute; reload and try again."))
    from_state = dispute.state if action != "register" else None
    to_state = _resolve(from_state, action, payload)
    now = clock.now()
    update: dict[str, Any] = {"state": to_state.value, "updated_at": now, **(changes or {})}
    if to_state in workflow.TERMINAL and dispute.closed_at is None:
        update["closed_at"] = now
    if action != "register":
        if not Dispute.objects.filter(pk=dispute.pk, version=dispute.version).update(
            version=F("version") + 1, **update
        ):
            raise errors.Conflict(_("Someone else changed this dispute; reload and try again."))
        update["version"] = dispute.version + 1
        for name, value in update.items():
            setattr(dispute, name, value)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    DisputeEvent.objects.create(
        dispute=dispute,
        actor_id=actor_id,
        action=action,
        from_state=from_state or "",
        to_state=to_state.value,
        note=note,
        data=data or {},
        created_at=now,
    )
    audit_record(
        actor=actor,
        verb=f"dispute.{action}",
        obj=dispute,
        data={"from": from_state or "", "to": to_state.value},
    )
    return dispute


def _create(
    *,
    actor: Any,
    title: str,
    description: str,
    type_code: str,
    area: Area,
    committee: Department,
    parties: Sequence[PartyInput],
    amount: Any,
    case_id: int | None,
) -> Dispute:
    title = _text(title, "title", limit=200)
    description = _text(description, "description")
    clean_parties = _parties(parties)
    now = clock.now()
    dispute = Dispute(
        title=title,
        description=description,
        type=_type(type_code),
        area=area,
        committee=committee,
        case_id=case_id,
        amount=_amount(amount),
        registered_by=actor if actor and actor.pk else None,
        created_at=now,
        updated_at=now,
        risk_assessed_at=now,
    )
    found = _assess(dispute, len(clean_parties))
    dispute.risk_level, dispute.risk_reasons = found.level, list(found.reasons)
    dispute.save()
    Party.objects.bulk_create(
        [Party(dispute=dispute, side=p.side, name=p.name, contact=p.contact) for p in clean_parties]
    )
    _apply(
        actor=actor,
        dispute=dispute,
        action="register",
        version=None,
        payload={},
        data={
            "committee": committee.pk,
            "case": case_id,
            "risk": found.level,
            "reasons": list(found.reasons),
        },
    )
    _notify_committee(dispute, "registered", _("New dispute #%(id)s for your committee") % {"id": dispute.pk})
    _notify_high_risk(dispute)
    return dispute


def _committee(value: Any, area: Area) -> Department:
    if value in (None, ""):
        found = selectors.committee_for_area(area)
        if found is None:
            raise errors.InvalidInput(_("No mediation committee covers this area."), field="committee")
        return found
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = 0
    found = selectors.committee_list().filter(pk=pk).first()
    if found is None:
        raise errors.InvalidInput(_("Choose a mediation committee."), field="committee")
    return found
