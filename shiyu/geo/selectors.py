import json
import math

import numpy as np
import shapely
from django.conf import settings
from django.db.models import Max, Min, QuerySet

from shiyu.core.i18n import localized_name
from shiyu.core.ids import is_number, is_valid_id
from shiyu.core.refcache import RefCache
from shiyu.geo import crs, gazetteer
from shiyu.geo.models import Area
from shiyu.geo.spatial import spatial_index


def area_list() -> QuerySet[Area]:
    return Area.objects.all().order_by("path")


def area_get(*, pk: int | None = None, code: str | None = None) -> Area | None:
    qs = Area.objects.all()
    if pk is not None:
        return qs.filter(pk=pk).first() if is_valid_id(pk) else None
    if code:
        return qs.filter(code=code).first()
    return None


def area_find(value: str) -> Area | None:
    """An area by code, id or exact name (used by imports and the CLI)."""
    value = (value or "").strip()
    if not value:
        return None
    found = Area.objects.filter(code=value).first()
    if found is None and is_number(value) and is_valid_id(int(value)):
        found = Area.objects.filter(pk=int(value)).first()
    if found is None:
        found = Area.objects.filter(name=value).order_by("path").first()
    return found


def area_label(area: Area | None) -> str:
    return localized_name(area)


def _load_area_index() -> dict[str, dict]:
    # Boundaries can be megabytes; the point index keeps its own parsed copy.
    areas = list(Area.objects.defer("boundary"))
    by_name: dict = {}
    for area in sorted(areas, key=lambda a: a.path):
        by_name.setdefault(area.name, area)
    return {"by_id": {a.pk: a for a in areas}, "by_code": {a.code: a for a in areas}, "by_name": by_name}


area_index = RefCache(_load_area_index)


def area_lookup(value: str | int) -> Area | None:
    """An area by id, code or exact name, from the in-process index (intake's hot path)."""
    index = area_index.get()
    if isinstance(value, int) or (isinstance(value, str) and is_number(value)):
        found = index["by_id"].get(int(value))
        if found is not None:
            return found
    if isinstance(value, str):
        return index["by_code"].get(value) or index["by_name"].get(value)
    return None


# --- points, addresses and boundaries -----------------------------------------------------------

def map_crs() -> str:
    """The coordinate system the maps of this deployment show (see shiyu.geo.crs)."""
    value = str(getattr(settings, "SHIYU_MAP_CRS", crs.WGS84) or crs.WGS84).lower()
    return value if value in crs.SYSTEMS else crs.WGS84


def point_to_wgs84(lat: float, lon: float, system: str | None = None) -> tuple[float, float]:
    """A point as a map of this deployment (or `system`) shows it, in WGS84 for storage."""
    return crs.to_wgs84(lat, lon, system or map_crs())


def point_from_wgs84(lat: float, lon: float, system: str | None = None) -> tuple[float, float]:
    return crs.from_wgs84(lat, lon, system or map_crs())


def area_ancestry(area: Area | None) -> list[Area]:
    """The area and its ancestors, city first (from the in-process index: no query)."""
    if area is None:
        return []
    by_id = area_index.get()["by_id"]
    out = [by_id.get(int(part)) for part in area.path.strip("/").split("/") if part]
    return [a for a in out if a is not None] or [area]


def area_for_point(lat: float, lon: float) -> Area | None:
    """The deepest area whose boundary covers a WGS84 point, or None outside every boundary."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    found = spatial_index.get().locate(lon, lat)
    if found is None:
        return None
    return area_index.get()["by_id"].get(found) or Area.objects.filter(pk=found).first()


def area_path_for_point(lat: float, lon: float) -> list[Area]:
    """The areas containing a point, from the city down to the deepest (`shiyu locate`, the lookup
    API)."""
    return area_ancestry(area_for_point(lat, lon))


def areas_for_points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Area id per point (-1 outside every boundary), vectorised (imports and benchmarks)."""
    return spatial_index.get().locate_many(lon, lat)


def area_for_address(text: str) -> Area | None:
    """The area an address names through the gazetteer of area and place names, or None."""
    found = gazetteer.match(text)
    if found is None:
        return None
    return area_index.get()["by_id"].get(found) or Area.objects.filter(pk=found).first()


def area_geometry(area: Area):
    return shapely.from_geojson(area.boundary) if area.boundary else None


def boundaries_geojson(*, level: str = "", parent: Area | None = None, system: str = crs.WGS84,
                       simplify: float = 0.0, language_name=area_label) -> dict:
    """Area boundaries as a GeoJSON FeatureCollection (no personal data: public reference data).

    `simplify` (degrees) thins vertices for maps: a district drawn at city scale needs far fewer
    points than the file it came from."""
    qs = Area.objects.exclude(boundary="").order_by("path")
    if level:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path).exclude(pk=parent.pk)
    features = []
    for area in qs:
        geometry = shapely.from_geojson(area.boundary)
        if simplify > 0:
            geometry = shapely.simplify(geometry, simplify, preserve_topology=True)
        geometry = crs.transform_geometry(geometry, source=crs.WGS84, target=system)
        features.append({
            "type": "Feature", "id": area.pk,
            "geometry": json.loads(shapely.to_geojson(geometry)),
            "properties": {"id": area.pk, "code": area.code, "name": language_name(area),
                           "level": area.level, "parent_id": area.parent_id,
                           "depth": area.path.strip("/").count("/")},
        })
    return {"type": "FeatureCollection", "features": features}


def boundary_extent() -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of every boundary, WGS84, or None when none is drawn."""
    row = Area.objects.exclude(boundary="").aggregate(w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"),
                                                      n=Max("max_lat"))
    if row["w"] is None:
        return None
    return (row["w"], row["s"], row["e"], row["n"])


def area_random_point(area: Area, rng) -> tuple[float, float] | None:
    """A (lat, lon) inside the area's boundary (demo data), or None when it has none."""
    from shiyu.geo.generate import random_point_in

    geometry = area_geometry(area)
    return random_point_in(geometry, rng) if geometry is not None else None
