"""Grid polygons drawn, pasted or uploaded in the admin: validated, repaired and reported, audited."""

import json

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shiyu.audit.models import AuditEvent
from shiyu.geo import crs, selectors
from shiyu.geo.models import Area, PlaceName

pytestmark = pytest.mark.django_db


def admin_client() -> Client:
    client = Client()
    assert client.login(username="admin", password="shiyu-demo")
    return client


def form(area, **extra):
    data = {"parent": area.parent_id or "", "level": area.level, "code": area.code, "name": area.name,
            "name_en": area.name_en, "boundary_crs": "wgs84"}
    data.update(extra)
    return data


def polygon(*ring):
    return json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


GRID = (114.0, 30.5)


def test_a_drawn_polygon_is_saved_and_the_index_follows(city):
    grid = Area.objects.get(code="D01S1C1G1")
    w, s = GRID
    drawn = polygon([w, s], [w + 0.01, s], [w + 0.01, s + 0.01], [w, s + 0.01])
    response = admin_client().post(f"/admin/geo/area/{grid.pk}/change/", form(grid, boundary_geojson=drawn))
    assert response.status_code == 302, response.content[:2000]
    assert selectors.area_for_point(s + 0.005, w + 0.005).pk == grid.pk
    assert AuditEvent.objects.filter(verb="area.boundary", object_id=str(grid.pk)).exists()


def test_an_uploaded_bow_tie_is_repaired_and_the_admin_told(city):
    grid = Area.objects.get(code="D01S1C1G1")
    w, s = GRID
    bow = polygon([w, s], [w + 0.02, s + 0.02], [w + 0.02, s], [w, s + 0.02])
    upload = SimpleUploadedFile("grid.geojson", bow.encode(), content_type="application/geo+json")
    client = admin_client()
    response = client.post(f"/admin/geo/area/{grid.pk}/change/", form(grid, boundary_file=upload),
                           follow=True)
    assert "Self-intersection" in response.content.decode()
    saved = shapely.from_geojson(Area.objects.get(pk=grid.pk).boundary)
    assert saved.is_valid and saved.geom_type == "MultiPolygon"


@pytest.mark.parametrize("bad", ["{not json", json.dumps({"type": "Point", "coordinates": [1, 2]}),
                                 polygon([0, 0], [1e6, 0], [1e6, 1e6])])
def test_bad_boundaries_are_refused_and_change_nothing(city, bad):
    grid = Area.objects.get(code="D01S1C1G1")
    before = grid.boundary
    response = admin_client().post(f"/admin/geo/area/{grid.pk}/change/", form(grid, boundary_geojson=bad))
    assert response.status_code == 200 and b"errorlist" in response.content
    assert Area.objects.get(pk=grid.pk).boundary == before


def test_a_gcj02_boundary_is_stored_in_wgs84_and_shown_unchanged_when_left_alone(city):
    grid = Area.objects.get(code="D01S1C1G1")
    w, s = crs.wgs84_to_gcj02(30.5, 114.0)[::-1]
    drawn = polygon([w, s], [w + 0.01, s], [w + 0.01, s + 0.01], [w, s + 0.01])
    client = admin_client()
    client.post(f"/admin/geo/area/{grid.pk}/change/",
                form(grid, boundary_geojson=drawn, boundary_crs="gcj02"))
    stored = shapely.from_geojson(Area.objects.get(pk=grid.pk).boundary)
    assert stored.exterior.coords[0] == pytest.approx((114.0, 30.5), abs=1e-7)  # the drawn corner
    # Saving the names only keeps the boundary as it was.
    page = client.get(f"/admin/geo/area/{grid.pk}/change/")
    assert page.status_code == 200 and b"data-boundary-editor" in page.content
    before = Area.objects.get(pk=grid.pk).boundary
    client.post(f"/admin/geo/area/{grid.pk}/change/", form(grid, name="新名字", boundary_geojson=before))
    after = Area.objects.get(pk=grid.pk)
    assert after.name == "新名字" and after.boundary == before


def test_removing_a_boundary_and_place_names(city):
    grid = Area.objects.get(code="D01S1C1G1")
    client = admin_client()
    client.post(f"/admin/geo/area/{grid.pk}/change/", form(grid, clear_boundary="on"))
    assert Area.objects.get(pk=grid.pk).boundary == ""
    response = client.post("/admin/geo/placename/add/", {"name": "幸福家园", "area": grid.pk})
    assert response.status_code == 302
    place = PlaceName.objects.get(name="幸福家园")
    assert selectors.area_for_address("幸福家园3栋").pk == grid.pk
    client.post(f"/admin/geo/placename/{place.pk}/delete/", {"post": "yes"})
    assert not PlaceName.objects.exists()
    assert selectors.area_for_address("幸福家园3栋") is None
