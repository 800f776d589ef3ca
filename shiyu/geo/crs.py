"""WGS84 ↔ GCJ-02, at the edges only.

Shiyu stores every coordinate in WGS84 (what GPS and GeoJSON use). Chinese web maps draw their tiles
in GCJ-02, an obfuscated datum offset by a few hundred metres, so a point picked on such a map must
be converted before it is stored, and every point or boundary sent to such a map converted back.
`SHIYU_MAP_CRS` (settings) names the system the maps of this deployment show: "wgs84" (default;
plain background or an international tile server) or "gcj02".

The forward formula is the published one (eviltransform and others); the inverse has no closed form
and is found by iteration to well under a millimetre. Outside mainland China the two coincide.
"""

from __future__ import annotations

import math

import numpy as np

WGS84 = "wgs84"
GCJ02 = "gcj02"
SYSTEMS = (WGS84, GCJ02)

_A = 6378245.0
_EE = 0.00669342162296594323


def out_of_china(lat: float, lon: float) -> bool:
    return not (73.66 < lon < 135.05 and 3.86 < lat < 53.55)


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * math.pi) + 320 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _delta(lat, lon):
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * math.pi)
    return d_lat, d_lon


def _inside(lat, lon):
    return (lon > 73.66) & (lon < 135.05) & (lat > 3.86) & (lat < 53.55)


def wgs84_to_gcj02_arrays(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    d_lat, d_lon = _delta(lat, lon)
    inside = _inside(lat, lon)
    return np.where(inside, lat + d_lat, lat), np.where(inside, lon + d_lon, lon)


def gcj02_to_wgs84_arrays(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fixed-point iteration: the offset changes slowly, so a few rounds reach 1e-9 degrees."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    w_lat, w_lon = lat.copy(), lon.copy()
    for _ in range(30):
        g_lat, g_lon = wgs84_to_gcj02_arrays(w_lat, w_lon)
        e_lat, e_lon = g_lat - lat, g_lon - lon
        w_lat, w_lon = w_lat - e_lat, w_lon - e_lon
        if float(np.max(np.abs(e_lat), initial=0.0)) < 1e-10 and float(
                np.max(np.abs(e_lon), initial=0.0)) < 1e-10:
            break
    return w_lat, w_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if out_of_china(lat, lon):
        return lat, lon
    g_lat, g_lon = wgs84_to_gcj02_arrays(np.array([lat]), np.array([lon]))
    return float(g_lat[0]), float(g_lon[0])


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    if out_of_china(lat, lon):
        return lat, lon
    w_lat, w_lon = gcj02_to_wgs84_arrays(np.array([lat]), np.array([lon]))
    return float(w_lat[0]), float(w_lon[0])


def to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    return gcj02_to_wgs84(lat, lon) if system == GCJ02 else (lat, lon)


def from_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    return wgs84_to_gcj02(lat, lon) if system == GCJ02 else (lat, lon)


def transform_geometry(geometry, *, source: str, target: str):
    """A shapely geometry moved between systems (boundaries imported in GCJ-02, or drawn for a
    GCJ-02 map)."""
    if source == target:
        return geometry
    import shapely

    fn = gcj02_to_wgs84_arrays if source == GCJ02 else wgs84_to_gcj02_arrays

    def move(coords: np.ndarray) -> np.ndarray:
        lat, lon = fn(coords[:, 1], coords[:, 0])
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, move)
