"""GeoJSON for the maps: case markers (staff), h3 heat cells (staff), public hexagons.

Everything here reads through selectors and only shapes the answer. Coordinates leave in the
system the caller asked for (WGS84 for the API, the deployment's map system for its pages).
Public layers carry counts per h3 cell and nothing else: no point, code, title or address.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import h3
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.cases import geo_selectors
from shiyu.cases.presenters import state_label
from shiyu.cases.selectors import CaseFilters, category_list, kind_choices
from shiyu.core import citysettings, clock
from shiyu.core.errors import InvalidInput
from shiyu.core.i18n import localized_name
from shiyu.geo import selectors as geo

PUBLIC_RESOLUTION = citysettings.declare(
    "maps.public_h3_resolution", 8, gettext_lazy("Public maps: hexagon size (h3 resolution)"),
    gettext_lazy("Cases on public maps are counted per h3 hexagon, never shown at their point. "
                 "7 ≈ 5 km², 8 ≈ 0.7 km², 9 ≈ 0.1 km²."), minimum=5, maximum=9)
PUBLIC_MIN_CASES = citysettings.declare(
    "maps.public_min_cases", 2, gettext_lazy("Public maps: fewest cases a hexagon must hold to be shown"),
    gettext_lazy("A hexagon with fewer cases is left out, so a single matter cannot be placed."),
    minimum=1, maximum=100)
HEAT_RESOLUTION = citysettings.declare(
    "maps.heat_h3_resolution", 8, gettext_lazy("Staff heat map: default hexagon size (h3 resolution)"),
    minimum=4, maximum=11)
MARKER_LIMIT = citysettings.declare(
    "maps.marker_limit", 5000, gettext_lazy("Staff case map: most markers drawn at once"),
    minimum=100, maximum=50000)

MAX_DAYS = 3660
PUBLIC_MAX_DAYS = 366


@dataclass
class Period:
    since: datetime | None
    until: datetime | None


def period(days: int | None, *, default: int = 30, maximum: int = MAX_DAYS) -> Period:
    """The last `days` days (0: all time, for staff only)."""
    days = default if days is None else days
    if days < 0 or days > maximum:
        raise InvalidInput(_("days must be between 0 and %(n)d.") % {"n": maximum}, field="days")
    if days == 0:
        return Period(None, None)
    now = clock.now()
    return Period(now - timedelta(days=days), None)


def _point(lat: float, lon: float, system: str) -> list[float]:
    lat, lon = geo.point_from_wgs84(lat, lon, system)
    return [round(lon, 7), round(lat, 7)]


def case_markers(*, actor: Any, filters: CaseFilters, days: int | None, system: str) -> dict:
    """Markers of the located cases the actor may see (the case list's scope and filters)."""
    p = period(days)
    rows, total = geo_selectors.case_points_for_user(actor=actor, filters=filters, since=p.since,
                                                     until=p.until, limit=int(MARKER_LIMIT.get()))
    categories = {c.pk: localized_name(c) for c in category_list()}
    kinds = dict(kind_choices())
    features = []
    for row in rows:
        features.append({
            "type": "Feature", "id": row["id"],
            "geometry": {"type": "Point", "coordinates": _point(row["latitude"], row["longitude"], system)},
            "properties": {
                "id": row["id"], "code": row["code"], "title": row["title"], "state": row["state"],
                "state_label": state_label(row["state"]), "kind": row["kind"],
                "kind_label": str(kinds.get(row["kind"], row["kind"])),
                "category": categories.get(row["category_id"], ""), "category_id": row["category_id"],
                "area_id": row["area_id"], "problem": row["is_problem"],
                "submitted_at": row["submitted_at"].isoformat(),
                "url": reverse("cases:case", kwargs={"case_id": row["id"]}),
            },
        })
    return {"type": "FeatureCollection", "features": features, "total": total, "shown": len(features)}


def _hexagons(points: list[tuple[float, float, int | None]], resolution: int, system: str,
              min_count: int = 1) -> dict:
    counts: Counter[str] = Counter()
    by_category: dict[str, Counter[int | None]] = {}
    for lat, lon, category_id in points:
        cell = h3.latlng_to_cell(lat, lon, resolution)
        counts[cell] += 1
        by_category.setdefault(cell, Counter())[category_id] += 1
    names = {c.pk: localized_name(c) for c in category_list()}
    features: list[dict[str, Any]] = []
    for cell, count in counts.most_common():
        if count < min_count:
            continue
        ring = [_point(lat, lon, system) for lat, lon in h3.cell_to_boundary(cell)]
        ring.append(ring[0])
        top_id, top_count = by_category[cell].most_common(1)[0]
        features.append({
            "type": "Feature", "id": cell,
            "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"cell": cell, "count": count, "top_count": top_count,
                           "top_category": names.get(top_id, "") if top_id else ""},
        })
    shown = [count for count in counts.values() if count >= min_count]
    return {"type": "FeatureCollection", "features": features, "resolution": resolution,
            "max_count": max(shown, default=0)}


def heat_cells(*, actor: Any, filters: CaseFilters, days: int | None, resolution: int | None,
               system: str) -> dict:
    """Cases per h3 hexagon over what the actor may see, for a category (filters) and a period."""
    resolution = int(HEAT_RESOLUTION.get()) if resolution is None else resolution
    if not 4 <= resolution <= 11:
        raise InvalidInput(_("resolution must be between 4 and 11."), field="resolution")
    p = period(days)
    points = geo_selectors.case_coordinates_for_user(actor=actor, filters=filters, since=p.since,
                                                     until=p.until)
    return _hexagons(points, resolution, system)


def public_cells(*, category: int | None, days: int | None, system: str) -> dict:
    """The public hotspot layer: counts per hexagon at the city's resolution, thin cells left out."""
    p = period(days, default=90, maximum=PUBLIC_MAX_DAYS)
    if p.since is None:
        raise InvalidInput(_("days must be between 1 and %(n)d.") % {"n": PUBLIC_MAX_DAYS}, field="days")
    path = ""
    if category is not None:
        found = next((c for c in category_list() if c.pk == category), None)
        if found is None:
            raise InvalidInput(_("Unknown category: %(value)s") % {"value": category}, field="category")
        path = found.path
    points = geo_selectors.case_coordinates_public(category_path=path, since=p.since, until=p.until)
    return _hexagons(points, int(PUBLIC_RESOLUTION.get()), system, min_count=int(PUBLIC_MIN_CASES.get()))


def map_config(*, system: str | None = None) -> dict:
    """What a page's map needs to start: coordinate system, tiles (none by default: offline), the
    extent of the boundaries."""
    from django.conf import settings

    system = system or geo.map_crs()
    extent = geo.boundary_extent()
    bounds = None
    if extent is not None:
        west, south, east, north = extent
        (s, w), (n, e) = geo.point_from_wgs84(south, west, system), geo.point_from_wgs84(north, east, system)
        bounds = [[s, w], [n, e]]
    return {"crs": system, "tiles": getattr(settings, "SHIYU_MAP_TILES", ""),
            "attribution": getattr(settings, "SHIYU_MAP_ATTRIBUTION", ""), "bounds": bounds}
