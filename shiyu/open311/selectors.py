"""Public reads for GeoReport: services, and cases as service requests.

Everything here is anonymous and public. Contact details, device and account ids are never read;
locations are rounded; phone numbers and e-mail addresses in a description are masked; the
tracking code (the resident's capability) is never published.
"""

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, ExpressionWrapper, F, IntegerField, QuerySet, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.accounts.models import Department
from shiyu.cases import presenters
from shiyu.cases.geo_selectors import PUBLIC_EXCLUDED_KINDS
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import citysettings, clock
from shiyu.core.i18n import localized_name
from shiyu.core.ids import is_number, is_valid_id
from shiyu.core.masking import scrub_public
from shiyu.core.refcache import RefCache
from shiyu.geo.models import Area
from shiyu.open311.models import Attribute, Jurisdiction, RequestRecord, Service
from shiyu.open311.services import Catalog, Open311Error, catalog, parse_w3c

DECIMALS = citysettings.declare(
    "open311.location_decimals", 3, gettext_lazy("Open311: decimals of published coordinates"),
    gettext_lazy("3 decimals ≈ 100 m. Residents' exact positions are never published."),
    minimum=0, maximum=6)
PAGE_SIZE = citysettings.declare("open311.page_size", 100, gettext_lazy("Open311: requests per page"),
                                 minimum=1, maximum=1000)
MAX_PAGE_SIZE = 1000
WINDOW_DAYS = 90  # the spec's widest start_date … end_date window
MAX_IDS = 200
CLOSED_STATES = ("closed", "rejected", "merged")
OPEN_STATES = tuple(s for s, _label in Case.STATE_CHOICES if s not in CLOSED_STATES)
LIST_FIELDS = ("id", "title", "body", "state", "category_id", "area_id", "lead_department_id",
               "latitude", "longitude", "address", "reply_text", "submitted_at", "updated_at",
               "reply_due_at", "kind", "urgency", "closed_at", "channel", "contact_name")

scrub = scrub_public  # the Open311 name for it


def _departments() -> dict[int, Department]:
    return {d.pk: d for d in Department.objects.all()}


department_index: RefCache[dict[int, Department]] = RefCache(_departments)


def _areas() -> dict[int, Area]:
    return {a.pk: a for a in Area.objects.all()}


area_index: RefCache[dict[int, Area]] = RefCache(_areas)


def status_of(state: str) -> str:
    return "closed" if state in CLOSED_STATES else "open"


@functools.cache
def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def w3c(moment: datetime | None, tz: ZoneInfo | None = None) -> str:
    """ISO 8601 with the city's offset (2026-05-01T08:30:00+08:00), as the spec asks."""
    if moment is None:
        return ""
    return moment.astimezone(tz or _zone()).isoformat(timespec="seconds")


# --- services ---------------------------------------------------------------------------------

def services_for(jurisdiction: Jurisdiction | None, cat: Catalog | None = None) -> list[Service]:
    return [s for s in (cat or catalog.get()).services.values()
            if not s.jurisdiction_id or jurisdiction is None or s.jurisdiction_id == jurisdiction.pk]


def service_name(service: Service, cat: Catalog | None = None) -> str:
    return service.service_name or localized_name((cat or catalog.get()).categories.get(service.category_id))


def service_group(service: Service, cat: Catalog | None = None) -> str:
    if service.group:
        return service.group
    cats = (cat or catalog.get()).categories
    node = cats.get(service.category_id)
    while node is not None and node.parent_id and node.parent_id in cats:
        node = cats[node.parent_id]
    return localized_name(node)


def service_dict(service: Service, cat: Catalog | None = None) -> dict[str, Any]:
    cat = cat or catalog.get()
    return {"service_code": service.service_code, "service_name": service_name(service, cat),
            "description": service.description, "metadata": bool(cat.attributes.get(service.pk)),
            "type": service.type, "keywords": service.keywords, "group": service_group(service, cat)}


def service_definition(service: Service) -> dict[str, Any]:
    cat = catalog.get()
    attributes = []
    for attr in cat.attributes.get(service.pk, []):
        item: dict[str, Any] = {
            "variable": attr.variable, "code": attr.code, "datatype": attr.datatype,
            "required": attr.required, "datatype_description": attr.datatype_description,
            "order": attr.order, "description": attr.description}
        if attr.datatype in (Attribute.Datatype.SINGLEVALUELIST, Attribute.Datatype.MULTIVALUELIST):
            item["values"] = [{"key": v.key, "name": v.name} for v in cat.values.get(attr.pk, [])]
        attributes.append(item)
    return {"service_code": service.service_code, "attributes": attributes}


def service_notice(service: Service | None, category_id: int | None, cat: Catalog | None = None) -> str:
    if service is not None and service.service_notice:
        return service.service_notice
    category = (cat or catalog.get()).categories.get(category_id) if category_id else None
    if category is None:
        return ""
    return _("A reply is due within %(days)d working days.") % {"days": category.complete_days}


# --- requests ---------------------------------------------------------------------------------

@dataclass
class RequestQuery:
    ids: list[int] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] = field(default_factory=list)
    page: int = 1
    page_size: int = 0


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def parse_query(params: Any) -> RequestQuery:
    """GET parameters → a query; a bad one raises the spec's 400."""
    q = RequestQuery()
    raw_ids = _split(params.get("service_request_id", ""))
    if len(raw_ids) > MAX_IDS:
        raise Open311Error(400, _("At most %(n)d service_request_id values at once.") % {"n": MAX_IDS},
                           field="service_request_id")
    q.ids = [int(v) for v in raw_ids if is_number(v) and is_valid_id(int(v))]
    if raw_ids and not q.ids:
        q.ids = [0]  # only unknown ids were asked for: an empty answer, not everything
    q.service_codes = [c[:64] for c in _split(params.get("service_code", ""))]
    for name in ("start_date", "end_date"):
        text = params.get(name, "")
        moment = parse_w3c(text)
        if text and moment is None:
            raise Open311Error(400, _("%(field)s must be a W3C date and time such as "
                                      "2010-01-01T00:00:00Z.") % {"field": name}, field=name)
        setattr(q, "start" if name == "start_date" else "end", moment)
    window = timedelta(days=WINDOW_DAYS)
    if q.start and q.end and q.start > q.end:
        raise Open311Error(400, _("start_date is after end_date."), field="start_date")
    if q.start and q.end and q.end - q.start > window:
        raise Open311Error(400, _("start_date and end_date may not span more than %(n)d days.")
                           % {"n": WINDOW_DAYS}, field="end_date")
    try:
        if q.start is None:
            q.end = q.end or clock.now()
            q.start = q.end - window
        elif q.end is None:
            q.end = q.start + window
    except OverflowError:
        raise Open311Error(400, _("The date is out of range."), field="start_date") from None
    q.statuses = [s.lower() for s in _split(params.get("status", ""))]
    if any(s not in ("open", "closed") for s in q.statuses):
        raise Open311Error(400, _("status must be open or closed."), field="status")
    for name, default, top in (("page", 1, 10**6), ("page_size", PAGE_SIZE.get(), MAX_PAGE_SIZE)):
        text = str(params.get(name, "") or "").strip()
        if not text:
            setattr(q, name, default)
            continue
        if not is_number(text) or not 1 <= int(text) <= top:
            raise Open311Error(400, _("%(field)s must be a whole number from 1 to %(top)d.")
                               % {"field": name, "top": top}, field=name)
        setattr(q, name, int(text))
    return q


def _area_ids(jurisdiction: Jurisdiction | None) -> list[int] | None:
    if jurisdiction is None or jurisdiction.area_id is None:
        return None
    root = area_index.get().get(jurisdiction.area_id)
    if root is None:
        return []
    return [a.pk for a in area_index.get().values() if a.path.startswith(root.path)]


Rows = QuerySet[Case, dict[str, Any]]


def request_queryset(jurisdiction: Jurisdiction | None, q: RequestQuery) -> Rows | None:
    """The cases a query selects, newest first; None when it cannot select any."""
    cat = catalog.get()
    services = {s.pk for s in services_for(jurisdiction, cat)}
    if q.service_codes:
        services &= {s.pk for code in q.service_codes if (s := cat.services.get(code)) is not None}
    if cat.services and len(services) == len({s.pk for s in cat.services.values()}) and len(
            cat.service_of_category) == len(cat.categories):
        categories = None  # every category is published: no filter to pay for
    else:
        categories = sorted(c for c, s in cat.service_of_category.items() if s.pk in services)
        if not categories:
            return None
    # The plan wanted over a million cases: walk an index in submitted_at order and stop after
    # one page. Filters that would tempt the planner into reading every matching row and sorting
    # them (a state list, the published categories) are written as expressions no index serves;
    # a service_code filter is the exception: case_category_submitted (a Case index)
    # is (category, submitted_at), already in page order for one category.
    # A report (举报) can point at the person who made it: never published, as on the public map.
    qs = Case.objects.exclude(kind__in=PUBLIC_EXCLUDED_KINDS)
    if q.ids:
        qs = qs.filter(pk__in=q.ids)  # the spec: ids override every other filter
    else:
        qs = qs.filter(submitted_at__gte=q.start, submitted_at__lte=q.end)
        if q.statuses and len(q.statuses) == 1:
            states = CLOSED_STATES if q.statuses[0] == "closed" else OPEN_STATES
            qs = qs.alias(o311_state=Concat(F("state"), Value(""), output_field=CharField())).filter(
                o311_state__in=states)
    if categories is None:
        qs = qs.filter(category_id__isnull=False)
    elif q.service_codes and not q.ids:
        qs = qs.filter(category_id__in=categories)
    else:
        qs = qs.alias(o311_category=ExpressionWrapper(F("category_id") + 0, output_field=IntegerField())
                      ).filter(o311_category__in=categories)
    area_ids = _area_ids(jurisdiction)
    if area_ids is not None:
        qs = qs.filter(area_id__in=area_ids) if area_ids else qs.none()
    # Plain rows, not model instances: building 100 Case objects cost more than the query.
    return qs.order_by("-submitted_at", "-id").values(*LIST_FIELDS)


def request_page(jurisdiction: Jurisdiction | None, q: RequestQuery) -> tuple[list[dict[str, Any]], bool]:
    """One page of requests and whether another follows (one extra row read, never a COUNT)."""
    qs = request_queryset(jurisdiction, q)
    if qs is None:
        return [], False
    offset = (q.page - 1) * q.page_size
    rows = list(qs[offset:offset + q.page_size + 1])
    return rows[:q.page_size], len(rows) > q.page_size


def request_get(jurisdiction: Jurisdiction | None, request_id: str) -> dict[str, Any]:
    text = (request_id or "").strip()
    if not is_number(text) or not is_valid_id(int(text)):
        raise Open311Error(404, _("No service request with id %(id)s.") % {"id": text[:32]})
    qs = request_queryset(jurisdiction, RequestQuery(ids=[int(text)]))
    case = qs.first() if qs is not None else None
    if case is None:
        raise Open311Error(404, _("No service request with id %(id)s.") % {"id": text[:32]})
    return case


def request_by_token(token: str) -> RequestRecord:
    token = (token or "").strip()
    record = RequestRecord.objects.filter(token=token).only("case_id", "token").first() if (
        token and len(token) <= 64) else None
    if record is None:
        raise Open311Error(404, _("No service request with this token."))
    return record


def _records(case_ids: list[int]) -> dict[int, RequestRecord]:
    if not case_ids:
        return {}
    return {r.case_id: r for r in RequestRecord.objects.filter(case_id__in=case_ids).only(
        "case_id", "address_id", "media_url", "service_id")}


def request_dicts(cases: list[dict[str, Any]], *, extensions: bool = False) -> list[dict[str, Any]]:
    """Rows of request_queryset as the spec's requests. Names, notices and the rounding are
    looked up once per answer, not once per row."""
    cat = catalog.get()
    departments = department_index.get()
    areas = area_index.get()
    # Only cases that came in through GeoReport have a record (media, address id).
    records = _records([c["id"] for c in cases if c["channel"] == Case.Channel.OPEN311])
    decimals = DECIMALS.get()
    tz = _zone()
    notices: dict[int | None, str] = {}
    agencies: dict[int | None, str] = {}
    out = []
    for case in cases:
        category_id = case["category_id"]
        service = cat.service_of_category.get(category_id) if category_id else None
        record = records.get(case["id"])
        if category_id not in notices:
            notices[category_id] = service_notice(service, category_id, cat)
        lead = case["lead_department_id"]
        if lead not in agencies:
            agencies[lead] = localized_name(departments.get(lead)) if lead else ""
        lat, lon = case["latitude"], case["longitude"]
        names = (case.get("contact_name") or "",)  # the submitter's name, typed into the text
        item: dict[str, Any] = {
            "service_request_id": str(case["id"]),
            "status": status_of(case["state"]),
            "status_notes": scrub(case["reply_text"], names=names),
            "service_name": service_name(service, cat) if service else "",
            "service_code": service.service_code if service else "",
            "description": scrub(case["body"], names=names),
            "agency_responsible": agencies[lead],
            "service_notice": notices[category_id],
            "requested_datetime": w3c(case["submitted_at"], tz),
            "updated_datetime": w3c(case["updated_at"], tz),
            "expected_datetime": w3c(case["reply_due_at"], tz),
            # The typed address is often a home ("幸福家园 3-2-401"): publishing it would undo the
            # rounding of lat/long. The area it lies in is as much as a public answer may say.
            "address": localized_name(areas.get(case["area_id"])) if case["area_id"] else "",
            "address_id": record.address_id if record else "",
            "zipcode": "",
            "lat": None if lat is None else round(lat, decimals),
            "long": None if lon is None else round(lon, decimals),
            "media_url": record.media_url if record else "",
            "detailed_status": case["state"],
        }
        if extensions:
            area = areas.get(case["area_id"]) if case["area_id"] else None
            item["extended_attributes"] = {
                "title": scrub(case["title"], names=names), "state": case["state"],
                "state_label": presenters.state_label(case["state"]), "kind": case["kind"],
                "urgency": case["urgency"], "area": localized_name(area),
                "category": localized_name(cat.categories.get(category_id)),
                "closed_datetime": w3c(case["closed_at"], tz)}
        out.append(item)
    return out


def request_updates(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The public timeline: what the resident's tracking page shows, without names or codes."""
    out = []
    for event in CaseEvent.objects.filter(case_id=case["id"], is_public=True).order_by("id"):
        public = presenters.public_event(event)
        description = public["label"] + (f": {scrub(public['text'])}" if public["text"] else "")
        out.append({"update_id": str(event.pk), "service_request_id": str(case["id"]),
                    "status": status_of(event.to_state or case["state"]),
                    "detailed_status": event.to_state, "updated_datetime": w3c(event.created_at),
                    "description": description, "media_url": ""})
    return out
