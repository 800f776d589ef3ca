"""What a resident may see of their own case, demo accounts, tokens, sign-in limits, area moves."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from shiyu.accounts.models import ApiToken
from shiyu.audit.models import AuditEvent
from shiyu.cases import selectors, services
from shiyu.core import ratelimit
from shiyu.geo.models import Area
from shiyu.geo.services import area_save

PASSWORD = "shiyu-demo"


def token(client: Client, username: str) -> str:
    response = client.post("/api/v1/auth/token", {"username": username, "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def resident_case(city):
    client = Client()
    raw = token(client, "resident")
    response = client.post("/api/v1/cases", {"title": "楼道灯坏了", "body": "三单元楼道灯坏了半个月",
                                             "category": "C010302", "area": city.grids[0].pk,
                                             "contact": {"phone": "13900001111"}},
                           content_type="application/json", **bearer(raw))
    assert response.status_code == 201
    case_id = response.json()["id"]
    services.case_accept(actor=city.users["operator"], case_id=case_id)
    services.case_comment(actor=city.users["operator"], case_id=case_id,
                          text="内部：来电人情绪激动，电话13900001111")
    return client, raw, case_id


def test_resident_sees_only_public_events_of_own_case(city, resident_case):
    client, raw, case_id = resident_case
    events = client.get(f"/api/v1/cases/{case_id}/events", **bearer(raw)).json()
    assert [e["action"] for e in events] == ["submit", "accept"]
    assert all(e["actor"] is None and e["data"] == {} for e in events)
    assert "13900001111" not in str(events) and "王受理" not in str(events)
    # Staff still see the whole timeline, with who did what.
    staff = client.get(f"/api/v1/cases/{case_id}/events", **bearer(token(client, "operator"))).json()
    assert [e["action"] for e in staff] == ["submit", "accept", "comment"]
    assert staff[1]["actor"] == "王受理"


def test_a_merge_never_shows_the_other_case_code(city, submit_case):
    first, second = submit_case(), submit_case(title="占道经营又来了")
    services.case_merge(actor=city.users["operator"], case_id=second.pk, target_id=first.code)
    page = Client().get(f"/track/{second.code}/")
    api = Client().get(f"/api/v1/track/{second.code}")
    assert page.status_code == 200 and api.status_code == 200
    assert first.code not in page.content.decode() and first.code not in api.content.decode()


def test_demo_accounts_are_refused_when_the_site_is_not_a_demo(city):
    client = Client()
    raw = token(client, "operator")
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    with override_settings(SHIYU_DEMO=False):
        assert client.get("/api/v1/me", **bearer(raw)).status_code == 401
        refused = client.post("/api/v1/auth/token", {"username": "admin", "password": PASSWORD},
                              content_type="application/json")
        assert refused.status_code == 422
        assert not Client().login(username="admin", password=PASSWORD)
        page = Client().post("/accounts/login/", {"username": "admin", "password": PASSWORD})
        assert page.status_code == 200 and "_auth_user_id" not in page.client.session


def test_expired_token_is_refused(city):
    client = Client()
    raw = token(client, "operator")
    past = timezone.now() - timedelta(seconds=1)
    ApiToken.objects.filter(user=city.users["operator"]).update(expires_at=past)
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


@override_settings(SHIYU_RATE_LOGIN="2/m")
def test_sign_in_attempts_are_limited(city):
    cache.clear()
    client = Client()
    wrong = {"username": "operator", "password": "wrong"}
    for _ in range(2):
        assert client.post("/api/v1/auth/token", wrong, content_type="application/json").status_code == 422
    assert client.post("/api/v1/auth/token", wrong, content_type="application/json").status_code == 429
    cache.clear()  # the form and the API share one counter per address and username
    for _ in range(2):
        assert client.post("/accounts/login/", wrong).status_code == 200
    blocked = client.post("/accounts/login/", wrong)
    assert blocked.status_code == 429
    # The same account typed differently shares the budget, and the admin's sign-in counts too.
    variant = {"username": " OPERATOR ", "password": PASSWORD}
    assert client.post("/api/v1/auth/token", variant, content_type="application/json").status_code == 429
    admin_page = client.post("/admin/login/", {"username": "operator", "password": PASSWORD})
    assert admin_page.status_code == 200 and "_auth_user_id" not in client.session
    # Another account from the same address is counted on its own.
    other = {"username": "dispatcher", "password": PASSWORD}
    assert client.post("/api/v1/auth/token", other, content_type="application/json").status_code == 200
    cache.clear()


@override_settings(SHIYU_RATE_LOGIN="50/m", SHIYU_RATE_LOGIN_ADDRESS="3/m")
def test_one_address_trying_many_accounts_is_limited(city):
    cache.clear()
    client = Client()
    statuses = [client.post("/api/v1/auth/token", {"username": f"user{i}", "password": "x"},
                            content_type="application/json").status_code for i in range(4)]
    assert statuses == [422, 422, 422, 429]
    cache.clear()


@override_settings(SHIYU_TRUSTED_PROXIES=1)
def test_client_address_behind_one_trusted_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert ratelimit.client_address(request) == "203.0.113.7"  # the forged left part is ignored


def test_moving_an_area_moves_scoping_with_it(city, submit_case):
    community = city.communities[0]  # in district 1
    case = submit_case(area=city.grids[0].pk)  # a grid of that community
    district_2_operator = city.users["operator_d2"]
    with pytest.raises(Exception):  # noqa: B017  (NotFound: not visible yet)
        selectors.case_get_for_user(actor=district_2_operator, case_id=case.pk)
    community.parent = city.streets[-1]  # a street of district 2
    area_save(actor=city.users["admin"], area=community, changed_fields=["parent"])
    grid = Area.objects.get(pk=city.grids[0].pk)
    assert grid.path.startswith(city.streets[-1].path)
    fresh = type(district_2_operator).objects.get(pk=district_2_operator.pk)
    assert selectors.case_get_for_user(actor=fresh, case_id=case.pk).pk == case.pk
    assert AuditEvent.objects.filter(verb="area.change", object_id=str(community.pk)).exists()


def test_staff_entering_a_case_are_not_its_submitter(city):
    case = services.case_submit(actor=city.users["operator"],
                                data=services.CaseInput(title="来电反映", body="热线来电", channel="hotline"))
    assert case.submitter_id is None
    event = case.events.get()
    assert event.actor_id == city.users["operator"].pk
