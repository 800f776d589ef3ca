"""Each metric on a hand-computed example, through the real case services and the refresh."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shiyu.cases import services as cases
from shiyu.core import clock, errors
from shiyu.insights import metrics
from shiyu.insights.selectors import MetricFilter, metrics_compute, metrics_for_user
from shiyu.insights.services import rollups_refresh_all

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MON = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday, working day


def at(moment):
    return clock.frozen_at(moment)


@pytest.fixture
def story(city, submit_case):
    """Four cases on Monday 2 March 2026 (working hours 9-12, 13:30-17:30 or the city's own):
    A answered on first contact; B dispatched, acknowledged, replied, satisfied;
    C dispatched, acknowledged late, replied late, unsatisfied → reopened (open);
    D submitted and rejected (still counts as intake)."""
    u, hbj = city.users, city.departments["HBJ"]
    with at(MON):
        a, b, c, d = (submit_case(title=f"案件{i}") for i in "ABCD")
    with at(MON + timedelta(minutes=10)):
        for case in (a, b, c):
            cases.case_accept(actor=u["operator"], case_id=case.pk)
        cases.case_reject(actor=u["operator"], case_id=d.pk, reason="重复")
        cases.case_answer(actor=u["operator"], case_id=a.pk, text="已答复")
        for case in (b, c):
            cases.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=hbj)
    with at(MON + timedelta(minutes=30)):
        cases.case_acknowledge(actor=u["handler"], case_id=b.pk)
        cases.case_reply(actor=u["handler"], case_id=b.pk, text="已处理")
    with at(MON + timedelta(minutes=40)):
        cases.case_follow_up(actor=u["operator"], case_id=a.pk, satisfaction="satisfied")
        cases.case_follow_up(actor=u["operator"], case_id=b.pk, satisfaction="satisfied")
    late = MON + timedelta(days=30)
    with at(late):
        cases.case_acknowledge(actor=u["handler"], case_id=c.pk)
        cases.case_reply(actor=u["handler"], case_id=c.pk, text="迟复")
        cases.case_follow_up(actor=u["operator"], case_id=c.pk, satisfaction="unsatisfied")
    rollups_refresh_all()
    return {"a": a, "b": b, "c": c, "d": d, "late": late}


def test_each_metric_by_hand(story, city):
    mon = MON.date()
    m = metrics_compute(f=MetricFilter(start=mon, end=mon))
    assert m["intake"] == 4
    assert m["accepted"] == 3
    assert m["acknowledged"] == 1 and m["on_time_ack_rate"] == 1.0  # B on Monday; C a month later
    assert m["completed"] == 2  # A and B closed on Monday
    assert m["on_time_completion_rate"] == 1.0
    assert m["first_contact_rate"] == 0.5 and m["redo_rate"] == 0.0
    assert m["rated"] == 2 and m["satisfaction_rate"] == 1.0
    assert m["mean_close_hours"] == pytest.approx((40 / 60 + 40 / 60) / 2)
    assert 0 < m["p90_close_hours"] <= 1  # both in the first histogram bin (≤ 1 h)
    assert m["backlog"] == 1  # C reopened
    late = story["late"].astimezone(TZ).date()
    m2 = metrics_compute(f=MetricFilter(start=late, end=late))
    assert m2["intake"] == 0 and m2["acknowledged"] == 1 and m2["on_time_ack_rate"] == 0.0
    assert m2["rated"] == 1 and m2["satisfaction_rate"] == 0.0
    whole = metrics_compute(f=MetricFilter(start=mon, end=late))
    assert whole["rated"] == 3 and whole["satisfaction_rate"] == pytest.approx(2 / 3)
    assert whole["on_time_ack_rate"] == 0.5
    empty = metrics_compute(f=MetricFilter(start=mon - timedelta(days=9), end=mon - timedelta(days=1)))
    assert empty["intake"] == 0 and empty["satisfaction_rate"] is None and empty["p90_close_hours"] is None
    assert set(m) == set(metrics.KEYS)


def test_scope(story, city):
    mon = MON.date()
    f = MetricFilter(start=mon, end=mon)
    u = city.users
    assert metrics_for_user(actor=u["leader"], f=f)["intake"] == 4
    # The handler's unit HBJ holds B and C (A was answered by the operator, D rejected).
    assert metrics_for_user(actor=u["handler"], f=f)["intake"] == 2
    with pytest.raises(errors.NotFound):
        metrics_for_user(actor=u["handler"], f=MetricFilter(start=mon, end=mon,
                                                            department_id=city.departments["JTJ"].pk))
    with pytest.raises(errors.NotFound):
        metrics_for_user(actor=u["operator_d2"], f=MetricFilter(start=mon, end=mon,
                                                               area_id=city.districts[0].pk))
    assert metrics_for_user(actor=u["operator_d2"], f=f)["intake"] == 0


def test_daily_counts_for_system_jobs(story, city):
    from shiyu.insights.selectors import daily_counts

    mon = MON.date()
    top = city.categories["C01"].pk if "C01" in city.categories else None
    series = daily_counts(start=mon - timedelta(days=1), end=mon + timedelta(days=1), area_level="district",
                          category_level=1)
    assert series == {(city.districts[0].pk, top): [0, 4, 0]}
    assert daily_counts(start=mon, end=mon) == {(None, None): [4]}
    assert daily_counts(start=mon, end=mon, kind="praise") == {}
