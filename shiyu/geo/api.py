import math

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from shiyu.core.errors import InvalidInput
from shiyu.geo import crs, selectors
from shiyu.geo.models import Area

router = Router(tags=["geo"])


class AreaOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    level: str
    parent_id: int | None


class LookupOut(Schema):
    lat: float
    lon: float
    area: AreaOut | None
    path: list[AreaOut]


@router.get("/areas", response=list[AreaOut], url_name="areas")
def areas(request):
    return list(selectors.area_list())


def _system(value: str) -> str:
    value = (value or crs.WGS84).lower()
    if value not in crs.SYSTEMS:
        raise InvalidInput(_("Unknown coordinate system: %(crs)s") % {"crs": value}, field="crs")
    return value


# Reference data with no personal content: open to anyone, as a resident's app needs it to place a
# point before signing in.
@router.get("/areas/lookup", response=LookupOut, auth=None, url_name="area-lookup")
def area_lookup(request, lat: float, lon: float, crs: str = "wgs84"):
    """The areas containing a point, from the city down to the deepest (empty outside every
    boundary). Coordinates are WGS84 unless `crs=gcj02`; the answer is in WGS84."""
    system = _system(crs)
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(_("The location is not a valid coordinate."), field="lat")
    lat, lon = selectors.point_to_wgs84(lat, lon, system)
    path = selectors.area_path_for_point(lat, lon)
    return {"lat": lat, "lon": lon, "area": path[-1] if path else None, "path": path}


@router.get("/areas/boundaries", auth=None, url_name="area-boundaries",
            openapi_extra={"responses": {200: {"description": "GeoJSON FeatureCollection"}}})
def area_boundaries(request, level: str = "", parent: str = "", crs: str = "wgs84", simplify: float = 0.0):
    """Area boundaries as GeoJSON (`level` filters, `parent` keeps one area's subtree; `simplify`
    in degrees thins vertices for small-scale maps)."""
    system = _system(crs)
    if level and level not in Area.Level.values:
        raise InvalidInput(_("Unknown level: %(level)s") % {"level": level}, field="level")
    if not (math.isfinite(simplify) and 0 <= simplify <= 1):
        raise InvalidInput(_("simplify must be between 0 and 1 degree."), field="simplify")
    parent_area = None
    if parent:
        parent_area = selectors.area_find(parent)
        if parent_area is None:
            raise InvalidInput(_("Unknown area: %(value)s") % {"value": parent}, field="parent")
    data = selectors.boundaries_geojson(level=level, parent=parent_area, system=system, simplify=simplify)
    return JsonResponse(data, content_type="application/geo+json")
