"""The disputes app's JSON API (mounted under /api/v1/). Thin: parse, call one service, render."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from shiyu.core.errors import InvalidInput, NotFound
from shiyu.disputes import selectors, services
from shiyu.disputes.models import Dispute

router = Router(tags=["disputes"])
PAGE_MAX = 100


class PartyIn(Schema):
    side: str
    name: str
    contact: str = ""


class DisputeIn(Schema):
    title: str
    description: str
    type: str
    area: int
    committee: int | None = None
    amount: Decimal | None = None
    parties: list[PartyIn] = []


class ConvertIn(Schema):
    type: str
    committee: int | None = None
    amount: Decimal | None = None
    parties: list[PartyIn] = []


class ActionIn(Schema):
    version: int | None = None
    mediator: int | None = None
    held_at: datetime | None = None
    place: str = ""
    attendees: str = ""
    summary: str = ""
    terms: str = ""
    deadline: datetime | None = None
    working_days: int | None = None
    performance: str = ""
    note: str = ""
    target: str = ""
    reason: str = ""
    level: str = ""


class PartyOut(Schema):
    side: str
    name: str
    contact: str


class DisputeOut(Schema):
    id: int
    title: str
    type: str
    state: str
    risk_level: str
    risk_reasons: list[str]
    area: int
    committee: int
    committee_name: str
    mediator: int | None
    case: int | None
    amount: Decimal | None
    version: int
    created_at: datetime
    description: str | None = None
    parties: list[PartyOut] | None = None
    agreement: dict[str, Any] | None = None
    actions: list[str] | None = None


class DisputeListOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[DisputeOut]


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    note: str
    data: dict[str, Any]
    actor: str | None
    created_at: datetime


class DisputeQuery(Schema):
    state: str = ""
    risk: str = ""
    type: str = ""
    page: int = 1
    page_size: int = 25


def _out(d: Dispute, *, actor: Any = None, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": d.pk,
        "title": d.title,
        "type": d.type.code,
        "state": d.state,
        "risk_level": d.risk_level,
        "risk_reasons": list(d.risk_reasons),
        "area": d.area_id,
        "committee": d.committee_id,
        "committee_name": d.committee.name,
        "mediator": d.mediator_id,
        "case": d.case_id,
        "amount": d.amount,
        "version": d.version,
        "created_at": d.created_at,
    }
    if full:
        agreement = d.agreement if hasattr(d, "agreement") else None
        out.update(
            description=d.description,
            parties=selectors.parties_for_user(actor=actor, dispute=d),
            actions=selectors.actions_for_user(actor=actor, dispute=d),
            agreement={
                "terms": agreement.terms,
                "performance_deadline": agreement.performance_deadline,
                "performance": agreement.performance,
            }
            if agreement
            else None,
        )
    return out


def _parties(items: list[PartyIn]) -> list[services.PartyInput]:
    return [services.PartyInput(side=p.side, name=p.name, contact=p.contact) for p in items]


@router.get("/disputes", response=DisputeListOut, url_name="disputes")
def dispute_list(request, query: Query[DisputeQuery]):
    if query.page < 1 or not 1 <= query.page_size <= PAGE_MAX:
        raise InvalidInput(_("page must be ≥ 1 and page_size between 1 and %(n)d.") % {"n": PAGE_MAX})
    qs = selectors.dispute_list_for_user(
        actor=request.auth, state=query.state[:16], risk=query.risk[:8], type_code=query.type[:32]
    )
    start = (query.page - 1) * query.page_size
    return {
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [_out(d) for d in qs[start : start + query.page_size]],
    }


@router.post("/disputes", response={201: DisputeOut}, url_name="dispute-create")
def dispute_create(request, payload: DisputeIn):
    dispute = services.dispute_register(
        actor=request.auth,
        title=payload.title,
        description=payload.description,
        type_code=payload.type,
        area_id=payload.area,
        committee_id=payload.committee,
        amount=payload.amount,
        parties=_parties(payload.parties),
    )
    return Status(201, _out(dispute, actor=request.auth, full=True))


@router.post("/disputes/from-case/{case_id}", response={201: DisputeOut}, url_name="dispute-convert")
def dispute_convert(request, case_id: int, payload: ConvertIn):
    dispute = services.dispute_convert_from_case(
        actor=request.auth,
        case_id=case_id,
        type_code=payload.type,
        committee_id=payload.committee,
        amount=payload.amount,
        parties=_parties(payload.parties),
    )
    return Status(201, _out(dispute, actor=request.auth, full=True))


@router.get("/disputes/{dispute_id}", response=DisputeOut, url_name="dispute-detail")
def dispute_detail(request, dispute_id: int):
    dispute = selectors.dispute_get_for_user(actor=request.auth, dispute_id=dispute_id)
    return _out(dispute, actor=request.auth, full=True)


@router.get("/disputes/{dispute_id}/events", response=list[EventOut], url_name="dispute-events")
def dispute_events(request, dispute_id: int):
    return [
        {
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "note": e.note,
            "data": e.data,
            "actor": str(e.actor) if e.actor else None,
            "created_at": e.created_at,
        }
        for e in selectors.dispute_events_for_user(actor=request.auth, dispute_id=dispute_id)
    ]


@router.post("/disputes/{dispute_id}/actions/{action}", response=DisputeOut, url_name="dispute-action")
def dispute_action(request, dispute_id: int, action: str, payload: ActionIn):
    selectors.dispute_get_for_user(actor=request.auth, dispute_id=dispute_id)  # 404 before anything else
    dispute = services.dispute_act(
        actor=request.auth, dispute_id=dispute_id, action=action, data=payload.dict()
    )
    try:
        return _out(
            selectors.dispute_get_for_user(actor=request.auth, dispute_id=dispute.pk),
            actor=request.auth,
            full=True,
        )
    except NotFound:  # referred up, out of this mediator's committee: the outcome, without the details
        return _out(dispute)
