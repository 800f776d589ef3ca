"""Map layers: staff markers scoped like the case list, heat cells by category and period, and a
public layer that never gives a point, a code, a title or an address."""

import html
import json
import random
from datetime import timedelta

import h3
import pytest
from django.test import Client

from shiyu.accounts.services import token_issue
from shiyu.cases import services
from shiyu.cases.models import Case
from shiyu.cases.services import CaseInput
from shiyu.core import clock
from shiyu.core.models import CitySetting
from shiyu.geo import crs, selectors
from shiyu.geo.models import Area
from shiyu.intake.services import intake_submit

pytestmark = pytest.mark.django_db
ADDRESS = "临江区滨江街道人民路12号"


def place(code, seed):
    return selectors.area_random_point(Area.objects.get(code=code), random.Random(seed))


def submit(grid, seed, *, category="C010302", kind="complaint", days_ago=0, point=None):
    lat, lon = point or place(grid, seed)
    data = CaseInput(title=f"路灯不亮{seed}", body="晚上路灯不亮。", category=category, kind=kind,
                     latitude=lat, longitude=lon, address=ADDRESS, contact_name="陈女士",
                     contact_phone="13912345678")
    with clock.frozen_at(clock.now() - timedelta(days=days_ago)):
        case, _ = intake_submit(actor=None, data=data)
    return case


@pytest.fixture
def located(city):
    cases = [submit("D01S1C1G1", i) for i in range(3)] + [submit("D02S1C1G1", 10 + i) for i in range(2)]
    cases.append(submit("D02S1C1G1", 20, category="C020101"))
    cases.append(submit("D01S1C1G1", 30, days_ago=60))
    intake_submit(actor=None, data=CaseInput(title="没有位置", body="没有位置的诉求。", category="C010302"))
    return cases


def api(role, path, **params):
    token = token_issue(username=role, password="shiyu-demo")
    response = Client().get(path, params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    return response.json()


def test_markers_follow_the_callers_scope_and_filters(located):
    every = api("operator", "/api/v1/map/cases")
    assert every["total"] == 6 and every["shown"] == 6  # the 60-day-old one is outside 30 days
    assert api("operator", "/api/v1/map/cases", days=0)["total"] == 7
    d2 = api("operator_d2", "/api/v1/map/cases")
    assert d2["total"] == 3
    assert {f["properties"]["area_id"] for f in d2["features"]} == {Area.objects.get(code="D02S1C1G1").pk}
    noise = api("operator", "/api/v1/map/cases", category=located[5].category_id)
    assert [f["id"] for f in noise["features"]] == [located[5].pk]
    assert api("resident", "/api/v1/map/cases")["total"] == 0  # none of these are the resident's
    feature = every["features"][0]
    case = Case.objects.get(pk=feature["id"])
    assert feature["geometry"]["coordinates"] == [pytest.approx(case.longitude), pytest.approx(case.latitude)]
    text = json.dumps(every, ensure_ascii=False)
    assert "陈女士" not in text and "13912345678" not in text and "人民路" not in text


def test_markers_in_gcj02_for_a_gcj02_map(located):
    wgs = api("operator", "/api/v1/map/cases")["features"][0]
    gcj = api("operator", "/api/v1/map/cases", crs="gcj02")["features"][0]
    lon, lat = wgs["geometry"]["coordinates"]
    assert gcj["geometry"]["coordinates"][::-1] == pytest.approx(list(crs.wgs84_to_gcj02(lat, lon)), abs=1e-6)


def test_heat_cells_count_cases_by_category_and_period(located):
    heat = api("operator", "/api/v1/map/heat", resolution=7)
    assert heat["resolution"] == 7
    assert sum(f["properties"]["count"] for f in heat["features"]) == 6
    expected = {}
    for case in located[:6]:
        cell = h3.latlng_to_cell(case.latitude, case.longitude, 7)
        expected[cell] = expected.get(cell, 0) + 1
    assert {f["properties"]["cell"]: f["properties"]["count"] for f in heat["features"]} == expected
    assert sum(f["properties"]["count"] for f in api("operator", "/api/v1/map/heat", days=0)["features"]) == 7
    noise = api("operator", "/api/v1/map/heat", category=located[5].category_id)
    assert sum(f["properties"]["count"] for f in noise["features"]) == 1
    assert sum(f["properties"]["count"] for f in api("operator_d2", "/api/v1/map/heat")["features"]) == 3


def test_public_layer_snaps_to_cells_and_hides_thin_ones(located, client):
    one_cell = place("D01S1C1G1", 99)
    for i in range(3):  # three cases at one place: a cell of at least three
        submit("D01S1C1G1", 100 + i, point=one_cell)
    submit("D01S1C1G1", 200, kind="report", point=one_cell)  # reports never appear
    rejected = submit("D01S1C1G1", 201, point=one_cell)
    services.case_reject(actor=located_operator(), case_id=rejected.pk, reason="不属于受理范围")
    body = client.get("/api/v1/map/public").json()
    text = json.dumps(body, ensure_ascii=False)
    for case in Case.objects.all():
        assert case.code not in text and case.title not in text
        assert f"{case.latitude}" not in text and f"{case.longitude}" not in text
    assert "人民路" not in text and "陈女士" not in text
    counts = {f["properties"]["cell"]: f["properties"]["count"] for f in body["features"]}
    assert body["resolution"] == 8
    big = h3.latlng_to_cell(*one_cell, 8)
    assert counts[big] >= 3
    assert all(c >= 2 for c in counts.values())  # the default: cells of one case are left out
    for feature in body["features"]:
        assert feature["geometry"]["type"] == "Polygon" and set(feature["properties"]) == {
            "cell", "count", "top_category", "top_count"}
    CitySetting.objects.create(key="maps.public_min_cases", value=1)
    CitySetting.objects.create(key="maps.public_h3_resolution", value=6)
    coarse = client.get("/api/v1/map/public").json()
    assert coarse["resolution"] == 6
    # The last 90 days: 7 located + 3 at one place; not the report, not the rejected case.
    assert sum(f["properties"]["count"] for f in coarse["features"]) == 10
    recent = client.get("/api/v1/map/public", {"days": 30}).json()
    assert sum(f["properties"]["count"] for f in recent["features"]) == 9


def located_operator():
    from shiyu.accounts.selectors import user_get_by_username

    return user_get_by_username("operator")


@pytest.mark.parametrize(("path", "params"), [
    ("/api/v1/map/public", {"days": 0}), ("/api/v1/map/public", {"days": 9999}),
    ("/api/v1/map/public", {"category": 999999}), ("/api/v1/map/public", {"crs": "bd09"}),
])
def test_public_layer_refuses_bad_input(city, client, path, params):
    response = client.get(path, params)
    assert response.status_code == 422 and response.json()["code"]


def test_staff_layers_refuse_bad_input(city):
    token = token_issue(username="operator", password="shiyu-demo")
    for params in [{"days": -1}, {"resolution": 20}, {"q": "x" * 201}, {"crs": "x"}]:
        response = Client().get("/api/v1/map/heat", params, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 422, params


def test_pages_render_with_their_map_settings(city, client):
    client.force_login(located_operator())
    page = client.get("/maps/")
    assert page.status_code == 200
    config = json.loads(html.unescape(page.content.decode().split('id="map-config" hidden data-config="')[1]
                                      .split('"></div>')[0]))
    assert config["crs"] == "wgs84" and config["tiles"] == "" and config["cases_url"] == "/api/v1/map/cases"
    assert config["bounds"][0][0] < config["bounds"][1][0]
    assert "script-src 'self'" in page["Content-Security-Policy"]
    public = Client().get("/maps/public/")
    assert public.status_code == 200 and b"/api/v1/map/public" in public.content
    submit_page = Client().get("/submit/")
    assert b'id="location-map"' in submit_page.content and b'name="latitude"' in submit_page.content


def test_a_configured_tile_server_reaches_the_page_and_its_images_are_allowed(city, settings):
    from shiyu.core.middleware import SecurityHeadersMiddleware

    assert "img-src 'self' data:;" in SecurityHeadersMiddleware.policy()  # default: no tiles, offline
    settings.SHIYU_MAP_TILES = "https://{s}.tiles.example.gov/{z}/{x}/{y}.png"
    assert "img-src 'self' data: https://*.tiles.example.gov;" in SecurityHeadersMiddleware.policy()
    page = Client().get("/maps/public/")
    assert "https://{s}.tiles.example.gov/{z}/{x}/{y}.png" in page.content.decode()
