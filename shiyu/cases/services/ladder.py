"""The supervision ladder's sweep (see cases.deadlines for the steps).

Incremental: it reads only cases whose `next_check_at` has passed (an indexed range), takes the
steps now due for each, and moves `next_check_at` to the next step's instant (or clears it). It
works in batches, one transaction each, with bulk statements: rows are locked (PostgreSQL: FOR
UPDATE SKIP LOCKED, so a person's concurrent action or a second sweep is never waited on; SQLite:
the IMMEDIATE transaction holds the write lock), so every batch commits all of its steps,
events, audit rows and notices, or none. A sweep that dies halfway leaves the committed batches
done and the others due: re-run, it takes each step exactly once (ladder_stage names the last
step taken for the deadline; the notices' keys are case + deadline + step).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction

from shiyu.accounts.services import system_user
from shiyu.audit.services import audit_record
from shiyu.cases import deadlines
from shiyu.cases.models import Case, CaseEvent
from shiyu.cases.services import notify
from shiyu.core import clock
from shiyu.notifications.services import notify_users_bulk

log = logging.getLogger(__name__)

BATCH = 2000
FIELDS = ("id", "code", "title", "state", "version", "area_id", "area__path", "lead_department_id",
          "escalation_level", "urge_count", "acknowledged_at", "ack_due_at", "reply_due_at",
          "followup_due_at", "paused_at", "ladder_stage", "supervising_area_id", "next_check_at")
URGE_STATES = ("dispatched", "in_progress")


@dataclass
class SweepResult:
    checked: int = 0
    changed: int = 0
    events: dict[str, int] = field(default_factory=dict)
    batches: int = 0

    def add(self, action: str) -> None:
        self.events[action] = self.events.get(action, 0) + 1


def _ids(path: str | None) -> list[int]:
    return [int(p) for p in (path or "").strip("/").split("/") if p]


def _event_for(row: dict[str, Any], step: deadlines.Step) -> tuple[str, dict[str, Any]]:
    data: dict[str, Any] = {"automatic": True, "clock": step.clock, "step": step.name,
                            "stage": step.stage, "due": step.due.isoformat()}
    if step.name == "due_soon" or step.clock == "followup" or row["state"] not in URGE_STATES:
        return "remind", data
    if step.name == "overdue":
        return "urge", data
    data["reason"] = "overdue"
    return "escalate", data


def _plan_row(row: dict[str, Any], now: datetime,
              th: deadlines.Thresholds) -> tuple[list[tuple[str, dict]], dict[str, Any]]:
    ids = _ids(row["area__path"])
    cap = deadlines.escalation_cap(len(ids) - 1 if ids else None)
    steps, stage, next_at = deadlines.plan(row, now, cap=cap, th=th)
    events = [_event_for(row, s) for s in steps]
    level, urges = row["escalation_level"], row["urge_count"]
    for action, data in events:
        if action == "urge":
            urges += 1
        elif action == "escalate":
            level += 1
            data["level"] = level
    supervising = row["supervising_area_id"]
    if level != row["escalation_level"] and ids:
        supervising = ids[max(len(ids) - 1 - level, 0)]
    return events, {"next_check_at": next_at, "ladder_stage": stage, "version": row["version"] + len(events),
                    "urge_count": urges, "escalation_level": level, "supervising_area_id": supervising}


def _due_rows(now: datetime, batch: int) -> list[dict[str, Any]]:
    qs = Case.objects.filter(next_check_at__lte=now).order_by("next_check_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.values(*FIELDS)[:batch])


def _write(changes: list[tuple[dict[str, Any], dict[str, Any]]], now: datetime) -> None:
    # The table name is the model's own, not input.
    table = connection.ops.quote_name(Case._meta.db_table)
    sql = (f"UPDATE {table} SET next_check_at = %s, ladder_stage = %s, version = %s, "  # noqa: S608
           "urge_count = %s, escalation_level = %s, supervising_area_id = %s, "
           "updated_at = COALESCE(%s, updated_at) WHERE id = %s AND version = %s")
    params = []
    updated = _adapt(now)
    for row, new in changes:
        moved = new["version"] != row["version"]
        params.append((_adapt(new["next_check_at"]), new["ladder_stage"], new["version"], new["urge_count"],
                       new["escalation_level"], new["supervising_area_id"],
                       updated if moved else None, row["id"], row["version"]))
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _insert_events(events: list[Any], actor_id: int, now: datetime) -> None:
    """Many events in one executemany: bulk_create spends most of a sweep preparing values."""
    if not events:
        return
    table = connection.ops.quote_name(CaseEvent._meta.db_table)
    data_field = CaseEvent._meta.get_field("data")
    sql = (f"INSERT INTO {table} (case_id, actor_id, action, from_state, to_state, note, data, "  # noqa: S608
           "is_public, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)")
    created = _adapt(now)
    # SQLite stores the JSON text as Django would (json.dumps); other databases get their adapter.
    def prep(data: dict[str, Any]) -> Any:
        if connection.vendor == "sqlite":
            return json.dumps(data)
        return data_field.get_db_prep_save(data, connection)

    with connection.cursor() as cursor:
        cursor.executemany(sql, [
            (e.case_id, actor_id, e.action, e.state, e.state, "", prep(e.data), False, created)
            for e in events])


def _adapt(value: Any) -> Any:
    if value is not None:
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _sweep_batch(now: datetime, batch: int, system: Any, resolver: notify.Resolver,
                 result: SweepResult) -> int:
    rows = _due_rows(now, batch)
    if not rows:
        return 0
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = []
    new_events: list[SimpleNamespace] = []
    pairs: list[tuple[SimpleNamespace, SimpleNamespace]] = []
    th = deadlines.Thresholds.current()
    for row in rows:
        events, new = _plan_row(row, now, th)
        changes.append((row, new))
        case_like = SimpleNamespace(pk=row["id"], code=row["code"], title=row["title"],
                                    lead_department_id=row["lead_department_id"], area_id=row["area_id"],
                                    supervising_area_id=new["supervising_area_id"])
        last: dict[str, SimpleNamespace] = {}
        for action, data in events:
            event = SimpleNamespace(case_id=row["id"], action=action, state=row["state"], data=data, pk=None,
                                    note="")
            new_events.append(event)
            last[action] = event
            result.add(action)
        if events:
            result.changed += 1
            # Every step is an event, but people hear once per kind: a case found three levels
            # overdue is one urge to its unit and one escalation notice to the top supervisor, not
            # four notices (the last step's key: a re-run, which takes no step, adds none).
            pairs.extend((case_like, event) for event in last.values())
    _write(changes, now)
    _insert_events(new_events, system.pk, now)
    if new_events:
        # One audit row per batch: the system's sweep, what it did and to which cases. Each step is
        # also a CaseEvent on its case, which is where a case's own history is read.
        audit_record(actor=system, verb="case.ladder_sweep", object_type="cases.case", data={
            "events": {a: sum(1 for e in new_events if e.action == a)
                       for a in ("remind", "urge", "escalate")},
            "cases": sorted({e.case_id for e in new_events})})
    notify_users_bulk(notify.batch_messages(pairs, resolver))
    result.checked += len(rows)
    result.batches += 1
    return len(rows)


def sweep(*, now: datetime | None = None, batch: int = BATCH, max_batches: int | None = None) -> SweepResult:
    """Take every ladder step due at `now` (default: the clock). Safe to run twice or concurrently."""
    now = now or clock.now()
    system = system_user()
    resolver = notify.Resolver()
    result = SweepResult()
    while max_batches is None or result.batches < max_batches:
        with transaction.atomic():
            got = _sweep_batch(now, batch, system, resolver, result)
        if got < batch:
            break
    if result.changed:
        log.info("deadline sweep: %s cases checked, %s changed, %s", result.checked, result.changed,
                 result.events)
    return result
