import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from shiyu.open311.services import DEMO_KEY

BASE = "/open311/v2/"
LAMP = "C010302"  # the demo service with attributes


@pytest.fixture
def api(city):
    """A client of the demo city's GeoReport endpoint (English messages)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.city = city
    return client


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return ET.fromstring(response.content)


def lamp_post(**overrides) -> dict:
    data = {"api_key": DEMO_KEY, "service_code": LAMP, "lat": "30.123456", "long": "114.654321",
            "description": "解放路 12 号门前路灯不亮，电话 13912345678", "email": "chen@example.cn",
            "first_name": "Chen", "last_name": "Li", "phone": "13912345678", "device_id": "dev-1",
            "account_id": "acc-1", "media_url": "https://example.org/lamp.jpg",
            "attribute[STATE]": "dark", "attribute[NEAR]": ["school", "bus"], "attribute[HOWMANY]": "2",
            "attribute[SINCE]": "2026-11-20T20:00:00+08:00", "attribute[POLE]": "JF-0012"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def errors_of(response, fmt: str = "json") -> list[dict]:
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list) and body and {"code", "description"} <= set(body[0]), body
        return body
    root = xml(response)
    assert root.tag == "errors"
    return [{"code": int(e.findtext("code")), "description": e.findtext("description")}
            for e in root.findall("error")]
