"""The staff pages of the disputes app, through Django's test client."""

from datetime import timedelta

import pytest
from django.test import Client

from shiyu.cases.services import CaseInput
from shiyu.core import clock
from shiyu.disputes import services
from shiyu.disputes.models import Dispute
from shiyu.disputes.services import PartyInput
from shiyu.intake.services import intake_submit

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_mediator_registers_and_mediates_through_the_pages(city):
    m = city.users["mediator"]
    c = client_for(m)
    committee = city.departments[f"{city.communities[0].code}TJ"]
    r = c.post(
        "/staff/disputes/new/",
        {
            "committee": committee.pk,
            "type": "neighbour",
            "title": "楼上漏水",
            "description": "楼上卫生间漏水到楼下。",
            "amount": "",
            "party_side": ["applicant", "respondent"],
            "party_name": ["陈美华", "李建国"],
            "party_contact": ["13912345678", ""],
        },
    )
    assert r.status_code == 302
    d = Dispute.objects.get(title="楼上漏水")
    page = c.get(f"/staff/disputes/{d.pk}/").content.decode()
    assert "陈美华" in page and "13912345678" in page  # the committee's mediator sees the parties
    assert (
        c.post(f"/staff/disputes/{d.pk}/assign/", {"mediator": m.pk, "version": d.version}).status_code == 302
    )
    held = (clock.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = c.post(
        f"/staff/disputes/{d.pk}/hold_session/", {"held_at": held, "summary": "双方到场", "place": "调解室"}
    )
    assert r.status_code == 302
    r = c.post(
        f"/staff/disputes/{d.pk}/agree/", {"terms": "李建国负责修缮并赔偿五百元", "working_days": "10"}
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.state == "agreed"
    doc = c.get(f"/staff/disputes/{d.pk}/agreement/").content.decode()
    assert "李建国负责修缮并赔偿五百元" in doc and "陈美华" in doc and "@media print" not in doc
    # Bad input: a clear error, nothing changed.
    r = c.post(f"/staff/disputes/{d.pk}/follow_up/", {"performance": "maybe"})
    assert r.status_code == 422 and Dispute.objects.get(pk=d.pk).state == "agreed"
    # The supervisor sees the dispute with the parties masked.
    sup = client_for(city.users["supervisor"]).get(f"/staff/disputes/{d.pk}/").content.decode()
    assert "陈美华" not in sup and "陈**" in sup and "139****5678" in sup


def test_the_case_page_shows_its_dispute_and_the_dispute_its_case(city):
    case, _ = intake_submit(
        actor=None,
        data=CaseInput(
            title="物业乱收费",
            body="物业公司擅自提高停车费。",
            category="C010201",
            area=city.grids[0].pk,
            contact_name="王女士",
            contact_phone="13700002222",
        ),
    )
    op = client_for(city.users["operator"])
    panel = op.get(f"/staff/disputes/case/{case.pk}/").content.decode()
    assert 'id="case-convert-form"' in panel
    assert 'hx-get="/staff/disputes/case/' in op.get(f"/staff/cases/{case.pk}/").content.decode()
    r = op.post(f"/staff/disputes/case/{case.pk}/convert/", {"type": "property"})
    d = Dispute.objects.get(case=case)
    assert r.status_code == 302 and r["Location"] == f"/staff/disputes/{d.pk}/"
    panel = op.get(f"/staff/disputes/case/{case.pk}/").content.decode()
    assert f'href="/staff/disputes/{d.pk}/"' in panel and "case-convert-form" not in panel
    page = op.get(f"/staff/disputes/{d.pk}/").content.decode()
    assert f'href="/staff/cases/{case.pk}/"' in page


def test_list_is_scoped_and_shows_no_parties(city):
    services.dispute_register(
        actor=city.users["mediator"],
        title="邻里噪音",
        description="夜间噪音",
        type_code="neighbour",
        area_id=city.grids[0].pk,
        parties=[PartyInput(side="applicant", name="陈美华", contact="13912345678")],
    )
    page = client_for(city.users["supervisor"]).get("/staff/disputes/").content.decode()
    assert "邻里噪音" in page and "陈美华" not in page and "陈**" not in page and "1391234" not in page
    assert "邻里噪音" not in client_for(city.users["handler"]).get("/staff/disputes/").content.decode()


def test_over_the_api_a_mediator_finds_only_their_committees_disputes(city):
    from shiyu.accounts.services import token_issue

    d = services.dispute_register(
        actor=city.users["mediator"],
        title="邻里噪音",
        description="夜间噪音",
        type_code="neighbour",
        area_id=city.grids[0].pk,
        parties=[PartyInput(side="applicant", name="陈美华", contact="13912345678")],
    )
    api = Client()

    def auth(username):
        return {"Authorization": f"Bearer {token_issue(username=username, password='shiyu-demo')}"}

    mine = api.get(f"/api/v1/disputes/{d.pk}", headers=auth("mediator"))
    assert mine.status_code == 200 and mine.json()["parties"][0]["name"] == "陈美华"
    assert "assign" in mine.json()["actions"]
    # The street committee's mediator: not their committee, so not found, and nothing changes.
    other = auth("mediator_street")
    assert api.get(f"/api/v1/disputes/{d.pk}", headers=other).status_code == 404
    r = api.post(
        f"/api/v1/disputes/{d.pk}/actions/withdraw",
        {"reason": "x"},
        content_type="application/json",
        headers=other,
    )
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert api.get("/api/v1/disputes", headers=other).json()["count"] == 0
    assert Dispute.objects.get(pk=d.pk).state == "registered"
    # Referred up, it becomes the street's.
    r = api.post(
        f"/api/v1/disputes/{d.pk}/actions/refer",
        {"target": "up", "reason": "跨社区"},
        content_type="application/json",
        headers=auth("mediator"),
    )
    assert r.status_code == 200 and r.json()["state"] == "registered"
    assert api.get(f"/api/v1/disputes/{d.pk}", headers=auth("mediator")).status_code == 404
    assert api.get(f"/api/v1/disputes/{d.pk}", headers=other).status_code == 200
