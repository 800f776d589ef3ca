"""The operational metrics: one definition each, here and nowhere else.

A period is a range of local (settings.TIME_ZONE) calendar days, both ends included. Every flow
figure counts cases by the day something happened to them, and cuts them by the case's CURRENT
area, category, lead department, kind and channel (a transferred case counts for the unit that
holds it now; the rollups are recomputed per case whenever the case has a new event, so a move
re-files all of its figures).

Flow figures (from the rollups, `insights.DailyRollup`):

- intake              cases submitted in the period.
- accepted            cases whose acceptance (受理) falls in the period.
- acknowledged        cases whose current acknowledgement (签收) falls in the period (a transfer or
                      return starts a new dispatch, and the new unit's acknowledgement replaces it).
- on_time_ack_rate    按时签收率: of `acknowledged`, the share acknowledged no later than their
                      acknowledgement deadline.
- completed           cases closed (办结) in the period and still closed now (a reopened case leaves
                      the figure until it closes again, on its new closing day).
- on_time_completion_rate  按时办结率: of `completed`, the share whose final reply came no later than
                      the reply deadline of the dispatch it answered (extensions and pauses
                      included); an answer on first contact has no such deadline and is on time.
- rated               follow-ups (回访) in the period that reached the resident and recorded
                      satisfied or unsatisfied (unreachable is not a rating); every follow-up counts,
                      so a case judged twice counts twice.
- satisfaction_rate   满意率: of `rated`, the share satisfied.
- redo_rate           发回重办率: of `completed`, the share that had been reopened at least once.
- first_contact_rate  一次性答复率: of `completed`, the share answered on first contact (no dispatch).
- mean_close_hours    mean working hours (shiyu.core.workcal) from submission to close over
                      `completed`.
- p90_close_hours     the 90th percentile of the same, estimated from a fixed histogram (HIST_EDGES)
                      by linear interpolation inside the bin: exact sums cannot give a percentile,
                      and a histogram adds up across days, areas and units as counts do. Past the last
                      edge the estimate is that edge.

Point-in-time figures (from the case table, NOT the rollups, and as of NOW whatever the period):

- backlog             open cases (submitted, accepted, dispatched, in progress, reopened).
- overdue             open, unpaused cases past a running deadline now: dispatched and not
                      acknowledged after the acknowledgement deadline, or dispatched/in progress after
                      the reply deadline.
  Not a daily rollup: both are states at an instant, not events in a day, and time passing a
  deadline is no event. But until its next event a case's row fixes the instant it becomes overdue
  (`overdue_at` below), so the refresh keeps one narrow row per open case (insights.OpenCase) and
  "overdue now" is `overdue_at < now` there: exact at any instant, as current as the rollups, and
  read from a table of open cases only instead of the case table's millions of rows.

Rates are floats in 0..1, None when the denominator is 0; hours are None when nothing closed.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shiyu.cases import deadlines
from shiyu.cases.workflow import OPEN_STATES
from shiyu.core import workcal

# Summed columns of a rollup row (see models.DailyRollup).
COUNTS = ("intake", "accepted", "acknowledged", "ack_on_time", "completed", "completed_on_time",
          "rated", "satisfied", "redone", "first_contact")
# Working hours from submission to close: upper bin edges; the last bin is open.
HIST_EDGES = (1, 2, 4, 8, 16, 24, 40, 64, 96, 120, 160, 240, 320, 480, 800)
HIST = tuple(f"h{i:02d}" for i in range(len(HIST_EDGES) + 1))
SUMS = COUNTS + ("close_hours",) + HIST

FLOW_KEYS = ("intake", "accepted", "acknowledged", "on_time_ack_rate", "completed",
             "on_time_completion_rate", "rated", "satisfaction_rate", "redo_rate",
             "first_contact_rate", "mean_close_hours", "p90_close_hours")
POINT_KEYS = ("backlog", "overdue")
KEYS = FLOW_KEYS + POINT_KEYS
RATE_KEYS = ("on_time_ack_rate", "on_time_completion_rate", "satisfaction_rate", "redo_rate",
             "first_contact_rate")

LABELS = {
    # A count ("受理量"); "Intake" without the context is the intake app's name (诉求受理渠道).
    "intake": pgettext_lazy("count", "Intake"),
    "accepted": _("Accepted"),
    "acknowledged": _("Acknowledged"),
    "on_time_ack_rate": _("On-time acknowledgement"),
    "completed": _("Completed"),
    "on_time_completion_rate": _("On-time completion"),
    "rated": _("Rated"),
    "satisfaction_rate": _("Satisfaction"),
    "redo_rate": _("Redo rate"),
    "first_contact_rate": _("First-contact resolution"),
    "mean_close_hours": _("Mean working hours to close"),
    "p90_close_hours": _("P90 working hours to close"),
    "backlog": _("Backlog"),
    "overdue": _("Overdue"),
}

# The case fields the contributions read (Case.objects.values(*CASE_FIELDS)).
CASE_FIELDS = ("id", "state", "kind", "channel", "area_id", "category_id", "lead_department_id",
               "submitted_at", "accepted_at", "acknowledged_at", "ack_due_at", "replied_at",
               "reply_due_at", "closed_at", "reopen_count", "first_contact", "paused_at")
# The backlog's states, and those whose deadlines run (as in cases.selectors.overdue_q).
OPEN = frozenset(s.value for s in OPEN_STATES)
RUNNING = frozenset({"dispatched", "in_progress"})

Key = tuple[date, int, int, int, str, str]  # day, area, category, department (0 = none), kind, channel

# Rollup grains: the dimensions each keeps besides the day (see models.DailyRollup). Grain 0 is
# the leaf and the only one with kind and channel.
GRAINS: dict[int, frozenset[str]] = {
    0: frozenset({"area", "category", "department", "kind", "channel"}),
    1: frozenset({"department"}),
    2: frozenset({"area"}),
    3: frozenset({"category"}),
    4: frozenset({"area", "department"}),
    5: frozenset({"category", "department"}),
    6: frozenset({"area", "category"}),
    7: frozenset(),
}


def grain_for(dimensions: set[str] | frozenset[str]) -> int:
    """The smallest grain that keeps every dimension asked for."""
    fitting = [g for g, dims in GRAINS.items() if dimensions <= dims]
    return min(fitting, key=lambda g: (len(GRAINS[g]), g))


def project(key: Key, grain: int) -> Key:
    dims = GRAINS[grain]
    return (key[0], key[1] if "area" in dims else 0, key[2] if "category" in dims else 0,
            key[3] if "department" in dims else 0, key[4] if "kind" in dims else "",
            key[5] if "channel" in dims else "")


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def hist_bin(hours: float) -> str:
    return HIST[bisect.bisect_left(HIST_EDGES, hours)]


def close_hours(case: Mapping[str, Any]) -> float:
    return max(0.0, workcal.working_hours_between(case["submitted_at"], case["closed_at"]))


def contributions(case: Mapping[str, Any], ratings: Iterable[tuple[datetime, str]] = ()
                  ) -> dict[Key, dict[str, float]]:
    """What one case adds to the rollups now: {leaf key: {column: amount}}.

    `case` has CASE_FIELDS; `ratings` are its follow-ups as (time, satisfaction). A pure function
    of the case's current row and its follow-up events, so recomputing it is idempotent."""
    out: dict[Key, dict[str, float]] = {}
    base = (case["area_id"] or 0, case["category_id"] or 0, case["lead_department_id"] or 0,
            case["kind"], case["channel"])

    def add(moment: datetime, **amounts: float) -> None:
        row = out.setdefault((local_day(moment), *base), {})
        for name, amount in amounts.items():
            if amount:
                row[name] = row.get(name, 0) + amount

    add(case["submitted_at"], intake=1)
    if case["accepted_at"]:
        add(case["accepted_at"], accepted=1)
    if case["acknowledged_at"]:
        due = case["ack_due_at"]
        add(case["acknowledged_at"], acknowledged=1,
            ack_on_time=1 if due is None or case["acknowledged_at"] <= due else 0)
    if case["state"] == "closed" and case["closed_at"]:
        due, replied = case["reply_due_at"], case["replied_at"]
        on_time = case["first_contact"] or due is None or (replied is not None and replied <= due)
        hours = close_hours(case)
        add(case["closed_at"], completed=1, completed_on_time=1 if on_time else 0,
            redone=1 if case["reopen_count"] else 0, first_contact=1 if case["first_contact"] else 0,
            close_hours=hours, **{hist_bin(hours): 1})
    for moment, satisfaction in ratings:
        if satisfaction in ("satisfied", "unsatisfied"):
            add(moment, rated=1, satisfied=1 if satisfaction == "satisfied" else 0)
    # Drop keys whose amounts were all zero (e.g. only an unreachable follow-up).
    return {k: v for k, v in out.items() if v}


def overdue_at(case: Mapping[str, Any]) -> datetime | None:
    """The instant after which an open case counts as overdue (cases.selectors.overdue_q holds
    exactly when `overdue_at < now`), None while it cannot be (paused, or no running deadline):
    the earliest deadline running in its state (cases.deadlines.current)."""
    if case["paused_at"] is not None or case["state"] not in RUNNING:
        return None
    found = deadlines.current(case)
    return found[1] if found else None


# An open case's row in insights.OpenCase (after its case_id), as open_row gives it.
OPEN_FIELDS = ("area_id", "category_id", "department_id", "kind", "channel", "overdue_at")


def open_row(case: Mapping[str, Any]) -> tuple:
    """The OpenCase values of an open case row, in OPEN_FIELDS order (0 for no area, category or unit)."""
    return (case["area_id"] or 0, case["category_id"] or 0, case["lead_department_id"] or 0, case["kind"],
            case["channel"], overdue_at(case))


def _rate(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def p90(hist: Mapping[str, float]) -> float | None:
    counts = [float(hist.get(name) or 0) for name in HIST]
    total = sum(counts)
    if not total:
        return None
    target = 0.9 * total
    seen = 0.0
    for i, n in enumerate(counts):
        if n and seen + n >= target:
            if i == len(HIST_EDGES):
                return float(HIST_EDGES[-1])
            low = HIST_EDGES[i - 1] if i else 0.0
            return low + (HIST_EDGES[i] - low) * (target - seen) / n
        seen += n
    return float(HIST_EDGES[-1])


def finish(sums: Mapping[str, Any]) -> dict[str, float | int | None]:
    """The flow metrics from summed rollup columns (missing columns count as 0)."""
    s = {name: (sums.get(name) or 0) for name in SUMS}
    completed = int(s["completed"])
    return {
        "intake": int(s["intake"]),
        "accepted": int(s["accepted"]),
        "acknowledged": int(s["acknowledged"]),
        "on_time_ack_rate": _rate(s["ack_on_time"], s["acknowledged"]),
        "completed": completed,
        "on_time_completion_rate": _rate(s["completed_on_time"], completed),
        "rated": int(s["rated"]),
        "satisfaction_rate": _rate(s["satisfied"], s["rated"]),
        "redo_rate": _rate(s["redone"], completed),
        "first_contact_rate": _rate(s["first_contact"], completed),
        "mean_close_hours": (float(s["close_hours"]) / completed) if completed else None,
        "p90_close_hours": p90(s),
    }
