"""Reads of disputes, scoped by the actor: a dispute the actor may not see is "not found".

A mediator (department-scoped role) sees the disputes of their own committee; area-scoped staff
(operators, supervisors, leaders) those in their area; residents none. Party names and contacts
are shown in full only to who holds `dispute_view_parties` (the mediators of the committee)."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from shiyu.accounts import policies
from shiyu.accounts.models import Department, Membership, User
from shiyu.core import errors
from shiyu.core.ids import is_valid_id
from shiyu.core.masking import mask_name, mask_phone
from shiyu.disputes import workflow
from shiyu.disputes.models import Agreement, Dispute, DisputeEvent, DisputeType, Party
from shiyu.geo.models import Area


def target_of(dispute: Dispute) -> policies.Target:
    return policies.Target(
        area_path=dispute.area.path, lead_department_path=dispute.committee.path, department_paths=()
    )


def staff_can_see(actor: Any, target: policies.Target) -> bool:
    return policies.is_staff_user(actor) and policies.can_see(actor, target)


def _visible_q(actor: Any) -> Q:
    if actor is not None and getattr(actor, "is_system", False):
        return Q()
    if not policies.is_staff_user(actor):
        return Q(pk__in=[])
    return policies.visible_q(
        actor,
        area_field="area__path",
        lead_field="committee__path",
        owner_field="registered_by_id",
        assisting_q=lambda path: Q(pk__in=[]),
    )


def dispute_list_for_user(
    *, actor: Any, state: str = "", risk: str = "", type_code: str = "", committee_id: int | None = None
) -> QuerySet[Dispute]:
    qs = Dispute.objects.filter(_visible_q(actor)).select_related("type", "area", "committee", "mediator")
    if state == "open":
        qs = qs.filter(state__in=[s.value for s in workflow.OPEN_STATES])
    elif state:
        qs = qs.filter(state=state)
    if risk:
        qs = qs.filter(risk_level=risk)
    if type_code:
        qs = qs.filter(type__code=type_code)
    if committee_id:
        qs = qs.filter(committee_id=committee_id)
    return qs


def dispute_get_for_user(*, actor: Any, dispute_id: int) -> Dispute:
    if not is_valid_id(dispute_id):
        raise errors.NotFound()
    found = dispute_list_for_user(actor=actor).select_related("case").filter(pk=dispute_id).first()
    if found is None:
        raise errors.NotFound()
    return found


def dispute_events_for_user(*, actor: Any, dispute_id: int) -> list[DisputeEvent]:
    dispute = dispute_get_for_user(actor=actor, dispute_id=dispute_id)
    return list(DisputeEvent.objects.filter(dispute=dispute).select_related("actor").order_by("id"))


def dispute_for_case(*, case_id: int) -> Dispute | None:
    """The dispute a case was turned into (the caller has already checked the case is visible)."""
    return Dispute.objects.select_related("area", "committee").filter(case_id=case_id).first()


def can(actor: Any, action: str, dispute: Dispute) -> bool:
    return policies.can(actor, workflow.permission(action), target_of(dispute))


def actions_for_user(*, actor: Any, dispute: Dispute) -> list[str]:
    return [
        str(a)
        for a in workflow.allowed_actions(workflow.State(dispute.state))
        if a != workflow.Action.REMIND and can(actor, str(a), dispute)
    ]


def parties_for_user(*, actor: Any, dispute: Dispute) -> list[dict[str, str]]:
    """Names and contacts in full for the committee's mediators; masked for everyone else."""
    full = can(actor, "view_parties", dispute)
    return [
        {
            "side": p.side,
            "side_label": str(p.get_side_display()),
            "name": p.name if full else mask_name(p.name),
            "contact": p.contact if full else mask_phone(p.contact) if p.contact else "",
        }
        for p in Party.objects.filter(dispute=dispute).order_by("id")
    ]


def dispute_type_list() -> QuerySet[DisputeType]:
    return DisputeType.objects.filter(is_active=True)


def committee_list() -> QuerySet[Department]:
    return Department.objects.filter(kind=Department.Kind.MEDIATION, is_active=True).select_related("area")


def _ancestor_ids(area: Area) -> list[int]:
    return [int(p) for p in area.path.strip("/").split("/") if p]


def committee_for_area(area: Area) -> Department | None:
    """The committee nearest to `area`: its own, else its street's, else its district's."""
    ids = _ancestor_ids(area)
    by_area = {c.area_id: c for c in committee_list().filter(area_id__in=ids).order_by("pk")}
    return next((by_area[i] for i in reversed(ids) if i in by_area), None)


def committee_above(committee: Department) -> Department | None:
    """The committee of the nearest area above the committee's own (community → street → district)."""
    if committee.area is None:
        return None
    ids = _ancestor_ids(committee.area)[:-1]
    by_area = {c.area_id: c for c in committee_list().filter(area_id__in=ids).order_by("pk")}
    return next((by_area[i] for i in reversed(ids) if i in by_area), None)


def committees_for_user(*, actor: Any) -> list[Department]:
    """The committees the actor may register disputes for."""
    perm = workflow.permission("register")
    return [
        c
        for c in committee_list()
        if policies.can(
            actor,
            perm,
            policies.Target(area_path=c.area.path if c.area else None, lead_department_path=c.path),
        )
    ]


def mediators_of(committee: Department) -> list[User]:
    ids = Membership.objects.filter(role__code="mediator", department=committee).values_list(
        "user_id", flat=True
    )
    return list(User.objects.filter(pk__in=list(ids), is_active=True).order_by("username"))


# --- figures for insights, scorecards and early warning (contract C2) -----------------------


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def dispute_figures(*, start: date, end: date, area_id: int | None = None) -> dict:
    """Disputes registered from `start` to `end` (local days, inclusive), in an area and below.

    mediated: those whose mediation ended with an outcome (an agreement, or referred on);
    mediation_success_rate = agreements / mediated; agreement_performance_rate = performed /
    agreements followed up. Rates are None when their denominator is 0."""
    lo, hi = _bounds(start, end)
    qs = Dispute.objects.filter(created_at__gte=lo, created_at__lt=hi)
    if area_id is not None:
        area = Area.objects.filter(pk=area_id).first()
        qs = qs.filter(area__path__startswith=area.path) if area is not None else qs.none()
    by_type = dict(qs.values_list("type__code").annotate(n=Count("id")).values_list("type__code", "n"))
    mediated = qs.filter(state__in=[s.value for s in workflow.MEDIATED]).count()
    agreements = Agreement.objects.filter(dispute__in=qs)
    n_agreements = agreements.count()
    performed = agreements.filter(performance=Agreement.Performance.PERFORMED).count()
    followed = agreements.exclude(performance=Agreement.Performance.PENDING).count()
    return {
        "disputes": sum(by_type.values()),
        "by_type": by_type,
        "mediated": mediated,
        "agreements": n_agreements,
        "mediation_success_rate": n_agreements / mediated if mediated else None,
        "agreement_performance_rate": performed / followed if followed else None,
    }


def disputes_high_risk(*, since: datetime) -> list[dict]:
    """Open high-risk disputes assessed since `since`: for early warning. No party data."""
    qs = Dispute.objects.filter(
        risk_level=Dispute.Risk.HIGH,
        risk_assessed_at__gte=since,
        state__in=[s.value for s in workflow.OPEN_STATES],
    ).select_related("type")
    return [
        {
            "id": d.pk,
            "area_id": d.area_id,
            "type": d.type.code,
            "risk_reasons": list(d.risk_reasons),
            "created_at": d.created_at,
            "committee_id": d.committee_id,
        }
        for d in qs.order_by("-risk_assessed_at")
    ]
