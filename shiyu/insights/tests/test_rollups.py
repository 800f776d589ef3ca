"""The rollups against a brute-force recount after random event sequences; rebuild against the
incremental refresh; events that commit out of id order."""

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shiyu.accounts.services import system_user
from shiyu.cases import services as cases
from shiyu.cases.models import Case, CaseEvent
from shiyu.cases.selectors import overdue_q
from shiyu.core import clock, errors, workcal
from shiyu.insights import metrics
from shiyu.insights.models import DailyRollup, OpenCase, RollupCursor
from shiyu.insights.selectors import MetricFilter, metrics_by, point_figures
from shiyu.insights.services import rollups_rebuild, rollups_refresh, rollups_refresh_all

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)
ACTIONS = ("accept", "reject", "answer", "dispatch", "transfer", "acknowledge", "return", "reply",
           "satisfied", "unsatisfied", "unreachable", "close", "reopen", "pause", "resume", "extend")
KINDS = ("complaint", "help", "inquiry")
CHANNELS = ("web", "hotline")


def table() -> dict:
    """The rollups as {leaf key: {column: value}}, zero rows and zero columns dropped."""
    out = {}
    for row in DailyRollup.objects.all():
        values = {name: getattr(row, name) for name in metrics.SUMS if getattr(row, name)}
        values = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in values.items()}
        if values:
            out[(row.grain, row.day, row.area_id, row.category_id, row.department_id, row.kind,
                 row.channel)] = values
    return out


def brute_force() -> dict:
    """The same figures recounted the plain way, metric by metric, from the cases and events, at
    the leaf and summed up to every grain."""
    leaf: dict = defaultdict(lambda: defaultdict(float))
    acc = leaf
    day = metrics.local_day
    for c in Case.objects.all():
        base = (c.area_id or 0, c.category_id or 0, c.lead_department_id or 0, c.kind, c.channel)
        acc[(day(c.submitted_at), *base)]["intake"] += 1
        if c.accepted_at:
            acc[(day(c.accepted_at), *base)]["accepted"] += 1
        if c.acknowledged_at:
            row = acc[(day(c.acknowledged_at), *base)]
            row["acknowledged"] += 1
            row["ack_on_time"] += c.ack_due_at is None or c.acknowledged_at <= c.ack_due_at
        if c.state == "closed":
            row = acc[(day(c.closed_at), *base)]
            row["completed"] += 1
            row["completed_on_time"] += bool(c.first_contact or c.reply_due_at is None
                                             or c.replied_at <= c.reply_due_at)
            row["redone"] += c.reopen_count > 0
            row["first_contact"] += c.first_contact
            hours = max(0.0, workcal.working_hours_between(c.submitted_at, c.closed_at))
            row["close_hours"] += hours
            row[metrics.hist_bin(hours)] += 1
        for e in CaseEvent.objects.filter(case=c, action="follow_up"):
            if e.data.get("satisfaction") in ("satisfied", "unsatisfied"):
                row = acc[(day(e.created_at), *base)]
                row["rated"] += 1
                row["satisfied"] += e.data["satisfaction"] == "satisfied"
    grains: dict = defaultdict(lambda: defaultdict(float))
    for key, values in leaf.items():
        for grain in metrics.GRAINS:
            for name, value in values.items():
                grains[(grain, *metrics.project(key, grain))][name] += value
    out = {}
    for key, values in grains.items():
        clean = {k: (round(v, 6) if k == "close_hours" else int(v)) for k, v in values.items() if v}
        if clean:
            out[key] = clean
    return out


def open_brute_force() -> dict:
    """The open cases recounted from the case table: {case id: (area, category, unit, kind,
    channel)}."""
    return {c.pk: (c.area_id or 0, c.category_id or 0, c.lead_department_id or 0, c.kind, c.channel)
            for c in Case.objects.filter(state__in=sorted(metrics.OPEN))}


def assert_points_equal_brute_force(city, instants) -> None:
    """Backlog and overdue from the open cases kept with the rollups equal the case table's own
    counts (cases.selectors.overdue_q), city-wide, per unit and for one district, at each instant
    (time passing deadlines with no event in between)."""
    kept = {o.case_id: (o.area_id, o.category_id, o.department_id, o.kind, o.channel)
            for o in OpenCase.objects.all()}
    assert kept == open_brute_force()
    system = system_user()
    district = city.districts[0]
    for moment in instants:
        with clock.frozen_at(moment):
            f = MetricFilter(start=START.date(), end=START.date())
            open_now = Case.objects.filter(state__in=sorted(metrics.OPEN))
            assert point_figures(f) == {"backlog": open_now.count(),
                                        "overdue": open_now.filter(overdue_q(moment)).count()}
            in_district = open_now.filter(area__path__startswith=district.path)
            assert point_figures(replace(f, area_id=district.pk)) == {
                "backlog": in_district.count(), "overdue": in_district.filter(overdue_q(moment)).count()}
            per_unit = {r["key"]: (r["backlog"], r["overdue"])
                        for r in metrics_by(actor=system, f=f, dimension="department") if r["backlog"]}
            led = open_now.exclude(lead_department=None)
            overdue = dict(led.filter(overdue_q(moment)).values_list("lead_department_id")
                           .annotate(n=Count("id")).order_by())
            assert per_unit == {unit: (n, overdue.get(unit, 0)) for unit, n in led.values_list(
                "lead_department_id").annotate(n=Count("id")).order_by()}


def act(city, case: Case, action: str) -> None:
    admin, hbj, jtj = city.users["admin"], city.departments["HBJ"], city.departments["JTJ"]
    calls = {
        "accept": lambda: cases.case_accept(actor=admin, case_id=case.pk),
        "reject": lambda: cases.case_reject(actor=admin, case_id=case.pk, reason="不予受理"),
        "answer": lambda: cases.case_answer(actor=admin, case_id=case.pk, text="已答复"),
        "dispatch": lambda: cases.case_dispatch(actor=admin, case_id=case.pk, lead_department=hbj),
        "transfer": lambda: cases.case_transfer(
            actor=admin, case_id=case.pk, lead_department=jtj if case.lead_department_id == hbj.pk else hbj),
        "acknowledge": lambda: cases.case_acknowledge(actor=admin, case_id=case.pk),
        "return": lambda: cases.case_return(actor=admin, case_id=case.pk, reason="非本单位"),
        "reply": lambda: cases.case_reply(actor=admin, case_id=case.pk, text="已办理"),
        "close": lambda: cases.case_close(actor=admin, case_id=case.pk),
        "reopen": lambda: cases.case_reopen(actor=admin, case_id=case.pk, reason="复发"),
        "pause": lambda: cases.case_pause(actor=admin, case_id=case.pk, reason="等待居民补充材料"),
        "resume": lambda: cases.case_resume(actor=admin, case_id=case.pk),
        "extend": lambda: (cases.case_extend_request(actor=admin, case_id=case.pk, days=3, reason="需协调"),
                           cases.case_extend_approve(actor=admin, case_id=case.pk)),
    }
    try:
        if action in ("satisfied", "unsatisfied", "unreachable"):
            cases.case_follow_up(actor=admin, case_id=case.pk, satisfaction=action)
        else:
            calls[action]()
    except (errors.IllegalTransition, errors.InvalidInput, errors.Conflict):
        pass  # an action the case's state does not allow: the sequence goes on


step = st.one_of(
    st.tuples(st.just("submit"), st.integers(0, 3), st.sampled_from(KINDS), st.sampled_from(CHANNELS)),
    st.tuples(st.just("act"), st.integers(0, 20), st.sampled_from(ACTIONS)),
    st.tuples(st.just("tick"), st.integers(1, 60 * 30)),  # minutes, up to 30 hours
    st.tuples(st.just("refresh")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=40))
def test_rollups_equal_brute_force_after_random_events(city, submit_case, steps):
    with transaction.atomic():
        sid = transaction.savepoint()
        RollupCursor.objects.all().delete()
        DailyRollup.objects.all().delete()
        OpenCase.objects.all().delete()
        made: list[Case] = []
        now = START
        for s in steps:
            with clock.frozen_at(now):
                if s[0] == "submit":
                    made.append(submit_case(area=city.grids[s[1] % len(city.grids)].pk, kind=s[2],
                                            channel=s[3]))
                elif s[0] == "act" and made:
                    act(city, Case.objects.get(pk=made[s[1] % len(made)].pk), s[2])
                elif s[0] == "tick":
                    now += timedelta(minutes=s[1])
                elif s[0] == "refresh":
                    rollups_refresh(batch=3)  # small batches: the watermark moves in steps
        rollups_refresh_all()
        incremental = table()
        assert incremental == brute_force()
        # Deadlines pass with no event: an hour, two days, a month on.
        assert_points_equal_brute_force(city, [now, now + timedelta(hours=1), now + timedelta(days=2),
                                               now + timedelta(days=30)])
        rollups_rebuild()
        rollups_refresh_all()
        assert table() == incremental
        assert_points_equal_brute_force(city, [now])
        transaction.savepoint_rollback(sid)


def test_an_event_committed_late_below_the_watermark_is_not_lost(city, submit_case):
    a, b, c = (submit_case(title=f"案件{i}") for i in "abc")
    hidden = CaseEvent.objects.get(case=b)
    saved = {f.attname: getattr(hidden, f.attname) for f in CaseEvent._meta.concrete_fields}
    hidden.delete()  # b's submit event has an id but has "not committed yet"
    rollups_refresh_all()
    cursor = RollupCursor.objects.get()
    assert cursor.watermark > saved["id"] and str(saved["id"]) in cursor.gaps
    assert sum(r.intake for r in DailyRollup.objects.filter(grain=0)) == 2
    CaseEvent.objects.create(**saved)  # it commits now, below the watermark
    rollups_refresh_all()
    assert sum(r.intake for r in DailyRollup.objects.filter(grain=0)) == 3
    assert str(saved["id"]) not in RollupCursor.objects.get().gaps
    rollups_refresh_all()  # again: nothing counted twice
    assert sum(r.intake for r in DailyRollup.objects.filter(grain=0)) == 3


def test_a_gap_that_never_fills_is_forgotten(city, submit_case):
    a, _ = submit_case(), submit_case()
    CaseEvent.objects.filter(case=a).delete()  # a rolled-back insert: the id never appears
    Case.objects.filter(pk=a.pk).delete()
    rollups_refresh_all()
    assert RollupCursor.objects.get().gaps
    with clock.frozen_at(clock.now() + timedelta(hours=1)):
        rollups_refresh_all()
    assert not RollupCursor.objects.get().gaps


def test_rebuild_command_equals_incremental(city, submit_case):
    from io import StringIO

    from django.core.management import call_command

    made = [submit_case(title=f"事项{i}") for i in range(4)]
    act(city, made[0], "accept")
    act(city, made[0], "answer")
    act(city, made[0], "satisfied")
    act(city, made[1], "accept")
    act(city, made[1], "dispatch")
    rollups_refresh_all()
    incremental = table()
    out = StringIO()
    call_command("insights", "rebuild", "--no-progress", stdout=out, stderr=StringIO())
    assert "4" in out.getvalue()
    assert table() == incremental == brute_force()


def test_a_submission_is_counted_after_commit_without_waiting_for_the_periodic_job(
        city, submit_case, django_capture_on_commit_callbacks):
    from shiyu.core import tasks as core_tasks

    core_tasks._LAST_ANNOUNCED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case()
    assert DailyRollup.objects.filter(grain=0, area_id=case.area_id, intake=1).exists()
