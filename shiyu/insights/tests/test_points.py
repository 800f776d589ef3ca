"""Backlog and overdue from the open cases kept with the rollups (insights.OpenCase): deadlines
that pass with no event, a paused clock, a resumed one, and a case that leaves the backlog."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shiyu.cases import services as cases
from shiyu.cases.models import Case
from shiyu.cases.selectors import overdue_q
from shiyu.core import clock
from shiyu.insights import metrics
from shiyu.insights.models import OpenCase
from shiyu.insights.selectors import MetricFilter, point_figures
from shiyu.insights.services import rollups_refresh_all

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MON = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday, working day


def points(moment: datetime, **kw) -> dict[str, int]:
    with clock.frozen_at(moment):
        return point_figures(MetricFilter(start=moment.date(), end=moment.date(), **kw))


def case_table(moment: datetime) -> dict[str, int]:
    """The same two counts straight from the case table (the definition they must equal)."""
    open_now = Case.objects.filter(state__in=sorted(metrics.OPEN))
    return {"backlog": open_now.count(), "overdue": open_now.filter(overdue_q(moment)).count()}


def test_overdue_follows_the_clock_and_the_pauses(city, submit_case):
    u, hbj = city.users, city.departments["HBJ"]
    with clock.frozen_at(MON):
        a, b, c, d = (submit_case(title=f"案件{i}") for i in "abcd")
    with clock.frozen_at(MON + timedelta(minutes=10)):
        for case in (a, b, c):
            cases.case_accept(actor=u["operator"], case_id=case.pk)
            cases.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=hbj)
    with clock.frozen_at(MON + timedelta(minutes=30)):
        cases.case_acknowledge(actor=u["handler"], case_id=b.pk)
        cases.case_pause(actor=u["handler"], case_id=c.pk, reason="等待居民补充材料")
        rollups_refresh_all()
    assert set(OpenCase.objects.values_list("case_id", flat=True)) == {a.pk, b.pk, c.pk, d.pk}
    a, b = Case.objects.get(pk=a.pk), Case.objects.get(pk=b.pk)
    assert a.ack_due_at < b.reply_due_at
    soon, past_ack, past_reply = MON + timedelta(hours=1), a.ack_due_at + timedelta(minutes=1), \
        b.reply_due_at + timedelta(minutes=1)
    # No event between these instants: only time passes the deadlines.
    assert points(soon) == case_table(soon) == {"backlog": 4, "overdue": 0}
    assert points(past_ack) == case_table(past_ack) == {"backlog": 4, "overdue": 1}  # a, unacknowledged
    # a and b late on their replies; c's clock is stopped, d was never dispatched.
    assert points(past_reply) == case_table(past_reply) == {"backlog": 4, "overdue": 2}
    assert points(past_reply, department_id=hbj.pk) == {"backlog": 3, "overdue": 2}
    with clock.frozen_at(MON + timedelta(hours=2)):
        cases.case_resume(actor=u["handler"], case_id=c.pk)
        cases.case_reply(actor=u["handler"], case_id=b.pk, text="已办理")  # b leaves the backlog
        rollups_refresh_all()
    c = Case.objects.get(pk=c.pk)
    late_c = max(c.ack_due_at, c.reply_due_at) + timedelta(minutes=1)
    assert points(late_c) == case_table(late_c) == {"backlog": 3, "overdue": 2}  # a and c
    assert not OpenCase.objects.filter(case_id=b.pk).exists()


def test_the_counts_wait_for_the_refresh_then_are_exact(city, submit_case):
    """As current as the rollups: a submission counts once the refresh has run (after its
    commit, or the periodic job), not before."""
    rollups_refresh_all()
    before = points(clock.now())
    submit_case()
    assert points(clock.now()) == before
    rollups_refresh_all()
    assert points(clock.now()) == {"backlog": before["backlog"] + 1, "overdue": before["overdue"]}
    rollups_refresh_all()  # again: nothing counted twice
    assert points(clock.now()) == case_table(clock.now())
