"""Point-in-polygon over the area tree: an STRtree of every boundary, held once per process.

A point belongs to the deepest area whose boundary covers it (a grid if grids are drawn there,
else its community, street, …). Points on a shared border are covered by both sides; the tie goes
to the polygon that holds the point strictly inside, then to the older area, so the same point
always gets the same answer. A point outside every boundary belongs to no area.

The index is rebuilt when boundaries change: a service that saves one drops this process's copy at
once, and every process compares a cheap stamp (how many boundaries, the newest change) at most
every SHIYU_REFCACHE_SECONDS, so an import or an admin edit reaches all workers without a restart.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.db.models import Count, Max
from shapely import STRtree

from shiyu.geo.models import Area


@dataclass
class Index:
    ids: np.ndarray  # area id per geometry
    depth: np.ndarray  # depth in the tree per geometry (city 0, district 1, …)
    geoms: np.ndarray  # prepared shapely geometries
    tree: STRtree | None
    paths: dict[int, str]
    stamp: tuple

    def __len__(self) -> int:
        return len(self.ids)

    def locate_many(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Area id for each point (-1 where no boundary covers it). Vectorised: the tree gives
        candidates by bounding box, prepared geometries test them all in one call."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        out = np.full(len(lon), -1, dtype=np.int64)
        if self.tree is None or not len(lon):
            return out
        point_i, geom_i = self.tree.query(shapely.points(lon, lat))
        if not len(point_i):
            return out
        hit = shapely.intersects_xy(self.geoms[geom_i], lon[point_i], lat[point_i])
        point_i, geom_i = point_i[hit], geom_i[hit]
        if not len(point_i):
            return out
        counts = np.bincount(point_i, minlength=len(lon))
        shared = counts[point_i] > 1
        if not shared.any():
            out[point_i] = self.ids[geom_i]
            return out
        # Several polygons cover some points (nested levels, or a shared border): deepest first,
        # then strictly inside, then the older area. Only those points pay for the second test.
        out[point_i[~shared]] = self.ids[geom_i[~shared]]
        p, g = point_i[shared], geom_i[shared]
        inside = shapely.contains_xy(self.geoms[g], lon[p], lat[p])
        order = np.lexsort((self.ids[g], ~inside, -self.depth[g], p))
        p, g = p[order], g[order]
        _, first = np.unique(p, return_index=True)
        out[p[first]] = self.ids[g[first]]
        return out

    def locate(self, lon: float, lat: float) -> int | None:
        found = int(self.locate_many(np.array([lon]), np.array([lat]))[0])
        return found if found >= 0 else None

    def covering(self, lon: float, lat: float) -> list[int]:
        """Every area whose boundary covers the point, shallowest first."""
        if self.tree is None:
            return []
        candidates = self.tree.query(shapely.points(lon, lat))
        hit = [int(i) for i in candidates if shapely.intersects_xy(self.geoms[i], lon, lat)]
        return [int(self.ids[i]) for i in sorted(hit, key=lambda i: (self.depth[i], self.ids[i]))]


def _stamp() -> tuple:
    row = Area.objects.exclude(boundary="").aggregate(n=Count("id"), t=Max("boundary_updated_at"))
    return (row["n"], row["t"])


def build(rows: list[tuple[int, str, str]], stamp: tuple = ()) -> Index:
    """An index from (id, path, GeoJSON) rows; also used by the benchmark on files."""
    if not rows:
        return Index(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.empty(0, dtype=object),
                     None, {}, stamp)
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    depth = np.array([r[1].strip("/").count("/") for r in rows], dtype=np.int64)
    geoms = shapely.from_geojson([r[2] for r in rows])
    shapely.prepare(geoms)
    return Index(ids, depth, geoms, STRtree(geoms), {r[0]: r[1] for r in rows}, stamp)


def _load(stamp: tuple) -> Index:
    rows = list(Area.objects.exclude(boundary="").order_by("path").values_list("id", "path", "boundary"))
    return build(rows, stamp)


class _Holder:
    def __init__(self) -> None:
        self._index: Index | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self) -> Index:
        ttl = float(getattr(settings, "SHIYU_REFCACHE_SECONDS", 30))
        with self._lock:
            now = time.monotonic()
            if self._index is not None and now - self._checked < ttl:
                return self._index
            stamp = _stamp()
            self._checked = now
            if self._index is None or self._index.stamp != stamp:
                self._index = _load(stamp)
            return self._index

    def invalidate(self) -> None:
        with self._lock:
            self._index = None


spatial_index = _Holder()
