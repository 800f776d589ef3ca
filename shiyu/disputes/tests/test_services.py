"""The dispute services against a real database."""

from datetime import date, timedelta

import pytest

from shiyu.audit.models import AuditEvent
from shiyu.cases.models import CaseEvent
from shiyu.cases.services import CaseInput
from shiyu.core import clock, errors
from shiyu.disputes import selectors, services
from shiyu.disputes.models import Agreement, Dispute, DisputeEvent, Party
from shiyu.disputes.services import PartyInput
from shiyu.intake.services import intake_submit
from shiyu.notifications.models import Notification

pytestmark = pytest.mark.django_db

PARTIES = [
    PartyInput(side="applicant", name="陈美华", contact="13912345678"),
    PartyInput(side="respondent", name="李建国", contact="13800001111"),
]


def register(city, *, actor=None, text="楼上装修漏水", area=None, parties=PARTIES, **kw):
    return services.dispute_register(
        actor=actor or city.users["mediator"],
        title=text,
        description=text,
        type_code=kw.pop("type_code", "neighbour"),
        area_id=(area or city.grids[0]).pk,
        parties=parties,
        **kw,
    )


def to_mediating(city, dispute):
    m = city.users["mediator"]
    services.dispute_assign(actor=m, dispute_id=dispute.pk, mediator_id=m.pk)
    return services.dispute_session_record(
        actor=m,
        dispute_id=dispute.pk,
        held_at=clock.now() - timedelta(hours=1),
        summary="双方陈述",
        place="社区调解室",
    )


def test_register_picks_the_nearest_committee_and_records_event_audit(city):
    dispute = register(city)
    assert dispute.committee == city.departments[f"{city.communities[0].code}TJ"]
    assert dispute.state == "registered" and dispute.risk_level == "low"
    assert list(DisputeEvent.objects.filter(dispute=dispute).values_list("action", flat=True)) == ["register"]
    assert AuditEvent.objects.filter(verb="dispute.register", object_id=str(dispute.pk)).exists()
    # Names and contacts are encrypted at rest.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT name, contact FROM disputes_party WHERE dispute_id = %s", [dispute.pk])
        rows = cur.fetchall()
    assert rows and all("陈美华" not in r[0] and "1391234" not in r[1] for r in rows)
    assert Party.objects.get(dispute=dispute, side="applicant").name == "陈美华"


def test_full_mediation_to_a_performed_agreement(city):
    m = city.users["mediator"]
    dispute = to_mediating(city, register(city))
    assert dispute.state == "mediating"
    dispute = services.dispute_agree(
        actor=m, dispute_id=dispute.pk, terms="李建国赔偿修缮费两千元", working_days=10
    )
    assert dispute.state == "agreed" and Agreement.objects.get(dispute=dispute).performance == "pending"
    dispute = services.dispute_follow_up(
        actor=m, dispute_id=dispute.pk, performance="performed", note="已支付"
    )
    assert dispute.state == "performed" and dispute.closed_at is not None
    assert Agreement.objects.get(dispute=dispute).performance == "performed"
    with pytest.raises(errors.IllegalTransition):
        services.dispute_withdraw(actor=m, dispute_id=dispute.pk, reason="x")


def test_performance_follow_up_fires_on_its_deadline_once(city):
    m = city.users["mediator"]
    dispute = to_mediating(city, register(city))
    services.dispute_agree(
        actor=m, dispute_id=dispute.pk, terms="按期付款", deadline=clock.now() + timedelta(days=3)
    )
    assert services.agreements_due_sweep() == 0  # not due yet
    with clock.frozen_at(clock.now() + timedelta(days=3, minutes=1)):
        assert services.agreements_due_sweep() == 1
        assert services.agreements_due_sweep() == 0  # idempotent
        from shiyu.disputes.tasks import agreement_follow_up

        assert agreement_follow_up.call() == 0
    assert DisputeEvent.objects.filter(dispute=dispute, action="remind").count() == 1
    assert Notification.objects.filter(recipient=m, kind="dispute_performance_due").count() == 1
    assert Agreement.objects.get(dispute=dispute).reminded_at is not None


def test_referral_up_a_level_then_out(city):
    m = city.users["mediator"]
    dispute = register(city)
    street = city.departments[f"{city.streets[0].code}TJ"]
    district = city.departments[f"{city.districts[0].code}TJ"]
    dispute = services.dispute_refer(actor=m, dispute_id=dispute.pk, target="up", reason="涉及多个社区")
    assert dispute.committee == street and dispute.state == "registered" and dispute.mediator_id is None
    # The community mediator no longer sees it; the street's does.
    with pytest.raises(errors.NotFound):
        selectors.dispute_get_for_user(actor=m, dispute_id=dispute.pk)
    ms = city.users["mediator_street"]
    assert selectors.dispute_get_for_user(actor=ms, dispute_id=dispute.pk)
    assert Notification.objects.filter(recipient=ms, kind="dispute_referred").exists()
    dispute = services.dispute_refer(actor=ms, dispute_id=dispute.pk, target="up", reason="调解未果")
    assert dispute.committee == district and dispute.referral_count == 2
    assert "repeated_referral" in dispute.risk_reasons
    md = city.users["mediator_district"]
    with pytest.raises(errors.InvalidInput):  # nothing above the district's committee
        services.dispute_refer(actor=md, dispute_id=dispute.pk, target="up", reason="x")
    dispute = services.dispute_refer(
        actor=md, dispute_id=dispute.pk, target="litigation", reason="当事人起诉"
    )
    assert dispute.state == "referred" and dispute.referral_target == "litigation"


def test_conversion_from_a_case_keeps_the_link_both_ways(city):
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
    op = city.users["operator"]
    with pytest.raises(errors.Forbidden):
        services.dispute_convert_from_case(
            actor=city.users["dispatcher"], case_id=case.pk, type_code="property"
        )
    dispute = services.dispute_convert_from_case(actor=op, case_id=case.pk, type_code="property")
    assert dispute.case_id == case.pk and dispute.title == "物业乱收费"
    case.refresh_from_db()
    assert case.dispute == dispute  # the reverse link
    assert selectors.dispute_for_case(case_id=case.pk) == dispute
    assert CaseEvent.objects.filter(case=case, action="comment", note__contains=f"#{dispute.pk}").exists()
    assert Party.objects.get(dispute=dispute).name == "王女士"
    with pytest.raises(errors.Conflict):
        services.dispute_convert_from_case(actor=op, case_id=case.pk, type_code="property")
    with pytest.raises(errors.NotFound):
        services.dispute_convert_from_case(
            actor=city.users["operator_d2"], case_id=case.pk, type_code="property"
        )


def test_a_mediator_sees_only_their_committees_disputes(city):
    mine = register(city)
    other = register(city, actor=city.users["admin"], area=city.grids[1])  # the second district
    m = city.users["mediator"]
    assert list(selectors.dispute_list_for_user(actor=m)) == [mine]
    with pytest.raises(errors.NotFound):
        selectors.dispute_get_for_user(actor=m, dispute_id=other.pk)
    with pytest.raises(errors.NotFound):
        services.dispute_withdraw(actor=m, dispute_id=other.pk, reason="x")
    with pytest.raises(errors.Forbidden):  # a committee of another area: no register permission there
        register(city, area=city.grids[1])
    # Parties are shown in full to the mediator, masked to the supervisor.
    assert selectors.parties_for_user(actor=m, dispute=mine)[0]["name"] == "陈美华"
    masked = selectors.parties_for_user(actor=city.users["supervisor"], dispute=mine)[0]
    assert masked["name"] == "陈**" and masked["contact"] == "139****5678"
    assert selectors.dispute_list_for_user(actor=city.users["resident"]).count() == 0
    assert selectors.dispute_list_for_user(actor=city.users["handler"]).count() == 0


def test_high_risk_notifies_the_supervisor_and_is_in_early_warning(city):
    since = clock.now() - timedelta(minutes=1)
    dispute = register(city, text="拖欠工资三个月，工人扬言要跳楼", type_code="labour")
    assert dispute.risk_level == "high"
    assert Notification.objects.filter(recipient=city.users["supervisor"], kind="dispute_high_risk").exists()
    rows = selectors.disputes_high_risk(since=since)
    assert [r["id"] for r in rows] == [dispute.pk] and "threat_words" in rows[0]["risk_reasons"]
    assert set(rows[0]) == {"id", "area_id", "type", "risk_reasons", "created_at", "committee_id"}
    calm = register(city)
    services.dispute_assess_risk(
        actor=city.users["supervisor"], dispute_id=calm.pk, level="high", reason="当事人情绪激动"
    )
    assert {r["id"] for r in selectors.disputes_high_risk(since=since)} == {dispute.pk, calm.pk}
    services.dispute_withdraw(actor=city.users["mediator"], dispute_id=dispute.pk, reason="已自行和解")
    assert [r["id"] for r in selectors.disputes_high_risk(since=since)] == [calm.pk]


def test_figures(city):
    m = city.users["mediator"]
    a = to_mediating(city, register(city))
    services.dispute_agree(actor=m, dispute_id=a.pk, terms="t", working_days=5)
    services.dispute_follow_up(actor=m, dispute_id=a.pk, performance="performed")
    b = to_mediating(city, register(city, type_code="family"))
    services.dispute_refer(actor=m, dispute_id=b.pk, target="arbitration", reason="r")
    register(city, actor=city.users["admin"], area=city.grids[1], type_code="family")
    today = clock.now().date()
    f = selectors.dispute_figures(start=today - timedelta(days=1), end=today + timedelta(days=1))
    assert f["disputes"] == 3 and f["by_type"] == {"neighbour": 1, "family": 2}
    assert f["mediated"] == 2 and f["agreements"] == 1
    assert f["mediation_success_rate"] == 0.5 and f["agreement_performance_rate"] == 1.0
    d1 = selectors.dispute_figures(
        start=today - timedelta(days=1), end=today + timedelta(days=1), area_id=city.districts[0].pk
    )
    assert d1["disputes"] == 2
    empty = selectors.dispute_figures(start=date(2001, 1, 1), end=date(2001, 1, 2))
    assert empty["disputes"] == 0 and empty["mediation_success_rate"] is None


def test_bad_input_changes_nothing(city):
    m = city.users["mediator"]
    before = (Dispute.objects.count(), DisputeEvent.objects.count())
    for kwargs in (
        {"type_code": "nope"},
        {"amount": "abc"},
        {"parties": [PartyInput(side="x", name="a")]},
        {"parties": [PartyInput(side="applicant", name=" ")]},
    ):
        with pytest.raises(errors.InvalidInput):
            register(city, **kwargs)
    assert (Dispute.objects.count(), DisputeEvent.objects.count()) == before
    d = register(city)
    with pytest.raises(errors.InvalidInput):
        services.dispute_assign(actor=m, dispute_id=d.pk, mediator_id=city.users["handler"].pk)
    with pytest.raises(errors.Conflict):
        services.dispute_withdraw(actor=m, dispute_id=d.pk, reason="x", version=99)
    services.dispute_assign(actor=m, dispute_id=d.pk, mediator_id=m.pk)
    with pytest.raises(errors.InvalidInput):
        services.dispute_session_record(
            actor=m, dispute_id=d.pk, held_at=clock.now() + timedelta(days=1), summary="s"
        )
    assert Dispute.objects.get(pk=d.pk).state == "assigned"
