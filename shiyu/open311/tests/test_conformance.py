"""An unmodified third-party GeoReport v2 client against a real server on 127.0.0.1.

The client is `georeport` from PyPI (0.3.x), the only maintained Python GeoReport v2 client that
runs on Python 3 (`open311` 1.1 and `three` 0.8 are Python 2 only). It lists services, reads a
definition and looks requests up, in JSON and in XML (parsed by xmltodict). It cannot post or
resolve tokens, so those two calls are made with `requests` exactly as the spec writes them.
"""

import pytest
import requests
from georeport import GeoReport

from shiyu.cases.models import Case
from shiyu.open311.services import DEMO_KEY
from shiyu.open311.tests.conftest import LAMP

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_third_party_client_lists_defines_posts_and_looks_up(city, live_server, fmt):
    root = f"{live_server.url}/open311/v2"
    client = GeoReport(root, jurisdiction="demo.city", api_key=DEMO_KEY, output_format=fmt)

    listed = client.get_service_list()
    codes = [s["service_code"] for s in listed]
    assert codes == [c.code for c in city.leaf_categories]
    lamp = next(s for s in listed if s["service_code"] == LAMP)
    assert lamp["metadata"] in (True, "true")

    definition = client.get_service_definition(LAMP)
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    assert [a["code"] for a in attributes] == ["POLE", "SINCE", "HOWMANY", "STATE", "NEAR"]
    state = next(a for a in attributes if a["code"] == "STATE")
    values = state["values"] if fmt == "json" else state["values"]["value"]
    keys = [v["key"] for v in values]
    assert keys == ["dark", "flicker", "day"]

    # POST as the spec describes it: form-encoded, attribute[CODE], repeated for several values.
    posted = requests.post(f"{root}/requests.{fmt}", timeout=30, data={
        "api_key": DEMO_KEY, "jurisdiction_id": "demo.city", "service_code": LAMP,
        "lat": "30.55", "long": "114.30", "description": "路灯不亮", "attribute[STATE]": keys[0],
        "attribute[NEAR]": ["school", "bus"], "email": "someone@example.cn"})
    assert posted.status_code == 201, posted.text
    if fmt == "json":
        token = posted.json()[0]["token"]
        request_id = posted.json()[0]["service_request_id"]
    else:
        import xmltodict

        item = xmltodict.parse(posted.content)["service_requests"]["request"]
        token, request_id = item["token"], item["service_request_id"]

    by_token = requests.get(f"{root}/tokens/{token}.{fmt}", timeout=30)
    assert by_token.status_code == 200
    assert request_id in by_token.text and Case.objects.filter(pk=int(request_id), channel="open311").exists()

    found = client.get_service_request(request_id)
    assert found["service_request_id"] == request_id
    assert found["status"] == "open" and found["service_code"] == LAMP
    assert "someone@example.cn" not in str(found)

    listed_requests = client.get_service_requests(service_code=LAMP, status="open")
    if fmt == "xml" and isinstance(listed_requests, dict):  # xmltodict: one element is not a list
        listed_requests = [listed_requests]
    assert [r["service_request_id"] for r in listed_requests] == [request_id]

    refused = requests.post(f"{root}/requests.{fmt}", timeout=30,
                            data={"service_code": LAMP, "lat": "30.5", "long": "114.3"})
    assert refused.status_code == 403
