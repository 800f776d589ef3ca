"""GeoReport v2 endpoints: parse the call, ask a selector or the one service, render.

Anything a client gets wrong is answered with the spec's error list and 400, 403 or 404.
An api_key authenticates a client application, not a person: sessions play no part here.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from shiyu.core import errors
from shiyu.open311 import render, selectors
from shiyu.open311.services import (
    Open311Error,
    PostedRequest,
    catalog,
    jurisdiction_resolve,
    request_submit,
    service_for,
)

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+08:00"
POST_FIELDS = ("api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id",
               "email", "device_id", "account_id", "first_name", "last_name", "phone", "description",
               "media_url")


def georeport(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Domain errors → the spec's error list in the format the URL asked for."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return render.error_response(fmt, exc.status, str(exc.message))
        except errors.DomainError as exc:
            status = exc.status if exc.status in (400, 403, 404, 429) else 400
            return render.error_response(fmt, status, str(exc.message))

    return wrapper


def _extensions(request: HttpRequest) -> bool:
    return request.GET.get("extensions", "").lower() in ("true", "1", "yes")


@require_http_methods(["GET", "HEAD"])
@georeport
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "json"})).rsplit("/", 1)[0]
    content = {
        "changeset": CHANGESET,
        "contact": _("Open311 GeoReport v2 of %(city)s. Ask the city's administrator for an api_key.")
        % {"city": _("Demo City")},
        "key_service": _("API keys are issued by the city's administrator (shiyu open311_key create NAME)."),
        "endpoints": [{"specification": SPEC_URL, "url": base, "changeset": CHANGESET,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    }
    return render.respond(fmt, "discovery", content)


@require_http_methods(["GET", "HEAD"])
@georeport
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    jurisdiction = jurisdiction_resolve(request.GET.get("jurisdiction_id", ""))
    cat = catalog.get()
    items = [selectors.service_dict(s, cat) for s in selectors.services_for(jurisdiction, cat)]
    return render.respond(fmt, "services", items)


@require_http_methods(["GET", "HEAD"])
@georeport
def service(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    jurisdiction = jurisdiction_resolve(request.GET.get("jurisdiction_id", ""))
    found = service_for(code, jurisdiction)
    if found is None:
        raise Open311Error(404, _("Unknown service_code: %(code)s") % {"code": code[:64]})
    return render.respond(fmt, "service_definition", selectors.service_definition(found))


def _attributes(request: HttpRequest) -> dict[str, list[str]]:
    """attribute[CODE]=v (repeated for several values), also attribute[CODE][]=v as PHP clients send."""
    out: dict[str, list[str]] = {}
    for key in request.POST:
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute["):-1].removesuffix("][")
            out.setdefault(code, []).extend(request.POST.getlist(key))
    return out


def _posted(request: HttpRequest) -> PostedRequest:
    def value(name: str) -> str:
        # api_key and jurisdiction_id also come in the query string (several clients put them there).
        return request.POST.get(name) or (request.GET.get(name, "") if name in ("api_key", "jurisdiction_id")
                                          else "")

    posted = PostedRequest(**{name: value(name) for name in POST_FIELDS})
    posted.attributes = _attributes(request)
    return posted


def _links(request: HttpRequest, page: int, has_next: bool) -> str:
    def url(n: int) -> str:
        params = request.GET.copy()
        params["page"] = str(n)
        return request.build_absolute_uri(request.path) + "?" + urlencode(params, doseq=True)

    links = [f'<{url(1)}>; rel="first"']
    if page > 1:
        links.append(f'<{url(page - 1)}>; rel="prev"')
    if has_next:
        links.append(f'<{url(page + 1)}>; rel="next"')
    return ", ".join(links)


@csrf_exempt  # clients post with an api_key, never with a browser session
@require_http_methods(["GET", "HEAD", "POST"])
@georeport
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        case, record = request_submit(posted=_posted(request))
        service = record.service
        item = {"service_request_id": str(case.pk), "token": record.token,
                "service_notice": selectors.service_notice(service, case.category_id),
                "account_id": record.account_id}
        return render.respond(fmt, "service_requests", [item], status=201)
    jurisdiction = jurisdiction_resolve(request.GET.get("jurisdiction_id", ""))
    query = selectors.parse_query(request.GET)
    cases, has_next = selectors.request_page(jurisdiction, query)
    response = render.respond(fmt, "service_requests",
                              selectors.request_dicts(cases, extensions=_extensions(request)))
    response["Link"] = _links(request, query.page, has_next)
    return response


@require_http_methods(["GET", "HEAD"])
@georeport
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    jurisdiction = jurisdiction_resolve(request.GET.get("jurisdiction_id", ""))
    case = selectors.request_get(jurisdiction, request_id)
    return render.respond(fmt, "service_requests",
                          selectors.request_dicts([case], extensions=_extensions(request)))


@require_http_methods(["GET", "HEAD"])
@georeport
def request_updates(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    jurisdiction = jurisdiction_resolve(request.GET.get("jurisdiction_id", ""))
    case = selectors.request_get(jurisdiction, request_id)
    return render.respond(fmt, "service_request_updates", selectors.request_updates(case))


@require_http_methods(["GET", "HEAD"])
@georeport
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    jurisdiction_resolve(request.GET.get("jurisdiction_id", ""))
    record = selectors.request_by_token(token)
    return render.respond(fmt, "service_requests",
                          [{"service_request_id": str(record.case_id), "token": record.token}])
