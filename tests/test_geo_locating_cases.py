"""Intake places cases: a point finds its deepest area, an address its area through the gazetteer;
the lookup and boundaries API."""

import pytest

from shiyu.cases.services import CaseInput
from shiyu.geo import crs, selectors, services
from shiyu.geo.models import Area
from shiyu.intake.services import intake_submit

pytestmark = pytest.mark.django_db


def submit(**fields):
    data = {"title": "路灯不亮", "body": "晚上路灯不亮，出行不安全。", "category": "C010302", **fields}
    case, _ = intake_submit(actor=None, data=CaseInput(**data))
    return case


def inside(area_code):
    import random

    return selectors.area_random_point(Area.objects.get(code=area_code), random.Random(5))


def test_a_point_without_an_area_goes_to_its_grid(city):
    lat, lon = inside("D02S1C1G1")
    case = submit(latitude=lat, longitude=lon)
    assert case.area.code == "D02S1C1G1"
    assert (case.latitude, case.longitude) == (lat, lon)


def test_a_district_chosen_and_a_point_in_one_of_its_grids_gives_the_grid(city):
    lat, lon = inside("D01S1C1G1")
    assert submit(area="D01", latitude=lat, longitude=lon).area.code == "D01S1C1G1"
    # A point outside the chosen district does not override the resident's choice.
    assert submit(area="D02", latitude=lat, longitude=lon).area.code == "D02"


def test_a_point_outside_the_city_leaves_the_area_empty(city):
    case = submit(latitude=10.0, longitude=10.0, address="")
    assert case.area is None and case.latitude == 10.0


def test_an_address_without_a_point_is_matched_through_the_gazetteer(city):
    assert submit(address="临江区滨江街道人民路12号").area.code == "D02S1"
    assert submit(address="长安区和平东苑社区3栋").area.code == "D01S1C1"
    assert submit(address="Linjiang District, Binjiang Road").area.code == "D02"
    assert submit(address="火星基地一号").area is None


def test_ambiguous_names_need_an_ancestor_and_place_names_count(city):
    # "第1网格" names a grid in every community: alone it says nothing, under a community it does.
    assert submit(address="第1网格门口").area is None
    assert submit(address="滨江东苑社区第1网格").area.code == "D02S1C1G1"
    services.place_name_add(actor=None, area=Area.objects.get(code="D01S1C1"), name="幸福家园小区")
    assert submit(address="幸福家园小区5栋").area.code == "D01S1C1"
    # The longest name wins over a shorter one inside it.
    services.place_name_add(actor=None, area=Area.objects.get(code="D02S1C1"), name="幸福家园小区二期")
    assert submit(address="幸福家园小区二期8栋").area.code == "D02S1C1"


def test_a_point_wins_over_the_address(city):
    lat, lon = inside("D01S1C1G1")
    assert submit(latitude=lat, longitude=lon, address="临江区滨江街道").area.code == "D01S1C1G1"


# --- API ------------------------------------------------------------------------------------------

def test_lookup_api_gives_the_path_in_either_system(client, city):
    lat, lon = inside("D02S1C1G1")
    body = client.get("/api/v1/areas/lookup", {"lat": lat, "lon": lon}).json()
    assert [a["code"] for a in body["path"]] == ["C", "D02", "D02S1", "D02S1C1", "D02S1C1G1"]
    assert body["area"]["code"] == "D02S1C1G1"
    g_lat, g_lon = crs.wgs84_to_gcj02(lat, lon)
    body = client.get("/api/v1/areas/lookup", {"lat": g_lat, "lon": g_lon, "crs": "gcj02"}).json()
    assert body["area"]["code"] == "D02S1C1G1"
    assert (body["lat"], body["lon"]) == pytest.approx((lat, lon), abs=1e-8)
    outside = client.get("/api/v1/areas/lookup", {"lat": 0, "lon": 0}).json()
    assert outside["area"] is None and outside["path"] == []


@pytest.mark.parametrize("params", [{"lat": 91, "lon": 0}, {"lat": "x", "lon": 0}, {"lat": 1},
                                    {"lat": 1, "lon": 2, "crs": "bd09"}])
def test_lookup_api_refuses_bad_input(client, city, params):
    response = client.get("/api/v1/areas/lookup", params)
    assert response.status_code == 422
    assert response.json()["code"]


def test_boundaries_api_is_geojson_filtered_and_converted(client, city):
    response = client.get("/api/v1/areas/boundaries", {"level": "district"})
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert {f["properties"]["code"] for f in body["features"]} == {"D01", "D02"}
    sub = client.get("/api/v1/areas/boundaries", {"parent": "D01"}).json()
    assert {f["properties"]["code"] for f in sub["features"]} == {"D01S1", "D01S1C1", "D01S1C1G1"}
    gcj = client.get("/api/v1/areas/boundaries", {"level": "district", "crs": "gcj02"}).json()
    w = body["features"][0]["geometry"]["coordinates"][0][0]
    g = gcj["features"][0]["geometry"]["coordinates"][0][0]
    assert (g[1], g[0]) == pytest.approx(crs.wgs84_to_gcj02(w[1], w[0]), abs=1e-9)
    for params in [{"level": "planet"}, {"parent": "nowhere"}, {"simplify": -1}, {"crs": "x"}]:
        assert client.get("/api/v1/areas/boundaries", params).status_code == 422
