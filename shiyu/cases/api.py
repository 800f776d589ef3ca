from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from shiyu.accounts import policies
from shiyu.accounts.auth import optional_bearer
from shiyu.cases import presenters, selectors, services
from shiyu.cases.schemas import (
    ActionIn,
    CaseListOut,
    CaseOut,
    CategoryOut,
    ContactOut,
    EventOut,
    FeedbackIn,
    ReopenIn,
    TrackOut,
)
from shiyu.core import ratelimit
from shiyu.core.errors import InvalidInput

router = Router(tags=["cases"])
PAGE_MAX = 100


class CaseQuery(Schema):
    queue: str = ""
    state: str = ""
    kind: str = ""
    channel: str = ""
    category: int | None = None
    area: int | None = None
    department: int | None = None
    q: str = ""
    problem: bool | None = None
    page: int = 1
    page_size: int = 25


@router.get("/categories", response=list[CategoryOut], auth=optional_bearer, url_name="categories")
def categories(request):
    return list(selectors.category_list())


@router.get("/cases", response=CaseListOut, url_name="case-list")
def case_list(request, query: Query[CaseQuery]):
    if query.page < 1 or not 1 <= query.page_size <= PAGE_MAX:
        raise InvalidInput(_("page must be ≥ 1 and page_size between 1 and %(n)d.") % {"n": PAGE_MAX})
    if len(query.q) > 200:
        raise InvalidInput(_("The search text is too long."), field="q")
    if any("\x00" in value for value in (query.queue, query.state, query.kind, query.channel, query.q)):
        raise InvalidInput(_("The input is not valid."))
    filters = selectors.CaseFilters(
        queue=query.queue, states=[s for s in query.state.split(",") if s], kind=query.kind,
        channel=query.channel, category=query.category, area=query.area, department=query.department,
        q=query.q, problem=query.problem)
    qs = selectors.case_list_for_user(actor=request.auth, filters=filters).prefetch_related(
        "assisting_departments")
    start = (query.page - 1) * query.page_size
    page = list(qs[start:start + query.page_size])
    return {"count": qs.count(), "page": query.page, "page_size": query.page_size,
            "results": [presenters.case_dict(c, actor=request.auth) for c in page]}


@router.get("/cases/{case_id}", response=CaseOut, url_name="case-detail")
def case_detail(request, case_id: int):
    case = selectors.case_get_for_user(actor=request.auth, case_id=case_id)
    return presenters.case_dict(case, actor=request.auth)


@router.get("/cases/{case_id}/events", response=list[EventOut], url_name="case-events")
def case_events(request, case_id: int):
    staff = policies.is_staff_user(request.auth)
    return [presenters.event_dict(e, staff=staff)
            for e in selectors.case_events_for_user(actor=request.auth, case_id=case_id)]


@router.get("/cases/{case_id}/contact", response=ContactOut, url_name="case-contact")
def case_contact(request, case_id: int):
    """The submitter's contact details, for roles that need them. Every call is audited."""
    return services.case_contact_reveal(actor=request.auth, case_id=case_id)


@router.post("/cases/{case_id}/actions/{action}", response=CaseOut, url_name="case-action")
def case_action(request, case_id: int, action: str, payload: ActionIn):
    # Visibility first: an invisible case is 404 whatever the action.
    selectors.case_get_for_user(actor=request.auth, case_id=case_id)
    case = services.case_perform(actor=request.auth, case_id=case_id, action=action,
                                 payload=payload.dict(exclude_none=True), version=payload.version)
    return presenters.case_dict(case, actor=request.auth)


@router.get("/track/{code}", response=TrackOut, auth=None, url_name="track")
def track(request, code: str):
    ratelimit.check(request, "track")
    return presenters.track_dict(selectors.case_by_code(code))


@router.post("/track/{code}/feedback", response=TrackOut, auth=None, url_name="track-feedback")
def track_feedback(request, code: str, payload: FeedbackIn):
    """The resident's verdict on a reply (the code is the capability): satisfied closes the case,
    unsatisfied reopens it."""
    ratelimit.check(request, "track")
    case = services.case_resident_feedback(code=code, satisfaction=payload.satisfaction,
                                           comment=payload.comment)
    return presenters.track_dict(case)


@router.post("/track/{code}/reopen", response=TrackOut, auth=None, url_name="track-reopen")
def track_reopen(request, code: str, payload: ReopenIn):
    """Ask to reopen a closed case within the reopening period."""
    ratelimit.check(request, "track")
    return presenters.track_dict(services.case_resident_reopen(code=code, reason=payload.reason))
