"""Open high-risk disputes (C2) become alerts, once, without any party data."""

import json

import pytest

from shiyu.alerts.models import Alert
from shiyu.alerts.services import import_disputes
from shiyu.disputes import services as disputes
from shiyu.disputes.services import PartyInput

pytestmark = pytest.mark.django_db


def test_high_risk_dispute_raises_one_alert_without_party_data(city):
    text = "拖欠工资三个月，工人扬言要跳楼"
    dispute = disputes.dispute_register(
        actor=city.users["mediator"], title=text, description=text,
        type_code="labour", area_id=city.grids[0].pk,
        parties=[PartyInput(side="applicant", name="陈美华", contact="13912345678"),
                 PartyInput(side="respondent", name="李建国", contact="13800001111")])
    assert dispute.risk_level == "high"
    raised = import_disputes()
    assert len(raised) == 1 and import_disputes() == []
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.DISPUTE and alert.detail["dispute_id"] == dispute.pk
    assert alert.area_id == city.grids[0].pk
    stored = json.dumps([alert.title, alert.detail], ensure_ascii=False)
    for private in ("陈美华", "李建国", "13912345678", "13800001111"):
        assert private not in stored
