"""WGS84 ↔ GCJ-02 against the published reference points, and the round trip."""

import random

import numpy as np
import pytest

from shiyu.geo import crs

# (WGS84 lat, lon) → (GCJ-02 lat, lon): the test vectors published with eviltransform.
REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_reference_points_both_ways(wgs, gcj):
    assert crs.wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)
    assert crs.gcj02_to_wgs84(*gcj) == pytest.approx(wgs, abs=1e-8)


def test_round_trip_over_china_stays_under_a_millimetre():
    rng = random.Random(11)
    for _ in range(2000):
        lat, lon = rng.uniform(18.0, 53.0), rng.uniform(74.0, 134.9)
        back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lat, lon))
        assert back == pytest.approx((lat, lon), abs=1e-8)  # 1e-8 degree ≈ 1 mm


def test_offset_is_hundreds_of_metres_in_china_and_nil_outside():
    lat, lon = crs.wgs84_to_gcj02(28.19, 112.98)  # Changsha
    assert 0.0005 < abs(lat - 28.19) + abs(lon - 112.98) < 0.01
    for point in [(40.758, -73.9855), (51.5, -0.12), (-33.86, 151.2)]:
        assert crs.wgs84_to_gcj02(*point) == point
        assert crs.gcj02_to_wgs84(*point) == point


def test_arrays_match_single_points():
    lats, lons = np.array([r[0][0] for r in REFERENCE]), np.array([r[0][1] for r in REFERENCE])
    g_lat, g_lon = crs.wgs84_to_gcj02_arrays(lats, lons)
    for (lat, lon), (_wgs, gcj) in zip(zip(g_lat, g_lon, strict=True), REFERENCE, strict=True):
        assert (lat, lon) == pytest.approx(gcj, abs=1e-9)


def test_edges_convert_per_system():
    wgs = REFERENCE[0][0]
    assert crs.from_wgs84(*wgs, crs.WGS84) == wgs
    assert crs.from_wgs84(*wgs, crs.GCJ02) == pytest.approx(REFERENCE[0][1], abs=1e-9)
    assert crs.to_wgs84(*REFERENCE[0][1], crs.GCJ02) == pytest.approx(wgs, abs=1e-8)
