"""The demo content builds through the services and leaves something to look at."""

import pytest

from shiyu.goals import selectors
from shiyu.goals.demo import seed_goals
from shiyu.goals.models import Goal, Milestone, Scheme

pytestmark = pytest.mark.django_db


def test_seed_goals(city):
    out = seed_goals(city)
    assert Goal.objects.count() == 2
    result = selectors.scheme_result(Scheme.objects.get(pk=out["scheme"]))
    assert {r["department"] for r in result["rows"]} >= {"市生态环境局", "市城市管理局"}
    assert Milestone.objects.get(pk=out["overdue_milestone"]).ladder_stage == "reminded"
