"""GeoJSON endpoints of the maps, under /api/v1/map/.

Staff layers take a bearer token (third parties) or the signed-in session (Shiyu's own map
pages) and are scoped like the case list. The public layer needs neither and shows counts per
hexagon only.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.security import django_auth

from shiyu.accounts.auth import bearer
from shiyu.cases.selectors import CaseFilters
from shiyu.core.errors import InvalidInput
from shiyu.geo import crs as geo_crs
from shiyu.maps import layers

router = Router(tags=["maps"])
GEOJSON = {"responses": {200: {"description": "GeoJSON FeatureCollection"}}}
STAFF_AUTH = [bearer, django_auth]


class MapQuery(Schema):
    state: str = ""
    kind: str = ""
    channel: str = ""
    category: int | None = None
    area: int | None = None
    department: int | None = None
    q: str = ""
    problem: bool | None = None
    days: int | None = None
    crs: str = "wgs84"


def _system(value: str) -> str:
    value = (value or geo_crs.WGS84).lower()
    if value not in geo_crs.SYSTEMS:
        raise InvalidInput(_("Unknown coordinate system: %(crs)s") % {"crs": value}, field="crs")
    return value


def filters_of(query: MapQuery) -> CaseFilters:
    if len(query.q) > 200:
        raise InvalidInput(_("The search text is too long."), field="q")
    if any("\x00" in value for value in (query.state, query.kind, query.channel, query.q)):
        raise InvalidInput(_("The input is not valid."))
    return CaseFilters(states=[s for s in query.state.split(",") if s], kind=query.kind,
                       channel=query.channel, category=query.category, area=query.area,
                       department=query.department, q=query.q, problem=query.problem)


def geojson(data: dict) -> JsonResponse:
    return JsonResponse(data, content_type="application/geo+json")


@router.get("/map/cases", auth=STAFF_AUTH, url_name="map-cases", openapi_extra=GEOJSON)
def map_cases(request, query: Query[MapQuery]):
    """Located cases the caller may see, as points (the case list's filters; `days`: the last N
    days, 0 for all time, default 30). `total` says how many matched, `shown` how many are drawn."""
    return geojson(layers.case_markers(actor=request.auth, filters=filters_of(query), days=query.days,
                                       system=_system(query.crs)))


@router.get("/map/heat", auth=STAFF_AUTH, url_name="map-heat", openapi_extra=GEOJSON)
def map_heat(request, query: Query[MapQuery], resolution: int | None = None):
    """Cases per h3 hexagon over what the caller may see, for the filters and the period."""
    return geojson(layers.heat_cells(actor=request.auth, filters=filters_of(query), days=query.days,
                                     resolution=resolution, system=_system(query.crs)))


@router.get("/map/public", auth=None, url_name="map-public", openapi_extra=GEOJSON)
def map_public(request, category: int | None = None, days: int | None = None, crs: str = "wgs84"):
    """The public hotspot layer: cases per h3 hexagon (the city sets the size and the fewest cases a
    hexagon must hold to appear). Never a point, a code or an address."""
    return geojson(layers.public_cells(category=category, days=days, system=_system(crs)))
