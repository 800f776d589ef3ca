"""Boundaries: validation and repair, the point index (deepest area, borders, outside, holes) and
its refresh when boundaries change."""

import json

import numpy as np
import pytest
import shapely
from django.test import override_settings

from shiyu.audit.models import AuditEvent
from shiyu.core.errors import InvalidInput
from shiyu.geo import crs, selectors, services
from shiyu.geo.models import Area
from shiyu.geo.spatial import spatial_index

pytestmark = pytest.mark.django_db


def square(west, south, east, north, hole=None):
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    rings = [ring]
    if hole:
        w, s, e, n = hole
        rings.append([[w, s], [w, n], [e, n], [e, s], [w, s]])
    return {"type": "Polygon", "coordinates": rings}


BOW_TIE = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}


def make(code, level, parent=None, geometry=None):
    area = services.area_create(code=code, name=f"区{code}", level=level, parent=parent)
    if geometry is not None:
        services.area_set_boundary(actor=None, area=area, boundary=services.boundary_parse(geometry))
    return area


# --- validation ---------------------------------------------------------------------------------

def test_valid_polygon_is_kept_with_bbox_and_a_label_point_inside():
    area = make("A", "city", geometry=square(10, 20, 12, 21))
    area.refresh_from_db()
    assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == (10, 20, 12, 21)
    assert shapely.contains_xy(shapely.from_geojson(area.boundary), area.label_lon, area.label_lat)
    assert area.boundary_updated_at is not None


def test_self_intersecting_polygon_is_repaired_and_the_repair_reported():
    result = services.boundary_parse(BOW_TIE)
    assert "Self-intersection" in result.repaired
    assert result.geometry.is_valid and result.geometry.geom_type == "MultiPolygon"
    assert result.geometry.area == pytest.approx(2.0)


def test_self_intersecting_polygon_is_refused_when_repair_is_off():
    with pytest.raises(InvalidInput, match="Self-intersection"):
        services.boundary_parse(BOW_TIE, repair=False)


@pytest.mark.parametrize("value", [
    "not json", "[]", {"type": "Point", "coordinates": [1, 2]},
    {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
    {"type": "Polygon", "coordinates": [[[500000, 3000000], [500100, 3000000], [500100, 3000100],
                                          [500000, 3000000]]]},  # projected metres, not degrees
    {"type": "FeatureCollection", "features": []},
    {"type": "Polygon", "coordinates": "nonsense"},
])
def test_unusable_boundaries_are_refused(value):
    with pytest.raises(InvalidInput):
        services.boundary_parse(value)


def test_a_feature_or_a_one_feature_collection_is_accepted():
    feature = {"type": "Feature", "properties": {}, "geometry": square(0, 0, 1, 1)}
    assert services.boundary_parse(json.dumps(feature)).geometry.area == pytest.approx(1)
    collection = {"type": "FeatureCollection", "features": [feature]}
    assert services.boundary_parse(collection).geometry.area == pytest.approx(1)


def test_gcj02_boundary_is_stored_in_wgs84():
    gcj = crs.wgs84_to_gcj02(28.2, 113.0)
    w, s = gcj[1] - 0.01, gcj[0] - 0.01
    result = services.boundary_parse(square(w, s, w + 0.02, s + 0.02), crs_name=crs.GCJ02)
    centre = result.geometry.centroid
    assert (centre.y, centre.x) == pytest.approx((28.2, 113.0), abs=1e-5)


def test_setting_a_boundary_is_audited():
    area = make("A", "city", geometry=square(0, 0, 1, 1))
    assert AuditEvent.objects.filter(verb="area.boundary", object_id=str(area.pk)).count() == 1


# --- the point index ----------------------------------------------------------------------------

@pytest.fixture
def tree():
    """A city (0..4 × 0..2) with two districts side by side; the west one has two grids, the east
    one none, and a lake (hole) in the east district."""
    city = make("C", "city", geometry=square(0, 0, 4, 2))
    west = make("W", "district", city, square(0, 0, 2, 2))
    east = make("E", "district", city, square(2, 0, 4, 2, hole=(2.5, 0.5, 3.5, 1.5)))
    g1 = make("WG1", "grid", west, square(0, 0, 1, 2))
    g2 = make("WG2", "grid", west, square(1, 0, 2, 2))
    return {"city": city, "west": west, "east": east, "g1": g1, "g2": g2}


def at(lat, lon):
    found = selectors.area_for_point(lat, lon)
    return found.code if found else None


def test_points_go_to_the_deepest_area_known_to_contain_them(tree):
    assert at(1.0, 0.5) == "WG1"
    assert at(1.0, 1.5) == "WG2"
    assert at(1.0, 2.2) == "E"  # no grids drawn there: the district
    assert [a.code for a in selectors.area_path_for_point(1.0, 0.5)] == ["C", "W", "WG1"]


def test_points_on_borders_are_assigned_and_always_the_same_way(tree):
    # On the border between the two grids, and between the two districts: covered by both sides.
    assert at(1.0, 1.0) in ("WG1", "WG2")
    assert at(1.0, 1.0) == at(1.0, 1.0)
    assert at(1.0, 2.0) in ("WG2", "E")
    # On the city's outer edge and corner: still inside the city's deepest area there.
    assert at(0.0, 0.5) == "WG1"
    assert at(0.0, 0.0) == "WG1"
    assert at(2.0, 4.0) == "E"


def test_points_outside_every_polygon_have_no_area(tree):
    assert at(5.0, 5.0) is None
    assert at(-0.000001, 0.5) is None
    assert selectors.area_path_for_point(5.0, 5.0) == []
    # In the lake: outside the east district, but still in the city.
    assert at(1.0, 3.0) == "C"
    assert at(float("nan"), 1.0) is None


def test_vectorised_lookup_agrees_with_single_lookups(tree):
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-0.5, 4.5, 2000), rng.uniform(-0.5, 2.5, 2000)
    many = selectors.areas_for_points(lon, lat)
    for i in range(0, 2000, 37):
        single = selectors.area_for_point(lat[i], lon[i])
        assert many[i] == (single.pk if single else -1)
    assert set(many) <= {-1, tree["city"].pk, tree["east"].pk, tree["g1"].pk, tree["g2"].pk}


def test_index_follows_boundary_changes(tree):
    assert at(1.0, 0.5) == "WG1"
    services.area_set_boundary(actor=None, area=tree["g1"], boundary=None)  # grid 1 cleared
    assert at(1.0, 0.5) == "W"
    services.area_set_boundary(actor=None, area=tree["g2"], boundary=services.boundary_parse(
        square(0, 0, 2, 2)))
    assert at(1.0, 0.5) == "WG2"


@override_settings(SHIYU_REFCACHE_SECONDS=3600)
def test_index_is_loaded_once_and_rebuilt_when_another_process_changes_boundaries(tree):
    spatial_index.invalidate()
    first = spatial_index.get()
    assert spatial_index.get() is first  # held: no reload, no stamp query within the period
    # Another worker's edit: the row changes without this process's services being called.
    Area.objects.filter(pk=tree["g1"].pk).update(boundary="", boundary_updated_at=None)
    assert spatial_index.get() is first
    with override_settings(SHIYU_REFCACHE_SECONDS=0):
        rebuilt = spatial_index.get()
    assert rebuilt is not first and len(rebuilt) == len(first) - 1


def test_generated_demo_tree_tiles_the_city(city):
    areas = list(Area.objects.exclude(boundary=""))
    assert len(areas) == Area.objects.count()
    grids = [shapely.from_geojson(a.boundary) for a in areas if a.level == "grid"]
    union = shapely.union_all(grids)
    city_shape = shapely.from_geojson(Area.objects.get(code="C").boundary)
    # The small city's grids tile only the districts built; every grid lies inside the city.
    assert all(city_shape.covers(g) for g in grids)
    assert sum(g.area for g in grids) == pytest.approx(union.area)  # no overlaps
    for grid in city.grids:
        point = selectors.area_random_point(Area.objects.get(pk=grid.pk), __import__("random").Random(1))
        assert selectors.area_for_point(*point).pk == grid.pk
