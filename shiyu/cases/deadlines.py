"""Case clocks in working time, and the supervision ladder's schedule. Reads only.

Clocks (all counted on the working-time calendar, shiyu.core.workcal):
- acknowledge (签收): `ack hours` working hours from dispatch;
- reply (答复): `reply days` working days from dispatch, as 12345 centres count the completion
  limit (办结时限) from the moment the unit receives the case, not from its acknowledgement. A
  transfer is a new dispatch: the receiving unit gets fresh clocks;
- follow-up (回访): `deadlines.followup_days` working days from the reply, for the operator.
The limits come from the case (fixed at intake from the dispatch catalog) or else from its
category, shortened by urgency: limit × factor, rounded up, at least 1 (city settings
deadlines.urgent_factor and deadlines.critical_factor).

A pause (挂起) stops the clocks: on resume the paused working time is added to each running
deadline. An approved extension moves the reply deadline by the granted working days.

The ladder: for the case's most pressing running deadline, the steps are due soon (reminder),
overdue (urge, 催办) and, for the reply clock, one escalation (督办) one area level up per
`deadlines.escalate_after_hours` working hours overdue, until the city. `ladder_stage` records
the last step taken as "<clock>@<deadline epoch>:<step>", so a moved deadline starts a fresh
ladder and a re-run never repeats a step; `next_check_at` is when the next step falls due, so a
sweep reads only the cases whose time has come.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _

from shiyu.core import citysettings, clock, workcal

URGENT_FACTOR = citysettings.declare(
    "deadlines.urgent_factor", 0.5, _("Urgent cases: share of the normal limits"),
    _("An urgent case's acknowledge and reply limits are the normal ones times this, rounded up."),
    minimum=0.05, maximum=1.0)
CRITICAL_FACTOR = citysettings.declare(
    "deadlines.critical_factor", 0.25, _("Critical cases: share of the normal limits"),
    _("A critical case's acknowledge and reply limits are the normal ones times this, rounded up."),
    minimum=0.05, maximum=1.0)
DUE_SOON_HOURS = citysettings.declare(
    "deadlines.due_soon_hours", 4.0, _("Due soon: working hours before a deadline"),
    _("From this many working hours before a deadline the case shows amber and its handlers are "
      "reminded."), minimum=0.0, maximum=200.0)
ESCALATE_AFTER_HOURS = citysettings.declare(
    "deadlines.escalate_after_hours", 7.0, _("Escalate after overdue working hours"),
    _("A case this many working hours past its reply deadline is supervised one area level up, and "
      "one more level after each further such period, up to the city."), minimum=0.5, maximum=500.0)
FOLLOWUP_DAYS = citysettings.declare(
    "deadlines.followup_days", 3, _("Follow-up limit, working days after the reply"), minimum=1,
    maximum=60)
DEFAULT_ACK_HOURS = 24
DEFAULT_REPLY_DAYS = 15
MAX_LEVEL = 4  # grid → community → street → district → city

ON_TIME, DUE_SOON, OVERDUE = "on_time", "due_soon", "overdue"
LIGHTS = (ON_TIME, DUE_SOON, OVERDUE)

# The fields a schedule depends on (apply() projects them after a verb's changes).
CLOCK_FIELDS = ("state", "acknowledged_at", "ack_due_at", "reply_due_at", "followup_due_at",
                "paused_at", "ladder_stage", "escalation_level", "area_id")


def urgency_factor(urgency: str) -> float:
    if urgency == "critical":
        return float(CRITICAL_FACTOR.get())
    if urgency == "urgent":
        return float(URGENT_FACTOR.get())
    return 1.0


def shorten(limit: int, urgency: str) -> int:
    return max(1, math.ceil(limit * urgency_factor(urgency) - 1e-9))


def limits(case: Any) -> tuple[int, int]:
    """(acknowledge working hours, reply working days) for this case, urgency applied."""
    category = case.category if getattr(case, "category_id", None) else None
    ack = case.ack_limit_hours or (category.ack_hours if category else 0) or DEFAULT_ACK_HOURS
    days = case.reply_limit_days or (category.complete_days if category else 0) or DEFAULT_REPLY_DAYS
    return shorten(int(ack), case.urgency), shorten(int(days), case.urgency)


def dispatch_changes(case: Any, now: datetime) -> dict[str, Any]:
    """Fresh clocks for a unit that receives the case (dispatch or transfer)."""
    ack_hours, reply_days = limits(case)
    return {"dispatched_at": now, "acknowledged_at": None,
            "ack_due_at": workcal.add_working_hours(now, ack_hours),
            "reply_due_at": workcal.add_working_days(now, reply_days),
            "followup_due_at": None, "paused_at": None, "pause_reason": "", "paused_hours": 0.0}


def reply_changes(now: datetime) -> dict[str, Any]:
    return {"followup_due_at": workcal.add_working_days(now, int(FOLLOWUP_DAYS.get())),
            "paused_at": None, "pause_reason": ""}


def resume_changes(case: Any, now: datetime) -> dict[str, Any]:
    """The paused working time, added back to every running deadline."""
    paused = max(0.0, workcal.working_hours_between(case.paused_at, now)) if case.paused_at else 0.0
    out: dict[str, Any] = {"paused_at": None, "pause_reason": "",
                           "paused_hours": (case.paused_hours or 0.0) + paused}
    if paused > 0:
        if case.ack_due_at and not case.acknowledged_at:
            out["ack_due_at"] = workcal.add_working_hours(case.ack_due_at, paused)
        if case.reply_due_at:
            out["reply_due_at"] = workcal.add_working_hours(case.reply_due_at, paused)
    return out


def extended_reply_due(case: Any, days: int, now: datetime) -> datetime:
    """An approved extension: the granted working days on top of the current reply deadline."""
    return workcal.add_working_days(case.reply_due_at or now, days)


# --- which clock runs, and the traffic light ------------------------------------------------

def _get(case: Any, name: str) -> Any:
    # A plain dict first: the sweep asks this a few million times, and isinstance() against the
    # Mapping ABC costs more than the look-up itself.
    if type(case) is dict:
        return case[name]
    return case[name] if isinstance(case, Mapping) else getattr(case, name)


def running(case: Any) -> list[tuple[str, datetime]]:
    """The deadlines that run in the case's state, as (clock, instant)."""
    state = _get(case, "state")
    out: list[tuple[str, datetime]] = []
    if state == "dispatched" and _get(case, "ack_due_at") and not _get(case, "acknowledged_at"):
        out.append(("ack", _get(case, "ack_due_at")))
    if state in ("dispatched", "in_progress") and _get(case, "reply_due_at"):
        out.append(("reply", _get(case, "reply_due_at")))
    if state == "replied" and _get(case, "followup_due_at"):
        out.append(("followup", _get(case, "followup_due_at")))
    return out


def current(case: Any) -> tuple[str, datetime] | None:
    clocks = running(case)
    return min(clocks, key=lambda c: c[1]) if clocks else None


def light_at(due: datetime, moment: datetime) -> str:
    if moment >= due:
        return OVERDUE
    if workcal.working_hours_between(moment, due) <= float(DUE_SOON_HOURS.get()):
        return DUE_SOON
    return ON_TIME


def light_of(case: Any, now: datetime | None = None) -> str:
    """"on_time" | "due_soon" | "overdue", or "" when no clock runs. A paused case keeps the
    light it had when it was paused."""
    found = current(case)
    if found is None:
        return ""
    moment = _get(case, "paused_at") or now or clock.now()
    return light_at(found[1], moment)


@dataclass(frozen=True)
class ClockView:
    clock: str
    due: datetime
    light: str
    remaining_hours: float  # working hours; negative when overdue


def clock_views(case: Any, now: datetime | None = None) -> list[ClockView]:
    moment = _get(case, "paused_at") or now or clock.now()
    out = []
    for name, due in running(case):
        remaining = workcal.working_hours_between(moment, due)
        out.append(ClockView(name, due, light_at(due, moment), round(remaining, 2)))
    return out


# --- the ladder -------------------------------------------------------------------------------

class Step(NamedTuple):
    # A named tuple rather than a frozen dataclass: a catch-up sweep makes a few hundred thousand,
    # and a frozen dataclass's __init__ costs several times a tuple's.
    clock: str
    due: datetime
    name: str  # due_soon | overdue | esc1..esc4
    at: datetime | None  # when it falls due; None for a step plan() found passed (not worked out)

    @property
    def stage(self) -> str:
        return f"{self.clock}@{int(self.due.timestamp())}:{self.name}"

    @property
    def key(self) -> str:
        return self.stage


def escalation_cap(area_depth: int | None) -> int:
    """Levels a case may climb: from a grid four (to the city), from a district one."""
    if area_depth is None:
        return 0
    return max(0, min(MAX_LEVEL, area_depth))


def step_names(clock_name: str, cap: int) -> list[str]:
    return list(_step_names(clock_name, cap))


@functools.cache
def _step_names(clock_name: str, cap: int) -> tuple[str, ...]:
    # Asked once per case by the sweep: a handful of distinct answers, built once.
    levels = tuple(f"esc{n}" for n in range(1, cap + 1)) if clock_name == "reply" else ()
    return ("due_soon", "overdue", *levels)


@dataclass(frozen=True)
class Thresholds:
    """The ladder's city settings, read once per sweep batch rather than once per case."""

    due_soon_hours: float
    escalate_after_hours: float

    @classmethod
    def current(cls) -> Thresholds:
        return cls(float(DUE_SOON_HOURS.get()), float(ESCALATE_AFTER_HOURS.get()))


def step_at(name: str, due: datetime, th: Thresholds | None = None) -> datetime:
    """When a step falls due (in time order: due soon ≤ overdue ≤ esc1 ≤ esc2 …)."""
    th = th or Thresholds.current()
    if name == "due_soon":
        return workcal.add_working_hours(due, -th.due_soon_hours)
    if name == "overdue":
        return due
    return workcal.add_working_hours(due, th.escalate_after_hours * int(name[3:]))


def steps_for(clock_name: str, due: datetime, *, cap: int) -> list[Step]:
    """The ladder's steps for one deadline, in order, with the instant each falls due."""
    return [Step(clock_name, due, name, step_at(name, due)) for name in step_names(clock_name, cap)]


def stage_parts(stage: str) -> tuple[str, str]:
    """("<clock>@<epoch>", step) of a stored stage; ("", "") for none."""
    head, _, step = (stage or "").rpartition(":")
    return head, step


_NOW_POSITION: list[Any] = [None, 0]


def _now_position(now: datetime) -> int:
    # A sweep plans thousands of cases at one `now`.
    if _NOW_POSITION[0] is not now:
        _NOW_POSITION[:] = [now, workcal.position(now)]
    return _NOW_POSITION[1]


def plan(case: Any, now: datetime, *, cap: int,
         th: Thresholds | None = None) -> tuple[list[Step], str, datetime | None]:
    """What the ladder does to `case` at `now`: the steps to take now, the stage after them and
    the next check (None: nothing more to do for this deadline). Steps already taken for this
    deadline are never repeated; a reminder is skipped once the deadline has passed, and an
    escalation once the case is supervised at its top level (a supervisor may have lifted it)."""
    found = None if _get(case, "paused_at") else current(case)
    stage = _get(case, "ladder_stage") or ""
    if found is None:
        return [], stage, None
    clock_name, due = found
    head, done = stage_parts(stage)
    names = _step_names(clock_name, cap)
    start = names.index(done) + 1 if done in names and head == f"{clock_name}@{int(due.timestamp())}" else 0
    # Steps are in time order: compute instants only up to the first one still ahead (a sweep
    # over a million cases mostly finds that first one in the future).
    passed: list[Step] = []
    ahead_name = ""
    th = th or Thresholds.current()
    # Passed or not is decided on working-time positions (two calendar look-ups per case instead
    # of one per step); only the first step ahead is turned into an instant, exactly as step_at.
    due_pos: int | None = None
    now_pos = 0
    for name in names[start:]:
        if name == "overdue":
            ahead = due > now
        else:
            if due_pos is None:
                due_pos, now_pos = workcal.position(due), _now_position(now)
            hours = -th.due_soon_hours if name == "due_soon" else th.escalate_after_hours * int(name[3:])
            target = due_pos + round(float(hours) * workcal.US_PER_HOUR)
            # A reminder's instant is the latest with that position: on a tie it may lie ahead.
            ahead = target > now_pos or (target == now_pos and hours < 0 and step_at(name, due, th) > now)
        if ahead:
            ahead_name = name
            break
        passed.append(Step(clock_name, due, name, None))
    if any(s.name == "overdue" for s in passed):
        passed_todo = [s for s in passed if s.name != "due_soon"]
    else:
        passed_todo = passed
    level = _get(case, "escalation_level") or 0
    todo = []
    for s in passed_todo:
        if s.name.startswith("esc"):
            if level >= cap:
                continue
            level += 1
        todo.append(s)
    if level >= cap and ahead_name.startswith("esc"):
        ahead_name = ""  # at its top level: no further escalation to wait for
    taken = passed[-1].stage if passed else stage
    # Only the next step's instant is worked out, and only when there is one to wait for.
    return todo, taken, (step_at(ahead_name, due, th) if ahead_name else None)


def schedule(values: Mapping[str, Any], now: datetime, *, cap: int) -> dict[str, Any]:
    """next_check_at and ladder_stage after a person changed the case's clocks. No step is taken
    here: a step already due is left to the next sweep, which checks at once."""
    found = None if values.get("paused_at") else current(values)
    if found is None:
        return {"next_check_at": None}
    clock_name, due = found
    stage = values.get("ladder_stage") or ""
    if stage_parts(stage)[0] != f"{clock_name}@{int(due.timestamp())}":
        stage = ""
    todo, _, next_at = plan({**values, "ladder_stage": stage}, now, cap=cap)
    return {"ladder_stage": stage, "next_check_at": now if todo else next_at}
