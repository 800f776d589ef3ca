"""`shiyu disputes …` against a real database."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shiyu.disputes import services
from shiyu.disputes.services import PartyInput

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("disputes", *args, stdout=out)
    return out.getvalue()


def test_figures_high_risk_and_follow_up(city):
    services.dispute_register(
        actor=city.users["mediator"],
        title="拖欠工资",
        description="工人扬言跳楼讨薪",
        type_code="labour",
        area_id=city.grids[0].pk,
        parties=[PartyInput(side="applicant", name="陈美华")],
    )
    figures = json.loads(run("figures", "--json", "--area", city.districts[0].code))
    assert figures["disputes"] == 1 and figures["by_type"] == {"labour": 1}
    assert "1 disputes" in run("figures")
    text = run("high-risk")
    assert "1 open high-risk disputes" in text and "陈美华" not in text
    assert "0 agreements reminded" in run("follow-up")
    with pytest.raises(CommandError):
        run("figures", "--start", "yesterday")
