"""Bad input through the API: a 4xx JSON answer {code, message} in the caller's language, and
nothing created or changed."""

import json
import re

import pytest
from django.test import Client

from shiyu.accounts.services import token_issue
from shiyu.audit.models import AuditEvent
from shiyu.cases import services
from shiyu.cases.models import Case, CaseEvent
from shiyu.intake.models import IdempotencyKey
from tests.support import module_transaction

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
GOOD = {"title": "路灯不亮", "body": "解放路口的路灯三天没亮了。", "category": "C010302"}


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """One city for the module (see tests/support.py); each test's changes are rolled back."""
    from shiyu.demo.city import build_city

    with module_transaction(django_db_blocker):
        yield build_city(small=True)


@pytest.fixture
def submit_case(city, db):
    from shiyu.intake.services import intake_submit

    def make(**overrides):
        case, _ = intake_submit(actor=None, data=services.CaseInput(**{**GOOD, "area": city.grids[0].pk,
                                                                       **overrides}))
        return case

    return make


@pytest.fixture(scope="module")
def web() -> Client:
    """One client for the module: each new Client builds the middleware (WhiteNoise scans the
    static files), which costs more than the requests under test."""
    return Client()


def counts() -> tuple[int, int, int, int]:
    return (Case.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count(),
            IdempotencyKey.objects.count())


def post(client: Client, url: str, raw: bytes, lang: str, **headers):
    return client.post(url, data=raw, content_type="application/json",
                       headers={"Accept-Language": lang, **headers})


def assert_error(response, lang: str, status: int | tuple[int, ...] = (400, 422)) -> dict:
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"]
    assert isinstance(body.get("message"), str) and body["message"].strip()
    if lang == "zh-hans":
        assert CJK.search(body["message"]), body
    else:
        assert not CJK.search(body["message"]), body
    return body


def _json(**overrides) -> bytes:
    return json.dumps({**GOOD, **overrides}).encode()


# name → (raw request body, expected status, field named in the answer or None)
CREATE_CASES = {
    "empty title": (_json(title=""), 422, "title"),
    "whitespace title": (_json(title=" \u3000\t "), 422, "title"),
    "whitespace-only body": (_json(body="   \n\t  "), 422, "body"),
    "control characters only": (_json(body="\x00\x01\u200b"), 422, "body"),
    "title one over the limit": (_json(title="长" * 201), 422, "title"),
    "title far over the limit": (_json(title="x" * 5000), 422, None),
    "body one over the limit": (_json(body="字" * 5001), 422, "body"),
    "body far over the limit": (_json(body="x" * 30000), 422, None),
    "lone surrogate title": (b'{"title": "\\udc80", "body": "x"}', 422, None),
    "lone surrogate inside title": (b'{"title": "ok\\ud800ok", "body": "x"}', 422, None),
    "invalid UTF-8": (b'{"title": "ok", "body": "\xff\xfe"}', 400, None),
    "invalid JSON": (b'{"title": "ok", "body": ', 400, None),
    "not an object": (b'[]', 422, None),
    "empty request": (b"", 422, None),
    "unknown category": (_json(category="C999999"), 422, "category"),
    "unknown category id": (_json(category=10**9), 422, "category"),
    "unknown area": (_json(area="nowhere"), 422, "area"),
    "unknown kind": (_json(kind="rant"), 422, "kind"),
    "unknown urgency": (_json(urgency="asap"), 422, "urgency"),
    "latitude 200": (_json(location={"lat": 200, "lon": 120}), 422, None),
    "longitude -181": (_json(location={"lat": 30, "lon": -181}), 422, None),
    "NaN latitude": (b'{"title": "ok", "body": "x", "location": {"lat": NaN, "lon": 1}}', 422, None),
    "Infinity longitude": (b'{"title": "ok", "body": "x", "location": {"lat": 1, "lon": Infinity}}',
                           422, None),
    "half a location": (_json(location={"lat": 30}), 422, None),
    "title is a number": (_json(title=5), 422, None),
    "body is a list": (_json(body=["a"]), 422, None),
    "kind is a number": (_json(kind=1), 422, None),
    "location is text": (_json(location="here"), 422, None),
    "contact is text": (_json(contact="13800000000"), 422, None),
    "bad phone": (_json(contact={"phone": "call me"}), 422, "contact.phone"),
    "bad email": (_json(contact={"email": "a@"}), 422, "contact.email"),
    "category is an object": (_json(category={"id": 1}), 422, None),
}


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("name", list(CREATE_CASES))
def test_bad_submission_is_refused_and_creates_nothing(city, name, lang, web):
    raw, status, field = CREATE_CASES[name]
    before = counts()
    body = assert_error(post(web, "/api/v1/cases", raw, lang), lang, status)
    if field is not None:
        assert body.get("field") == field, body
    assert counts() == before


def test_the_good_submission_works(city, web):
    """The baseline the bad ones are variations of."""
    response = post(web, "/api/v1/cases", _json(), "zh-hans")
    assert response.status_code == 201, response.content
    assert Case.objects.get(code=response.json()["code"]).title == GOOD["title"]


def test_bad_idempotency_key_creates_nothing(city, web):
    before = counts()
    assert_error(post(web, "/api/v1/cases", _json(), "zh-hans", **{"Idempotency-Key": "k" * 200}),
                 "zh-hans", 422)
    assert counts() == before


def test_script_title_is_stored_verbatim_and_escaped(city, web):
    title = '<script>alert("x")</script>'
    response = post(web, "/api/v1/cases", _json(title=title, body="<b>粗体</b> & more"), "en")
    assert response.status_code == 201
    code = response.json()["code"]
    case = Case.objects.get(code=code)
    assert case.title == title and case.body == "<b>粗体</b> & more"
    # The API answers JSON (never HTML), and the string round-trips exactly.
    admin = token_issue(username="admin", password="shiyu-demo")
    detail = web.get(f"/api/v1/cases/{case.pk}", headers={"Authorization": f"Bearer {admin}"})
    assert detail["Content-Type"].startswith("application/json")
    assert detail.json()["title"] == title
    tracked = web.get(f"/api/v1/track/{code}")
    assert tracked["Content-Type"].startswith("application/json") and tracked.json()["title"] == title
    # The resident's tracking page escapes it.
    page = web.get(f"/track/{code}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("query", ["page=0", "page_size=0", "page_size=1000", "q=" + "长" * 201,
                                   "category=abc", "problem=maybe", "page=x", "kind=%00", "state=a%00",
                                   "q=%00"])
def test_bad_list_queries(city, query, web):
    token = token_issue(username="operator", password="shiyu-demo")
    response = web.get(f"/api/v1/cases?{query}", headers={"Authorization": f"Bearer {token}",
                                                                "Accept-Language": "zh-hans"})
    assert_error(response, "zh-hans", 422)


@pytest.fixture(scope="module")
def staff(city, django_db_blocker):
    with django_db_blocker.unblock():
        return {name: token_issue(username=name, password="shiyu-demo")
                for name in ("operator", "dispatcher", "handler", "supervisor")}


@pytest.fixture
def in_progress(city, submit_case):
    u = city.users
    case = services.case_accept(actor=u["operator"], case_id=submit_case().pk)
    case = services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                                  lead_department=city.departments["HBJ"])
    return services.case_acknowledge(actor=u["handler"], case_id=case.pk)


def case_state(case_id: int) -> tuple:
    case = Case.objects.get(pk=case_id)
    return (case.state, case.version, case.lead_department_id, case.reply_text, case.extension_pending_days,
            CaseEvent.objects.filter(case_id=case_id).count(), AuditEvent.objects.count(),
            Case.objects.count())


# (who, action, raw body, expected status)
ACTION_CASES = {
    "reply whitespace": ("handler", "reply", b'{"text": "  \\n "}', 422),
    "reply missing text": ("handler", "reply", b"{}", 422),
    "reply text is a number": ("handler", "reply", b'{"text": 5}', 422),
    "reply too long for the service": ("handler", "reply", json.dumps({"text": "x" * 5001}).encode(), 422),
    "reply too long for the schema": ("handler", "reply", json.dumps({"text": "x" * 20001}).encode(), 422),
    "reply lone surrogate": ("handler", "reply", b'{"text": "\\udc80"}', 422),
    "reply invalid JSON": ("handler", "reply", b'{"text": "x"', 400),
    "version is text": ("handler", "reply", b'{"text": "ok", "version": "abc"}', 422),
    "version is stale": ("handler", "reply", b'{"text": "ok", "version": 1}', 409),
    "transfer lead is text": ("dispatcher", "transfer", b'{"lead_department": "HBJ"}', 422),
    "transfer lead unknown": ("dispatcher", "transfer", b'{"lead_department": 1000000000}', 422),
    "transfer assisting unknown": ("dispatcher", "transfer",
                                   b'{"lead_department": %d, "assisting_departments": [1000000000]}', 422),
    "transfer assisting not ids": ("dispatcher", "transfer",
                                   b'{"lead_department": %d, "assisting_departments": ["x"]}', 422),
    "extension days text": ("handler", "extend_request", b'{"days": "many", "reason": "r"}', 422),
    "extension days zero": ("handler", "extend_request", b'{"days": 0, "reason": "r"}', 422),
    "extension days huge": ("handler", "extend_request", b'{"days": 99999999999, "reason": "r"}', 422),
    "extension without reason": ("handler", "extend_request", b'{"days": 3, "reason": " "}', 422),
    "unknown satisfaction": ("supervisor", "urge", b'{"satisfaction": "meh"}', 422),
    "body is a string": ("handler", "acknowledge", b'"please"', 422),
    "body is a list": ("handler", "reply", b'[{"text": "ok"}]', 422),
    "unknown action": ("handler", "destroy", b"{}", 404),
    "illegal action": ("handler", "acknowledge", b"{}", 409),
}


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("name", list(ACTION_CASES))
def test_bad_action_input_changes_nothing(city, staff, in_progress, name, lang, web):
    who, action, raw, status = ACTION_CASES[name]
    if b"%d" in raw:
        raw = raw % city.departments["CGJ"].pk
    before = case_state(in_progress.pk)
    response = post(web, f"/api/v1/cases/{in_progress.pk}/actions/{action}", raw, lang,
                    Authorization=f"Bearer {staff[who]}")
    assert_error(response, lang, status)
    assert case_state(in_progress.pk) == before


def test_the_good_action_works(city, staff, in_progress, web):
    response = post(web, f"/api/v1/cases/{in_progress.pk}/actions/reply",
                    json.dumps({"text": "已修复", "version": in_progress.version}).encode(), "en",
                    Authorization=f"Bearer {staff['handler']}")
    assert response.status_code == 200 and response.json()["state"] == "replied"


@pytest.mark.parametrize("code", ["%00", "AB%00CD", "%C2%B2", "../etc", "a" * 40])
def test_impossible_tracking_codes_are_not_found(city, web, code):
    assert web.get(f"/api/v1/track/{code}").status_code == 404
    assert web.post(f"/api/v1/track/{code}/reopen", {"reason": "x"},
                    content_type="application/json").status_code == 404
    assert web.get(f"/track/{code}/").status_code == 404


@pytest.mark.parametrize("value", ["²", "١٢", "00"])
def test_unicode_digits_are_not_ids(city, web, value):
    before = Case.objects.count()
    response = web.post("/api/v1/cases", {**GOOD, "category": value}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "category"
    response = web.post("/api/v1/cases", {**GOOD, "area": value}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "area"
    assert Case.objects.count() == before
