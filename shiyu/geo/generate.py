"""Generated boundaries: the demo city's area tree and synthetic grids for benchmarks.

Deterministic (same input, same shapes). The demo tree is cut recursively: each area's rectangle
is split into strips for its children along its longer side, with uneven widths so the map does
not look like graph paper; children therefore tile their parent exactly, as real grids do.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import Polygon, box

# The fictional 示范市: about 40 km × 33 km somewhere in central China.
DEMO_CITY_BBOX = (113.95, 30.42, 114.37, 30.72)

BBox = tuple[float, float, float, float]


def split(bbox: BBox, parts: int, seed: str) -> list[BBox]:
    """`parts` strips of a rectangle along its longer side, widths varying ±30 %."""
    if parts <= 1:
        return [bbox]
    rng = random.Random(seed)
    weights = [rng.uniform(0.7, 1.3) for _ in range(parts)]
    total = sum(weights)
    west, south, east, north = bbox
    vertical = (east - west) >= (north - south) * 1.15  # degrees of longitude are shorter here
    start, span = (west, east - west) if vertical else (south, north - south)
    out: list[BBox] = []
    edge = start
    for i, w in enumerate(weights):
        nxt = start + span if i == parts - 1 else edge + span * w / total
        out.append((edge, south, nxt, north) if vertical else (west, edge, east, nxt))
        edge = nxt
    return out


def tree_boxes(root_id: int, children: dict[int, list[int]], bbox: BBox = DEMO_CITY_BBOX) -> dict[int, BBox]:
    """A rectangle per node of a tree (ids), each node's children tiling it."""
    out = {root_id: bbox}
    stack = [root_id]
    while stack:
        node = stack.pop()
        kids = children.get(node, [])
        if not kids:
            continue
        for kid, kid_box in zip(kids, split(out[node], len(kids), seed=f"shiyu-demo-{node}"), strict=True):
            out[kid] = kid_box
            stack.append(kid)
    return out


def rectangle(bbox: BBox) -> Polygon:
    return box(*bbox)


def voronoi_grid(bbox: Sequence[float], cells: int, seed: int = 7) -> list[Polygon]:
    """`cells` irregular polygons tiling a rectangle (a city's grid as drawn by hand looks more like
    this than like squares): the Voronoi cells of random points, clipped to the rectangle."""
    rng = np.random.default_rng(seed)
    west, south, east, north = bbox
    points = shapely.multipoints(np.column_stack([rng.uniform(west, east, cells),
                                                  rng.uniform(south, north, cells)]))
    frame = box(west, south, east, north)
    regions = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=frame))
    clipped = shapely.intersection(regions, frame)
    return [g for g in clipped if not g.is_empty and g.geom_type == "Polygon"]


def random_point_in(polygon, rng: random.Random, tries: int = 50) -> tuple[float, float]:
    """A point (lat, lon) inside a polygon, by rejection from its bounding box."""
    west, south, east, north = polygon.bounds
    for _ in range(tries):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if shapely.contains_xy(polygon, lon, lat):
            return lat, lon
    point = polygon.point_on_surface()
    return point.y, point.x
