"""The alerts app's JSON API (mounted under /api/v1/)."""

from datetime import date, datetime

from ninja import Query, Router, Schema

from shiyu.accounts import policies
from shiyu.alerts import selectors, services
from shiyu.alerts.models import Alert
from shiyu.core.errors import InvalidInput, NotFound

router = Router(tags=["alerts"])


class AlertOut(Schema):
    id: int
    kind: str
    status: str
    title: str
    day: date
    area: str | None
    area_id: int | None
    category: str | None
    category_id: int | None
    department: str | None
    department_id: int | None
    observed: int
    expected: float | None
    p_value: float | None
    note: str
    resolution: str
    case_ids: list[int]
    place: str
    created_at: datetime
    acknowledged_at: datetime | None
    closed_at: datetime | None


class AlertQuery(Schema):
    status: str = ""
    kind: str = ""
    limit: int = 100


class NoteIn(Schema):
    note: str = ""


class HotIssueOut(Schema):
    rank: int
    heat: float
    ids: list[int]
    period: list[date] | None
    place: str
    description: str
    keywords: list[str]


@router.get("/hot-issues", response=list[HotIssueOut], url_name="hot-issues")
def hot_issues(request, days: int = 30, top: int = 10):
    """The hottest issues among the recent cases the caller may see (staff): cases about one place
    and one matter, ranked by heat (see shiyu/insights/hotissues/algorithm.py)."""
    from shiyu.insights.hotissues import hot_issues_recent

    if not policies.is_staff_user(request.auth):
        raise NotFound()
    if not 1 <= days <= 90:
        raise InvalidInput(field="days")
    if not 1 <= top <= 50:
        raise InvalidInput(field="top")
    return [{"rank": i.rank, "heat": round(i.heat, 2), "ids": [int(x) for x in i.ids],
             "period": list(i.period) if i.period else None, "place": i.place,
             "description": i.description, "keywords": i.keywords}
            for i in hot_issues_recent(actor=request.auth, days=days, top=top)]


@router.get("/alerts", response=list[AlertOut], url_name="alerts")
def alert_list(request, query: Query[AlertQuery]):
    """Alerts the caller may see, newest first. status: open, acknowledged, resolved,
    false_alarm or active (open or acknowledged)."""
    if query.status and query.status not in [*Alert.Status.values, "active"]:
        raise InvalidInput(field="status")
    if query.kind and query.kind not in Alert.Kind.values:
        raise InvalidInput(field="kind")
    if not 1 <= query.limit <= 500:
        raise InvalidInput(field="limit")
    qs = selectors.alert_list_for_user(actor=request.auth, status=query.status, kind=query.kind)
    return [selectors.alert_dict(a) for a in qs[:query.limit]]


@router.get("/alerts/{alert_id}", response=AlertOut, url_name="alert-detail")
def alert_detail(request, alert_id: int):
    return selectors.alert_dict(selectors.alert_get_for_user(actor=request.auth, alert_id=alert_id))


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, url_name="alert-acknowledge")
def alert_acknowledge(request, alert_id: int, payload: NoteIn):
    selectors.alert_get_for_user(actor=request.auth, alert_id=alert_id)
    services.alert_acknowledge(actor=request.auth, alert_id=alert_id, note=payload.note)
    return selectors.alert_dict(selectors.alert_get_for_user(actor=request.auth, alert_id=alert_id))


@router.post("/alerts/{alert_id}/resolve", response=AlertOut, url_name="alert-resolve")
def alert_resolve(request, alert_id: int, payload: NoteIn):
    selectors.alert_get_for_user(actor=request.auth, alert_id=alert_id)
    services.alert_resolve(actor=request.auth, alert_id=alert_id, note=payload.note)
    return selectors.alert_dict(selectors.alert_get_for_user(actor=request.auth, alert_id=alert_id))


@router.post("/alerts/{alert_id}/false-alarm", response=AlertOut, url_name="alert-false-alarm")
def alert_false_alarm(request, alert_id: int, payload: NoteIn):
    selectors.alert_get_for_user(actor=request.auth, alert_id=alert_id)
    services.alert_resolve(actor=request.auth, alert_id=alert_id, note=payload.note, false_alarm=True)
    return selectors.alert_dict(selectors.alert_get_for_user(actor=request.auth, alert_id=alert_id))
