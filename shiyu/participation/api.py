"""The participation app's JSON API (mounted under /api/v1/): proposals and support."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from shiyu.accounts.auth import optional_bearer
from shiyu.core.errors import InvalidInput
from shiyu.geo.selectors import area_label
from shiyu.participation import selectors, services
from shiyu.participation.models import Proposal

router = Router(tags=["participation"])
PAGE_MAX = 100


class ProposalOut(Schema):
    id: int
    title: str
    body: str
    status: str
    area: str
    author: str  # masked display name, never the account
    support_count: int
    threshold: int
    support_until: datetime | None
    response: str
    created_at: datetime
    url: str
    progress: dict | None = None
    supported: bool = False


class ProposalListOut(Schema):
    count: int
    page: int
    results: list[ProposalOut]


class ProposalIn(Schema):
    area: int
    title: str
    body: str


class ListQuery(Schema):
    area: int | None = None
    status: str = ""
    page: int = 1
    page_size: int = 25


def _out(p: Proposal, *, actor=None, detail: bool = False) -> dict:
    return {"id": p.pk, "title": selectors.public_text(p.title), "body": selectors.public_text(p.body),
            "status": p.status, "area": area_label(p.area),
            "author": selectors.author_label(p), "support_count": p.support_count,
            "threshold": selectors.threshold(), "support_until": p.support_until, "response": p.response,
            "created_at": p.created_at, "url": reverse("participation-public:detail", args=[p.pk]),
            "progress": selectors.progress(p) if detail else None,
            "supported": selectors.has_supported(actor=actor, proposal=p) if detail else False}


@router.get("/proposals", response=ProposalListOut, auth=optional_bearer, url_name="proposals")
def proposal_list(request, query: Query[ListQuery]):
    if query.page < 1 or not 1 <= query.page_size <= PAGE_MAX:
        raise InvalidInput(_("page must be ≥ 1 and page_size between 1 and %(n)d.") % {"n": PAGE_MAX})
    qs = selectors.proposal_list_public(area_id=query.area, status=query.status)
    start = (query.page - 1) * query.page_size
    return {"count": qs.count(), "page": query.page,
            "results": [_out(p) for p in qs[start:start + query.page_size]]}


@router.post("/proposals", response={201: ProposalOut}, url_name="proposal-create")
def proposal_create(request, payload: ProposalIn):
    proposal = services.proposal_create(actor=request.auth, area=payload.area, title=payload.title,
                                        body=payload.body)
    return Status(201, _out(proposal, actor=request.auth, detail=True))


@router.get("/proposals/{proposal_id}", response=ProposalOut, auth=optional_bearer,
            url_name="proposal-detail")
def proposal_detail(request, proposal_id: int):
    actor = request.auth or None
    proposal = selectors.proposal_get_for_user(actor=actor, proposal_id=proposal_id)
    return _out(proposal, actor=actor, detail=True)


@router.post("/proposals/{proposal_id}/support", response=ProposalOut, url_name="proposal-support")
def proposal_support(request, proposal_id: int):
    selectors.proposal_get_for_user(actor=request.auth, proposal_id=proposal_id)
    proposal = services.proposal_support(actor=request.auth, proposal_id=proposal_id)
    return _out(proposal, actor=request.auth, detail=True)
