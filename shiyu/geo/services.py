import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
import shapely.errors
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiyu.audit.services import audit_record
from shiyu.core.errors import InvalidInput
from shiyu.core.tree import child_path, repath
from shiyu.geo import crs, gazetteer, generate
from shiyu.geo.models import Area, PlaceName
from shiyu.geo.selectors import area_index
from shiyu.geo.spatial import spatial_index

LEVEL_ORDER = [Area.Level.CITY, Area.Level.DISTRICT, Area.Level.STREET, Area.Level.COMMUNITY,
               Area.Level.GRID]


def check_level(level: str, parent: Area | None) -> None:
    if parent is not None and LEVEL_ORDER.index(Area.Level(level)) <= LEVEL_ORDER.index(
            Area.Level(parent.level)):
        raise InvalidInput(_("A %(level)s cannot sit under a %(parent)s.") % {
            "level": Area.Level(level).label, "parent": Area.Level(parent.level).label}, field="level")


def _drop_caches() -> None:
    area_index.invalidate()
    spatial_index.invalidate()
    gazetteer.invalidate()


def _invalidate() -> None:
    _drop_caches()
    transaction.on_commit(_drop_caches)


@transaction.atomic
def area_create(*, code: str, name: str, level: str, parent: Area | None = None,
                name_en: str = "", actor=None) -> Area:
    check_level(level, parent)
    area = Area.objects.create(code=code, name=name, name_en=name_en, level=level, parent=parent)
    area.path = child_path(parent, area.pk)
    area.save(update_fields=["path"])
    audit_record(actor=actor, verb="area.create", obj=area, data={"code": code})
    _invalidate()
    return area


@transaction.atomic
def area_save(*, actor, area: Area, changed_fields: list[str] | None = None) -> Area:
    """An administrator's edit. Moving an area moves its subtree, so every scope and filter
    that matches by path follows at once."""
    check_level(area.level, area.parent)
    is_new = area.pk is None
    area.save()
    repath(area)
    audit_record(actor=actor, verb=f"area.{'create' if is_new else 'change'}", obj=area,
                 data={"fields": changed_fields or []})
    _invalidate()
    return area


# --- boundaries ---------------------------------------------------------------------------------

POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass
class Boundary:
    geometry: Any  # shapely Polygon or MultiPolygon, WGS84
    repaired: str = ""  # why it was invalid, when make_valid had to repair it


def _geometry_of(value: Any) -> dict:
    """The geometry in a GeoJSON text or object: a geometry, a Feature, or a FeatureCollection
    of one feature (what drawing tools and exports give)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise InvalidInput(_("The boundary is not valid GeoJSON."), field="boundary") from None
    if not isinstance(value, dict):
        raise InvalidInput(_("The boundary is not valid GeoJSON."), field="boundary")
    if value.get("type") == "FeatureCollection":
        features = value.get("features") or []
        if len(features) != 1:
            raise InvalidInput(_("Give one feature for one area (this collection has %(n)d).")
                               % {"n": len(features)}, field="boundary")
        value = features[0]
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    if not isinstance(value, dict) or value.get("type") not in POLYGONAL:
        raise InvalidInput(_("A boundary must be a Polygon or a MultiPolygon."), field="boundary")
    return value


def boundary_parse(value: Any, *, crs_name: str = crs.WGS84, repair: bool = True) -> Boundary:
    """Check a boundary and bring it to WGS84. An invalid polygon (self-intersecting, a bow tie,
    an unclosed or twisted ring) is repaired with make_valid and the repair reported, or refused
    when `repair` is off; it is never kept as it came."""
    if crs_name not in crs.SYSTEMS:
        raise InvalidInput(_("Unknown coordinate system: %(crs)s") % {"crs": crs_name}, field="crs")
    data = _geometry_of(value)
    try:
        geometry = shapely.from_geojson(json.dumps(data))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        raise InvalidInput(_("The boundary's coordinates cannot be read."), field="boundary") from None
    if geometry is None or geometry.is_empty:
        raise InvalidInput(_("The boundary is empty."), field="boundary")
    coords = shapely.get_coordinates(geometry)
    if not np.all(np.isfinite(coords)) or not (
            np.all(np.abs(coords[:, 0]) <= 180) and np.all(np.abs(coords[:, 1]) <= 90)):
        raise InvalidInput(_("The boundary has coordinates outside longitude −180…180 and latitude "
                             "−90…90 (is it in a projected system?)."), field="boundary")
    repaired = ""
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        if not repair:
            raise InvalidInput(_("The boundary is not a valid polygon: %(reason)s") % {"reason": reason},
                               field="boundary")
        geometry = _polygonal(shapely.make_valid(geometry))
        if geometry is None:
            raise InvalidInput(_("The boundary is not a valid polygon and cannot be repaired: "
                                 "%(reason)s") % {"reason": reason}, field="boundary")
        repaired = reason
    geometry = crs.transform_geometry(geometry, source=crs_name, target=crs.WGS84)
    return Boundary(geometry=geometry, repaired=repaired)


def _polygonal(geometry):
    """The polygons of a repaired geometry (make_valid may add stray lines or points)."""
    if geometry.geom_type in POLYGONAL:
        return geometry if not geometry.is_empty else None
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type in POLYGONAL and not g.is_empty]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if merged.geom_type in POLYGONAL else None


def _apply_boundary(area: Area, geometry) -> None:
    if geometry is None:
        area.boundary = ""
        area.min_lon = area.min_lat = area.max_lon = area.max_lat = None
        area.label_lat = area.label_lon = None
    else:
        area.boundary = shapely.to_geojson(geometry)
        area.min_lon, area.min_lat, area.max_lon, area.max_lat = (float(v) for v in geometry.bounds)
        # A point surely inside (a centroid can fall outside a crescent-shaped district).
        label = geometry.point_on_surface()
        area.label_lat, area.label_lon = float(label.y), float(label.x)
    area.boundary_updated_at = timezone.now()


BOUNDARY_FIELDS = ["boundary", "min_lon", "min_lat", "max_lon", "max_lat", "label_lat", "label_lon",
                   "boundary_updated_at"]


@transaction.atomic
def area_set_boundary(*, actor, area: Area, boundary: Boundary | None) -> Area:
    """Give an area its boundary (None clears it). The point index of every process follows."""
    _apply_boundary(area, boundary.geometry if boundary else None)
    area.save(update_fields=BOUNDARY_FIELDS)
    audit_record(actor=actor, verb="area.boundary", obj=area,
                 data={"cleared": boundary is None, "repaired": boundary.repaired if boundary else ""})
    _invalidate()
    return area


# --- import -------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    repaired: list[tuple[str, str]] = field(default_factory=list)  # (code, why)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (feature label, why)


def _prop(properties: dict, name: str) -> str:
    value = properties.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def areas_import(*, actor, collection: Any, level: str, name_field: str, code_field: str,
                 name_en_field: str = "", parent: Area | None = None, crs_name: str = crs.WGS84,
                 repair: bool = True, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Areas and their boundaries from a GeoJSON FeatureCollection (the DataV files of Chinese
    administrative boundaries are one: properties adcode/name). A code already known updates that
    area's names and boundary; a new code makes an area under `parent`. A feature that cannot be
    used is reported and skipped; one repaired is reported too. One transaction."""
    if level not in Area.Level.values:
        raise InvalidInput(_("Unknown level: %(level)s") % {"level": level}, field="level")
    check_level(level, parent)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" or not isinstance(
            collection.get("features"), list):
        raise InvalidInput(_("The file is not a GeoJSON FeatureCollection."), field="file")
    report = ImportReport()
    seen: set[str] = set()
    with transaction.atomic():
        existing = {a.code: a for a in Area.objects.filter(code__in=[
            _prop(f.get("properties") or {}, code_field) for f in collection["features"]
            if isinstance(f, dict)])}
        for number, feature in enumerate(collection["features"], start=1):
            label = f"#{number}"
            try:
                if not isinstance(feature, dict):
                    raise InvalidInput(_("Not a GeoJSON feature."))
                props = feature.get("properties") or {}
                code, name = _prop(props, code_field), _prop(props, name_field)
                label = f"#{number} {code or name}".strip()
                if not code:
                    raise InvalidInput(_("No code in property %(field)s.") % {"field": code_field})
                if not name:
                    raise InvalidInput(_("No name in property %(field)s.") % {"field": name_field})
                if len(code) > 32 or len(name) > 100:
                    raise InvalidInput(_("The code or name is too long."))
                if code in seen:
                    raise InvalidInput(_("The code %(code)s appears twice in the file.") % {"code": code})
                boundary = boundary_parse(feature.get("geometry"), crs_name=crs_name, repair=repair)
            except InvalidInput as exc:
                report.rejected.append((label, str(exc.message)))
            else:
                seen.add(code)
                name_en = _prop(props, name_en_field)[:100] if name_en_field else ""
                area = existing.get(code)
                if area is None:
                    area = area_create(code=code, name=name, name_en=name_en, level=level, parent=parent,
                                       actor=actor)
                    report.created.append(code)
                else:
                    area.name = name
                    if name_en:
                        area.name_en = name_en
                    area.save(update_fields=["name", "name_en"])
                    report.updated.append(code)
                area_set_boundary(actor=actor, area=area, boundary=boundary)
                if boundary.repaired:
                    report.repaired.append((code, boundary.repaired))
            if progress is not None:
                progress(1)
        audit_record(actor=actor, verb="area.import", object_type="geo.area", data={
            "level": level, "created": len(report.created), "updated": len(report.updated),
            "repaired": len(report.repaired), "rejected": len(report.rejected)})
    return report


# --- gazetteer ----------------------------------------------------------------------------------

@transaction.atomic
def place_name_add(*, actor, area: Area, name: str) -> PlaceName:
    name = (name or "").strip()
    if len(name) < 2 or len(name) > 100:
        raise InvalidInput(_("A place name has 2 to 100 characters."), field="name")
    place, _created = PlaceName.objects.get_or_create(name=name, area=area)
    audit_record(actor=actor, verb="area.place_name", obj=area, data={"name": name})
    _invalidate()
    return place


@transaction.atomic
def place_name_remove(*, actor, place: PlaceName) -> None:
    audit_record(actor=actor, verb="area.place_name.remove", obj=place.area, data={"name": place.name})
    place.delete()
    _invalidate()


# --- generated boundaries (the demo city) -------------------------------------------------------

@transaction.atomic
def area_tree_generate_boundaries(*, actor, root: Area, bbox: generate.BBox = generate.DEMO_CITY_BBOX) -> int:
    """Give `root` and every area under it a generated rectangle (children tile their parent).
    For the demo city and tests: a real city imports its boundaries."""
    areas = list(Area.objects.filter(path__startswith=root.path).order_by("path"))
    children: dict[int, list[int]] = {}
    for area in areas:
        if area.pk != root.pk and area.parent_id is not None:
            children.setdefault(area.parent_id, []).append(area.pk)
    boxes = generate.tree_boxes(root.pk, children, bbox)
    for area in areas:
        _apply_boundary(area, generate.rectangle(boxes[area.pk]))
    Area.objects.bulk_update(areas, BOUNDARY_FIELDS, batch_size=500)
    audit_record(actor=actor, verb="area.boundary.generate", obj=root, data={"areas": len(areas)})
    _invalidate()
    return len(areas)
