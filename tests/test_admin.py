"""The Django admin goes through the services: edits are audited, trees stay consistent."""

from django.test import Client

from shiyu.accounts.models import ApiToken, Department
from shiyu.accounts.services import token_issue
from shiyu.audit.models import AuditEvent


def admin_client() -> Client:
    client = Client()
    assert client.login(username="admin", password="shiyu-demo")
    return client


def test_department_cannot_become_its_own_parent(city):
    dept = city.departments["HBJ"]
    before = Department.objects.get(pk=dept.pk).path
    response = admin_client().post(f"/admin/accounts/department/{dept.pk}/change/", {
        "code": dept.code, "name": dept.name, "name_en": dept.name_en, "parent": dept.pk,
        "area": "", "is_active": "on", "kind": dept.kind})
    assert response.status_code == 200  # the form again, with the error, not a crash
    assert Department.objects.get(pk=dept.pk).path == before


def test_moving_a_department_is_audited_and_repathed(city):
    child, parent = city.departments["SZJ"], city.departments["ZJJ"]
    response = admin_client().post(f"/admin/accounts/department/{child.pk}/change/", {
        "code": child.code, "name": child.name, "name_en": child.name_en, "parent": parent.pk,
        "area": "", "is_active": "on", "kind": child.kind})
    assert response.status_code == 302
    assert Department.objects.get(pk=child.pk).path.startswith(parent.path)
    assert AuditEvent.objects.filter(verb="config.change", object_id=str(child.pk)).exists()


def test_revoking_a_token_in_the_admin(city):
    raw = token_issue(username="operator", password="shiyu-demo")
    token = ApiToken.objects.get(user=city.users["operator"])
    client = admin_client()
    response = client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AuditEvent.objects.filter(verb="config.delete", object_id=str(token.pk)).exists()
