"""GeoReport v2 over HTTP on a real database: every endpoint in both formats, POST in every form,
the spec's errors, filters, pagination and privacy."""

from datetime import timedelta

import pytest

from shiyu.audit.models import AuditEvent
from shiyu.cases import services as cases
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import clock
from shiyu.open311 import services
from shiyu.open311.models import Jurisdiction, RequestAttribute, RequestRecord
from shiyu.open311.tests.conftest import BASE, LAMP, errors_of, lamp_post, xml

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
                  "media_url"]


def post(api, fmt="json", **overrides):
    return api.post(f"{BASE}requests.{fmt}", lamp_post(**overrides))


def counts():
    return (Case.objects.count(), CaseEvent.objects.count(), RequestRecord.objects.count(),
            RequestAttribute.objects.count(), AuditEvent.objects.count())


# --- discovery and services -------------------------------------------------------------------

def test_discovery_in_both_formats(api):
    body = api.get(BASE + "discovery.json").json()
    assert body["endpoints"][0]["url"] == "http://testserver/open311/v2"
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = xml(api.get(BASE + "discovery.xml"))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("changeset") and root.findtext("contact")


def test_service_list_in_both_formats(api):
    body = api.get(BASE + "services.json").json()
    codes = [s["service_code"] for s in body]
    assert codes == [c.code for c in api.city.leaf_categories]
    lamp = next(s for s in body if s["service_code"] == LAMP)
    assert lamp == {"service_code": LAMP, "service_name": "Street lights out", "description": "",
                    "metadata": True, "type": "realtime", "keywords": "",
                    "group": "Urban and rural construction"}
    assert next(s for s in body if s["service_code"] == "C010101")["metadata"] is False
    root = xml(api.get(BASE + "services.xml"))
    assert root.tag == "services"
    services_xml = root.findall("service")
    assert [s.findtext("service_code") for s in services_xml] == codes
    lamp_xml = next(s for s in services_xml if s.findtext("service_code") == LAMP)
    assert [c.tag for c in lamp_xml] == ["service_code", "service_name", "description", "metadata", "type",
                                         "keywords", "group"]
    assert lamp_xml.findtext("metadata") == "true"


def test_service_names_follow_the_language(city, client):
    body = client.get(BASE + "services.json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert next(s for s in body if s["service_code"] == LAMP)["service_name"] == "路灯不亮"


def test_service_definition_in_both_formats(api):
    body = api.get(f"{BASE}services/{LAMP}.json").json()
    assert body["service_code"] == LAMP
    attrs = body["attributes"]
    assert [a["code"] for a in attrs] == ["POLE", "SINCE", "HOWMANY", "STATE", "NEAR"]
    assert [a["datatype"] for a in attrs] == ["string", "datetime", "number", "singlevaluelist",
                                              "multivaluelist"]
    assert [a["order"] for a in attrs] == [1, 2, 3, 4, 5]
    assert [a["required"] for a in attrs] == [False, False, False, True, False]
    assert all(a["variable"] is True for a in attrs)
    assert attrs[3]["values"] == [{"key": "dark", "name": "全黑 Dark"},
                                  {"key": "flicker", "name": "闪烁 Flickering"},
                                  {"key": "day", "name": "白天亮 On by day"}]
    assert "values" not in attrs[0]
    root = xml(api.get(f"{BASE}services/{LAMP}.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == LAMP
    xml_attrs = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in xml_attrs] == ["POLE", "SINCE", "HOWMANY", "STATE", "NEAR"]
    assert {c.tag for c in xml_attrs[3]} == {"variable", "code", "datatype", "required",
                                            "datatype_description", "order", "description", "values"}
    assert [v.findtext("key") for v in xml_attrs[4].findall("values/value")] == ["school", "crossing", "bus"]
    assert xml_attrs[3].findtext("required") == "true"


def test_service_without_attributes_has_an_empty_definition(api):
    assert api.get(f"{BASE}services/C010101.json").json() == {"service_code": "C010101", "attributes": []}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_error_list(api, fmt):
    response = api.get(f"{BASE}services/NOPE.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0]["code"] == 404


def test_unknown_format_is_not_found(api):
    assert api.get(BASE + "services.yaml").status_code == 404


def test_withdrawn_service_disappears(api):
    from shiyu.open311.models import Service

    service = Service.objects.get(service_code="C010101")
    service.is_active = False
    services.config_save(actor=None, obj=service)
    assert "C010101" not in [s["service_code"] for s in api.get(BASE + "services.json").json()]
    assert api.get(BASE + "services/C010101.json").status_code == 404


# --- POST -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_with_attributes_makes_a_case_through_intake(api, fmt):
    response = post(api, fmt)
    assert response.status_code == 201, response.content
    if fmt == "json":
        item = response.json()[0]
    else:
        root = xml(response)
        assert root.tag == "service_requests"
        item = {c.tag: c.text or "" for c in root.find("request")}
    assert set(item) == {"service_request_id", "token", "service_notice", "account_id"}
    case = Case.objects.get(pk=int(item["service_request_id"]))
    assert isinstance(item["service_request_id"], str)
    assert case.channel == "open311" and case.category.code == LAMP and case.state == "submitted"
    assert case.contact_name == "Chen Li" and case.contact_phone == "13912345678"
    assert case.contact_email == "chen@example.cn"
    assert (case.latitude, case.longitude) == (30.123456, 114.654321)
    assert case.title.startswith("解放路 12 号门前路灯不亮")
    assert "状态 State: 全黑 Dark" in case.body and "附近 Nearby: 学校 School, 公交站 Bus stop" in case.body
    record = RequestRecord.objects.get(case=case)
    assert record.token == item["token"] and record.application.name == "Demo app"
    assert (record.device_id, record.account_id, record.media_url) == ("dev-1", "acc-1",
                                                                       "https://example.org/lamp.jpg")
    answers = sorted(RequestAttribute.objects.filter(record=record).values_list("code", "value"))
    assert answers == [("HOWMANY", "2"), ("NEAR", "bus"), ("NEAR", "school"), ("POLE", "JF-0012"),
                       ("SINCE", "2026-11-20T20:00:00+08:00"), ("STATE", "dark")]
    assert CaseEvent.objects.filter(case=case, action="submit", data__channel="open311").exists()
    assert AuditEvent.objects.filter(verb="case.submit", object_id=str(case.pk)).exists()
    assert AuditEvent.objects.filter(verb="open311.request.create", object_id=str(case.pk)).exists()
    assert record.application.last_used_at is not None


def test_post_with_an_address_string_only(api):
    response = post(api, lat=None, long=None, address_string="解放路 12 号")
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert case.address == "解放路 12 号" and case.latitude is None


def test_post_with_an_address_id_only(api):
    response = post(api, lat=None, long=None, address_id="ADDR-77")
    assert response.status_code == 201, response.content
    rid = response.json()[0]["service_request_id"]
    assert RequestRecord.objects.get(case_id=int(rid)).address_id == "ADDR-77"
    assert api.get(f"{BASE}requests/{rid}.json").json()[0]["address_id"] == "ADDR-77"


def test_post_with_php_style_multi_values_and_key_in_the_query(api):
    data = lamp_post(api_key=None)
    data.pop("attribute[NEAR]")
    data["attribute[NEAR][]"] = ["crossing", "school"]
    response = api.post(f"{BASE}requests.json?api_key={services.DEMO_KEY}", data)
    assert response.status_code == 201, response.content
    rid = int(response.json()[0]["service_request_id"])
    assert sorted(RequestAttribute.objects.filter(record__case_id=rid, code="NEAR").values_list(
        "value", flat=True)) == ["crossing", "school"]


def test_post_without_description_still_makes_a_case(api):
    response = post(api, description=None, **{"attribute[NEAR]": None, "attribute[POLE]": None})
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert case.title == "Street lights out" and "全黑 Dark" in case.body


BAD_POSTS = [
    ("no key", {"api_key": None}, 403, "api_key"),
    ("wrong key", {"api_key": "not-a-key"}, 403, "api_key"),
    ("no service", {"service_code": None}, 400, "service_code"),
    ("unknown service", {"service_code": "NOPE"}, 404, "service_code"),
    ("unknown jurisdiction", {"jurisdiction_id": "atlantis"}, 404, "jurisdiction_id"),
    ("no location", {"lat": None, "long": None}, 400, "location"),
    ("lat only", {"long": None}, 400, "long"),
    ("lat out of range", {"lat": "91"}, 400, "lat"),
    ("long not a number", {"long": "east"}, 400, "long"),
    ("required attribute missing", {"attribute[STATE]": None}, 400, "attribute[STATE]"),
    ("value not in the list", {"attribute[STATE]": "broken"}, 400, "attribute[STATE]"),
    ("two values for a single list", {"attribute[STATE]": ["dark", "day"]}, 400, "attribute[STATE]"),
    ("multi value not in the list", {"attribute[NEAR]": ["school", "mall"]}, 400, "attribute[NEAR]"),
    ("number not a number", {"attribute[HOWMANY]": "two"}, 400, "attribute[HOWMANY]"),
    ("datetime not a datetime", {"attribute[SINCE]": "last week"}, 400, "attribute[SINCE]"),
    ("unknown attribute", {"attribute[COLOUR]": "red"}, 400, "attribute[COLOUR]"),
    ("bad email", {"email": "not-an-email"}, 400, "email"),
    ("bad phone", {"phone": "call me"}, 400, "phone"),
    ("bad media url", {"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ("description too long", {"description": "长" * 6000}, 400, "description"),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("label,overrides,status,mentions", BAD_POSTS, ids=[b[0] for b in BAD_POSTS])
def test_bad_posts_get_the_spec_error_and_change_nothing(api, fmt, label, overrides, status, mentions):
    before = counts()
    response = post(api, fmt, **overrides)
    assert response.status_code == status, (label, response.content)
    error = errors_of(response, fmt)[0]
    assert error["code"] == status
    if mentions != "location":
        assert mentions in error["description"] or mentions.split("[")[0] in error["description"].lower() \
            or status in (403, 404), error
    assert error["description"]
    assert counts() == before


def test_a_disabled_application_is_refused(api):
    app = services.application_for_key(services.DEMO_KEY)
    services.application_set_active(application_id=app.pk, active=False)
    assert post(api).status_code == 403
    services.application_set_active(application_id=app.pk, active=True)
    assert post(api).status_code == 201


def test_errors_are_localised(city, client):
    response = client.post(BASE + "requests.json", lamp_post(api_key=None), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert response.json()[0]["description"] != "A valid api_key is required to submit a request."


# --- tokens -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_resolves_to_the_request_id(api, fmt):
    created = post(api).json()[0]
    response = api.get(f"{BASE}tokens/{created['token']}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == [{"service_request_id": created["service_request_id"],
                                    "token": created["token"]}]
    else:
        request = xml(response).find("request")
        assert request.findtext("service_request_id") == created["service_request_id"]
        assert request.findtext("token") == created["token"]
    missing = api.get(f"{BASE}tokens/unknown-token.{fmt}")
    assert missing.status_code == 404 and errors_of(missing, fmt)[0]["code"] == 404


# --- GET requests -----------------------------------------------------------------------------

def _made(api, n=1, **overrides) -> list[int]:
    return [int(post(api, **overrides).json()[0]["service_request_id"]) for _ in range(n)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_by_id_in_both_formats_without_contact_details(api, fmt):
    [rid] = _made(api)
    u = api.city.users
    cases.case_accept(actor=u["operator"], case_id=rid)
    cases.case_dispatch(actor=u["dispatcher"], case_id=rid, lead_department=api.city.departments["SZJ"])
    case = Case.objects.get(pk=rid)
    response = api.get(f"{BASE}requests/{rid}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        [item] = response.json()
        raw = response.content.decode()
    else:
        root = xml(response)
        assert root.tag == "service_requests"
        [request] = root.findall("request")
        assert [c.tag for c in request][:len(REQUEST_FIELDS)] == REQUEST_FIELDS
        item = {c.tag: c.text or "" for c in request}
        raw = response.content.decode()
    assert item["service_request_id"] == str(rid)
    assert item["status"] == "open" and item["detailed_status"] == "dispatched"
    assert item["service_code"] == LAMP and item["service_name"] == "Street lights out"
    assert item["agency_responsible"] == "Municipal Facilities Office"
    # The deadline, as a W3C datetime in the city's zone (empty only while no deadline is set).
    from shiyu.open311.selectors import w3c

    assert item["expected_datetime"] == w3c(case.reply_due_at)
    assert item["requested_datetime"].endswith("+08:00") and "T" in item["requested_datetime"]
    assert str(item["lat"]) == "30.123" and str(item["long"]) == "114.654"
    assert item["media_url"] == "https://example.org/lamp.jpg"
    for secret in ("13912345678", "chen@example.cn", "Chen", "dev-1", "acc-1", case.code):
        assert secret not in raw, secret
    assert "139****" in item["description"]


def test_location_rounding_is_a_city_setting(api):
    from shiyu.core import citysettings
    from shiyu.core.models import CitySetting

    [rid] = _made(api)
    CitySetting.objects.create(key="open311.location_decimals", value=1)
    citysettings.invalidate()
    item = api.get(f"{BASE}requests/{rid}.json").json()[0]
    assert (item["lat"], item["long"]) == (30.1, 114.7)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(api, fmt):
    for rid in ("999999", "abc", "0", "99999999999999999999999"):
        response = api.get(f"{BASE}requests/{rid}.{fmt}")
        assert response.status_code == 404, rid
        assert errors_of(response, fmt)[0]["code"] == 404


def test_closed_status_and_notes(api):
    [rid] = _made(api)
    u, szj = api.city.users, api.city.departments["SZJ"]
    cases.case_accept(actor=u["operator"], case_id=rid)
    cases.case_dispatch(actor=u["dispatcher"], case_id=rid, lead_department=szj)
    cases.case_acknowledge(actor=u["admin"], case_id=rid)
    cases.case_reply(actor=u["admin"], case_id=rid, text="已更换灯泡。")
    assert api.get(f"{BASE}requests/{rid}.json").json()[0]["status"] == "open"  # replied, not closed
    cases.case_close(actor=u["operator"], case_id=rid)
    item = api.get(f"{BASE}requests/{rid}.json").json()[0]
    assert (item["status"], item["detailed_status"]) == ("closed", "closed")
    assert item["status_notes"] == "已更换灯泡。"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_list_filters_by_status_service_and_ids(api, fmt):
    lamp_ids = _made(api, 3)
    [noise] = _made(api, service_code="C020101", **{f"attribute[{c}]": None for c in
                                                  ("STATE", "NEAR", "HOWMANY", "SINCE", "POLE")})
    cases.case_reject(actor=api.city.users["operator"], case_id=lamp_ids[0], reason="重复")

    def ids(**params):
        response = api.get(f"{BASE}requests.{fmt}", params)
        assert response.status_code == 200, response.content
        if fmt == "json":
            return [int(r["service_request_id"]) for r in response.json()]
        return [int(r.findtext("service_request_id")) for r in xml(response).findall("request")]

    newest_first = sorted(lamp_ids + [noise], reverse=True)
    assert ids() == newest_first
    assert ids(status="closed") == [lamp_ids[0]]
    assert ids(status="open") == [i for i in newest_first if i != lamp_ids[0]]
    assert ids(status="open,closed") == newest_first
    assert ids(service_code=LAMP) == sorted(lamp_ids, reverse=True)
    assert ids(service_code=f"C020101,{LAMP}") == newest_first
    assert ids(service_code="NOPE") == []
    wanted = sorted([lamp_ids[1], noise], reverse=True)
    assert ids(service_request_id=f"{lamp_ids[1]},{noise},424242") == wanted
    # The spec: service_request_id overrides the other filters.
    assert ids(service_request_id=str(lamp_ids[0]), status="open") == [lamp_ids[0]]
    assert ids(service_request_id="x,y") == []


def test_date_window(api):
    now = clock.now()
    with clock.frozen_at(now - timedelta(days=120)):
        [old] = _made(api)
    with clock.frozen_at(now - timedelta(days=30)):
        [month] = _made(api)
    [today] = _made(api)

    def ids(**params):
        response = api.get(BASE + "requests.json", params)
        assert response.status_code == 200, response.content
        return [int(r["service_request_id"]) for r in response.json()]

    def w3c(moment):
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    assert ids() == [today, month]  # the default window: the last 90 days
    assert ids(start_date=w3c(now - timedelta(days=130)), end_date=w3c(now - timedelta(days=50))) == [old]
    assert ids(start_date=w3c(now - timedelta(days=40))) == [today, month]
    assert ids(end_date=w3c(now - timedelta(days=10))) == [month]
    offset = (now - timedelta(days=31)).astimezone().isoformat(timespec="seconds")
    assert ids(start_date=offset) == [today, month]
    for params in ({"start_date": w3c(now - timedelta(days=100)), "end_date": w3c(now)},
                   {"start_date": "yesterday"}, {"end_date": "2024-13-45T00:00:00Z"},
                   {"start_date": w3c(now), "end_date": w3c(now - timedelta(days=1))},
                   {"status": "pending"}, {"page": "0"}, {"page_size": "5000"}, {"page": "x"}):
        response = api.get(BASE + "requests.json", params)
        assert response.status_code == 400, params
        assert errors_of(response)[0]["code"] == 400
        xml_response = api.get(BASE + "requests.xml", params)
        assert xml_response.status_code == 400 and errors_of(xml_response, "xml")


def test_pagination_with_link_headers(api):
    made = sorted(_made(api, 5), reverse=True)
    first = api.get(BASE + "requests.json", {"page_size": 2, "service_code": LAMP})
    assert [int(r["service_request_id"]) for r in first.json()] == made[:2]
    links = dict(reversed(part.split("; ")) for part in first["Link"].split(", "))
    assert set(links) == {'rel="first"', 'rel="next"'}
    assert "page=2" in links['rel="next"'] and "page_size=2" in links['rel="next"']
    assert "service_code=C010302" in links['rel="next"']
    second = api.get(links['rel="next"'].strip("<>").replace("http://testserver", ""))
    assert [int(r["service_request_id"]) for r in second.json()] == made[2:4]
    last = api.get(BASE + "requests.json", {"page_size": 2, "page": 3})
    assert [int(r["service_request_id"]) for r in last.json()] == made[4:]
    last_links = last["Link"]
    assert 'rel="prev"' in last_links and 'rel="next"' not in last_links
    assert api.get(BASE + "requests.json", {"page_size": 2, "page": 9}).json() == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_updates_are_the_public_timeline(api, fmt):
    [rid] = _made(api)
    u = api.city.users
    cases.case_accept(actor=u["operator"], case_id=rid)
    cases.case_comment(actor=u["operator"], case_id=rid, text="内部：联系过路灯所")
    cases.case_dispatch(actor=u["dispatcher"], case_id=rid, lead_department=api.city.departments["SZJ"])
    response = api.get(f"{BASE}requests/{rid}/updates.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        updates = response.json()
    else:
        root = xml(response)
        assert root.tag == "service_request_updates"
        updates = [{c.tag: c.text or "" for c in u} for u in root.findall("request_update")]
    assert [u["detailed_status"] for u in updates] == ["submitted", "accepted", "dispatched"]
    assert all(u["service_request_id"] == str(rid) and u["status"] == "open" for u in updates)
    assert "Municipal Facilities Office" in updates[-1]["description"]
    assert "内部" not in response.content.decode()  # an internal comment is not public
    assert api.get(f"{BASE}requests/424242/updates.{fmt}").status_code == 404


def test_extensions_add_shiyu_fields(api):
    [rid] = _made(api)
    plain = api.get(f"{BASE}requests/{rid}.json").json()[0]
    assert "extended_attributes" not in plain
    extended = api.get(f"{BASE}requests/{rid}.json", {"extensions": "true"}).json()[0]
    ext = extended["extended_attributes"]
    assert ext["state"] == "submitted" and ext["state_label"] == "Submitted"
    assert ext["kind"] == "complaint" and ext["category"] == "Street lights out"
    assert "139****" in ext["title"]
    root = xml(api.get(f"{BASE}requests.xml", {"extensions": "true"}))
    assert root.find("request/extended_attributes/state").text == "submitted"


# --- jurisdictions ----------------------------------------------------------------------------

def test_jurisdictions_scope_requests_and_services(api):
    city = api.city
    services.jurisdiction_create(code="d02.demo", name="Linjiang", area_id=city.districts[1].pk)
    d2_grid = next(g for g in city.grids if g.path.startswith(city.districts[1].path))
    [in_city] = _made(api)
    [in_d2] = _made(api, jurisdiction_id="d02.demo")
    assert Case.objects.get(pk=in_d2).area_id == city.districts[1].pk
    case = Case.objects.get(pk=in_city)
    assert case.area_id is None
    assert d2_grid.pk  # the district's subtree is what the jurisdiction covers

    def ids(**params):
        return [int(r["service_request_id"]) for r in api.get(BASE + "requests.json", params).json()]

    assert ids() == [in_d2, in_city]  # the default jurisdiction: the whole city
    assert ids(jurisdiction_id="demo.city") == [in_d2, in_city]
    assert ids(jurisdiction_id="d02.demo") == [in_d2]
    assert api.get(f"{BASE}requests/{in_city}.json", {"jurisdiction_id": "d02.demo"}).status_code == 404
    response = api.get(BASE + "services.json", {"jurisdiction_id": "nowhere"})
    assert response.status_code == 404 and errors_of(response)[0]["code"] == 404


def test_several_jurisdictions_without_a_default_need_an_id(api):
    Jurisdiction.objects.update(is_default=False)
    services.jurisdiction_create(code="second", name="Second")
    response = api.get(BASE + "services.json")
    assert response.status_code == 400 and "jurisdiction_id" in errors_of(response)[0]["description"]
    assert api.get(BASE + "services.json", {"jurisdiction_id": "second"}).status_code == 200


def test_a_service_offered_in_one_jurisdiction_only(api):
    from shiyu.open311.models import Service

    j2 = services.jurisdiction_create(code="d02.demo", name="Linjiang", area_id=api.city.districts[1].pk)
    service = Service.objects.get(service_code="C010101")
    service.jurisdiction = j2
    services.config_save(actor=None, obj=service)
    assert "C010101" not in [s["service_code"] for s in api.get(
        BASE + "services.json", {"jurisdiction_id": "demo.city"}).json()]
    assert "C010101" in [s["service_code"] for s in api.get(
        BASE + "services.json", {"jurisdiction_id": "d02.demo"}).json()]
    before = counts()
    response = api.post(BASE + "requests.json", {"api_key": services.DEMO_KEY, "service_code": "C010101",
                                                 "address_string": "x", "jurisdiction_id": "demo.city"})
    assert response.status_code == 404 and counts() == before


def test_a_report_is_never_published_and_its_address_is_only_its_area(api):
    from shiyu.cases.models import Case

    [rid] = _made(api)
    Case.objects.filter(pk=rid).update(address="幸福家园 3-2-401")
    [item] = api.get(f"{BASE}requests/{rid}.json").json()
    assert "3-2-401" not in item["address"]
    # A report (举报) can point at the person who made it: not listed, not found by id.
    Case.objects.filter(pk=rid).update(kind=Case.Kind.REPORT)
    assert rid not in [int(r["service_request_id"]) for r in api.get(f"{BASE}requests.json").json()]
    assert api.get(f"{BASE}requests/{rid}.json").status_code == 404


@pytest.mark.parametrize("params", [{"end_date": "0001-01-01T00:00:00Z"},
                                    {"start_date": "9999-12-31T00:00:00Z"}])
def test_dates_at_the_ends_of_the_calendar_are_a_400_not_a_crash(api, params):
    response = api.get(f"{BASE}requests.json", params)
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
