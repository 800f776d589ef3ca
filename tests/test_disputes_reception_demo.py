"""The demo content of the disputes and reception apps builds through the services."""

import pytest

from shiyu.disputes.demo import seed_disputes
from shiyu.disputes.models import Dispute
from shiyu.disputes.selectors import dispute_figures
from shiyu.reception.demo import seed_reception
from shiyu.reception.selectors import session_list_public

pytestmark = pytest.mark.django_db


def test_demo_disputes_and_reception_days(city):
    assert seed_disputes(city) == 6
    states = set(Dispute.objects.values_list("state", flat=True))
    assert {"registered", "assigned", "mediating", "agreed", "performed"} <= states
    assert Dispute.objects.filter(risk_level="high").exists()
    today = Dispute.objects.order_by("created_at").first().created_at.date()
    assert dispute_figures(start=today, end=today)["disputes"] == 6
    assert seed_reception(city) == 2
    sessions = list(session_list_public())
    assert len(sessions) == 2 and sessions[0].booked == 3
