"""A resident places a case on the map of the submit form; staff see it on the case map."""

import pytest

from shiyu.cases.models import Case
from shiyu.geo import selectors
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_places_a_case_on_the_map_and_staff_see_it(city, new_page):
    resident = new_page("zh-Hans")
    errors = []
    resident.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    resident.on("pageerror", lambda e: errors.append(str(e)))
    resident.goto("/submit/")
    resident.wait_for_selector("#location-map path.leaflet-interactive")  # boundaries drawn, offline
    box = resident.locator("#location-map").bounding_box()
    resident.locator("#location-map").click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.5})
    resident.locator("#picked-area", has_text="›").wait_for()  # the area looked up
    lat = float(resident.input_value("#id_latitude"))
    lon = float(resident.input_value("#id_longitude"))
    expected = selectors.area_for_point(lat, lon)
    assert expected is not None and expected.level == "grid"
    assert resident.input_value("#id_area") == str(expected.pk)  # the picker chose the area
    resident.fill("#id_title", "路灯不亮")
    resident.fill("#id_body", "这里的路灯已经一周不亮了，晚上出行很不安全。")
    resident.click("#submit-case")
    code = resident.locator("#tracking-code").inner_text().strip()
    case = Case.objects.get(code=code)
    assert (case.latitude, case.longitude) == (pytest.approx(lat), pytest.approx(lon))
    assert case.area_id == expected.pk
    assert not errors, errors

    staff = new_page("zh-Hans")
    page_errors = []
    staff.on("pageerror", lambda e: page_errors.append(str(e)))
    sign_in(staff, "operator")
    with staff.expect_response(lambda r: "/api/v1/map/cases" in r.url) as answer:
        staff.goto("/maps/")
    assert answer.value.status == 200, answer.value.text()
    staff.wait_for_selector("#map[data-markers='1']", state="attached")
    staff.wait_for_selector("#map path.leaflet-interactive")
    staff.locator("#map .leaflet-marker-icon").first.click()
    link = staff.locator(".leaflet-popup-content a")
    assert code in link.inner_text()
    assert link.get_attribute("href") == f"/staff/cases/{case.pk}/"
    staff.check("#layer-heat")
    staff.wait_for_selector("#map[data-cells='1']", state="attached")
    # Filtering by another district empties the map.
    other = "D01" if expected.code.startswith("D02") else "D02"
    staff.select_option("#id_area", value=str(selectors.area_get(code=other).pk))
    staff.wait_for_selector("#map[data-markers='0']", state="attached")
    assert staff.locator("#map .leaflet-marker-icon").count() == 0
    assert not page_errors, page_errors
