"""The admin manages keys, services and attributes through the services: audited, catalog refreshed."""

import re

import pytest
from django.test import Client

from shiyu.audit.models import AuditEvent
from shiyu.open311.models import Application, Service
from shiyu.open311.tests.conftest import BASE, lamp_post

pytestmark = pytest.mark.django_db


def admin_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username="admin", password="shiyu-demo")
    return client


def test_pages_render(city):
    client = admin_client()
    for model in ("jurisdiction", "service", "attribute", "application", "requestrecord"):
        assert client.get(f"/admin/open311/{model}/").status_code == 200, model
        if model != "requestrecord":
            assert client.get(f"/admin/open311/{model}/add/").status_code == 200, model
    lamp = Service.objects.get(service_code="C010302")
    page = client.get(f"/admin/open311/service/{lamp.pk}/change/")
    assert page.status_code == 200 and b"POLE" in page.content


def test_an_application_added_in_the_admin_shows_its_key_once(city, api):
    client = admin_client()
    response = client.post("/admin/open311/application/add/", {"name": "Street app", "contact": "x",
                                                                 "is_active": "on"}, follow=True)
    assert response.status_code == 200
    key = re.search(r"The key of Street app is (\S+) ", response.content.decode()).group(1)
    app = Application.objects.get(name="Street app")
    assert app.key_hash != key and key.startswith(app.prefix)
    assert AuditEvent.objects.filter(verb="open311.application.create", object_id=str(app.pk)).exists()
    assert api.post(BASE + "requests.json", lamp_post(api_key=key)).status_code == 201
    assert key not in client.get(f"/admin/open311/application/{app.pk}/change/").content.decode()


def test_renaming_a_service_in_the_admin_is_audited_and_published(city, api):
    service = Service.objects.get(service_code="C010101")
    response = admin_client().post(f"/admin/open311/service/{service.pk}/change/", {
        "category": service.category_id, "jurisdiction": "", "service_code": "VENDING",
        "service_name": "Street vendors", "description": "Vendors blocking the pavement",
        "keywords": "vendor",
        "group": "Streets", "type": "realtime", "service_notice": "", "kind": "complaint", "is_active": "on",
        "order": "1", "attributes-TOTAL_FORMS": "0", "attributes-INITIAL_FORMS": "0",
        "attributes-MIN_NUM_FORMS": "0", "attributes-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302, response.content[:2000]
    assert AuditEvent.objects.filter(verb="open311.service.change", object_id=str(service.pk)).exists()
    listed = {s["service_code"]: s for s in api.get(BASE + "services.json").json()}
    assert "C010101" not in listed
    assert listed["VENDING"]["service_name"] == "Street vendors" and listed["VENDING"]["group"] == "Streets"
