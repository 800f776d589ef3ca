"""The supervision ladder's sweep (see cases.deadlines for the steps).

Incremental: it reads only cases whose `next_check_at` has passed (an indexed range), takes the
steps now due for each, and moves `next_check_at` to the next step's instant (or clears it). It
works in batches of neighbouring ids, one transaction each, each table written by one or two
statements run over the batch's rows: rows are locked (PostgreSQL: FOR UPDATE SKIP LOCKED, so a
person's concurrent action or a second sweep is never waited on; SQLite: the IMMEDIATE
transaction holds the write lock), so every batch commits all of its steps,
events, audit rows and notices, or none. A sweep that dies halfway leaves the committed batches
done and the others due: re-run, it takes each step exactly once (ladder_stage names the last
step taken for the deadline; the notices' keys are case + deadline + step).
"""

from __future__ import annotations

import json
import logging
import re
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
from shiyu.geo.models import Area
from shiyu.notifications.services import notify_users_bulk

log = logging.getLogger(__name__)

# Cases per transaction. Larger batches touch each index page fewer times per case (a commit
# writes every page it dirtied); 5,000 keeps the write lock a batch holds to about half a second.
BATCH = 5000
# The columns the ladder reads, straight from the table (no model instances, no converters).
COLUMNS = ("id", "code", "title", "state", "version", "area_id", "lead_department_id",
           "escalation_level", "urge_count", "acknowledged_at", "ack_due_at", "reply_due_at",
           "followup_due_at", "paused_at", "ladder_stage", "supervising_area_id")
# Only these are compared as instants; acknowledged_at and paused_at are only tested for presence.
INSTANTS = ("ack_due_at", "reply_due_at", "followup_due_at")
PRESENCE = ("acknowledged_at", "paused_at")
URGE_STATES = ("dispatched", "in_progress")


@dataclass
class SweepResult:
    checked: int = 0
    changed: int = 0
    events: dict[str, int] = field(default_factory=dict)
    batches: int = 0


class _Areas:
    """Each area's chain of ids (its path), read once per sweep: a case's escalation cap and
    supervising area come from it, and a city has a few thousand areas, not a million."""

    def __init__(self) -> None:
        self.chains: dict[int | None, list[int]] = {None: []}

    def load(self, area_ids: set[int | None]) -> None:
        missing = [a for a in area_ids if a is not None and a not in self.chains]
        if missing:
            found = dict(Area.objects.filter(pk__in=missing).values_list("pk", "path"))
            for pk in missing:
                self.chains[pk] = _ids(found.get(pk))

    def chain(self, area_id: int | None) -> list[int]:
        return self.chains.get(area_id) or []


def _ids(path: str | None) -> list[int]:
    return [int(p) for p in (path or "").strip("/").split("/") if p]


def _event_for(row: dict[str, Any], step: deadlines.Step, stage: str, due: str) -> tuple[str, dict[str, Any]]:
    data: dict[str, Any] = {"automatic": True, "clock": step.clock, "step": step.name, "stage": stage,
                            "due": due}
    if step.name == "due_soon" or step.clock == "followup" or row["state"] not in URGE_STATES:
        return "remind", data
    if step.name == "overdue":
        return "urge", data
    data["reason"] = "overdue"
    return "escalate", data


def _plan_row(row: dict[str, Any], now: datetime, th: deadlines.Thresholds,
              ids: list[int]) -> tuple[list[tuple[str, dict]], dict[str, Any]]:
    cap = deadlines.escalation_cap(len(ids) - 1 if ids else None)
    steps, stage, next_at = deadlines.plan(row, now, cap=cap, th=th)
    events = []
    if steps:
        # One deadline per plan: its stage prefix and ISO text are worked out once, not per step.
        prefix = steps[0].stage.rpartition(":")[0]
        due = steps[0].due.isoformat()
        events = [_event_for(row, s, f"{prefix}:{s.name}", due) for s in steps]
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


def _table(model: Any) -> str:
    # The table name is the model's own, not input.
    return connection.ops.quote_name(model._meta.db_table)


def _due_ids(now: datetime) -> list[int]:
    """Every case due at `now`, in id order. The read is the indexed next_check_at range (only
    what is due, however many cases are open); the order is the table's: batches of neighbouring
    ids update neighbouring rows and append neighbouring keys to the events' and notices' indexes,
    so a batch dirties few pages rather than one or more per case (read in next_check_at order,
    a batch's writes were scattered over the whole table and its indexes, and each commit
    flushed them all)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {_table(Case)} WHERE next_check_at <= %s",  # noqa: S608
                       [clock.to_db()(now)])
        return sorted(pk for (pk,) in cursor.fetchall())


def _select(column: str) -> str:
    name = connection.ops.quote_name(column)
    if column in PRESENCE:
        return f"{name} IS NOT NULL"
    if column in INSTANTS and connection.vendor == "sqlite":
        # The stored text, parsed below by fromisoformat: the driver's per-value converter for a
        # datetime column cost more than the rest of the read.
        return f"CAST({name} AS TEXT)"
    return name


def _due_rows(ids: list[int], now: datetime) -> list[dict[str, Any]]:
    """The rows of these ids that are still due, locked for the batch. PostgreSQL: FOR UPDATE
    SKIP LOCKED, so a person's concurrent action or a second sweep is never waited on (a row it
    skips is due again next time); SQLite: the IMMEDIATE transaction holds the write lock."""
    if not ids:
        return []
    columns = ", ".join(_select(c) for c in COLUMNS)
    sql = (f"SELECT {columns} FROM {_table(Case)} WHERE id IN ({', '.join(['%s'] * len(ids))}) "  # noqa: S608
           "AND next_check_at <= %s")
    if connection.features.has_select_for_update_skip_locked:
        sql += " FOR UPDATE SKIP LOCKED"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, clock.to_db()(now)])
        raw = cursor.fetchall()
    rows = [dict(zip(COLUMNS, values, strict=True)) for values in raw]
    for row in rows:
        for name in INSTANTS:
            value = row[name]
            if value is not None and (type(value) is not datetime or value.tzinfo is None):
                row[name] = clock.as_utc(value)
    rows.sort(key=lambda r: r["id"])
    return rows


def _write(changes: list[tuple[dict[str, Any], dict[str, Any]]], now: datetime) -> None:
    """Two statements, each run for many rows: the cases that moved up a level (their supervising
    area changes) and the others, whose update leaves that column, its index and its foreign key
    check alone (SQLite maintains an index for every column named in SET, changed or not)."""
    head = (f"UPDATE {_table(Case)} SET next_check_at = %s, ladder_stage = %s, version = %s, "  # noqa: S608
            "urge_count = %s, escalation_level = %s, updated_at = COALESCE(%s, updated_at)")
    tail = " WHERE id = %s AND version = %s"
    same: list[tuple[Any, ...]] = []
    moved_up: list[tuple[Any, ...]] = []
    adapt = clock.to_db()
    updated = adapt(now)
    for row, new in changes:
        at = new["next_check_at"]
        values = (adapt(at) if at is not None else None, new["ladder_stage"], new["version"],
                  new["urge_count"], new["escalation_level"],
                  updated if new["version"] != row["version"] else None)
        if new["supervising_area_id"] == row["supervising_area_id"]:
            same.append((*values, row["id"], row["version"]))
        else:
            moved_up.append((*values, new["supervising_area_id"], row["id"], row["version"]))
    with connection.cursor() as cursor:
        if same:
            cursor.executemany(head + tail, same)
        if moved_up:
            cursor.executemany(head + ", supervising_area_id = %s" + tail, moved_up)


def _insert_events(events: list[tuple[int, str, str, dict[str, Any]]], actor_id: int, now: datetime) -> None:
    """Many events in one executemany: bulk_create spends most of a sweep preparing values."""
    if not events:
        return
    sql = (f"INSERT INTO {_table(CaseEvent)} (case_id, actor_id, action, from_state, to_state, "  # noqa: S608
           "note, data, is_public, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)")
    created = clock.to_db()(now)
    # SQLite stores the JSON text as Django would (json.dumps); other databases get their adapter.
    if connection.vendor == "sqlite":
        prep: Any = _event_json
    else:
        data_field, conn = CaseEvent._meta.get_field("data"), connection

        def prep(data: dict[str, Any]) -> Any:
            return data_field.get_db_prep_save(data, conn)

    with connection.cursor() as cursor:
        cursor.executemany(sql, [
            (case_id, actor_id, action, state, state, "", prep(data), False, created)
            for case_id, action, state, data in events])


def _event_json(data: dict[str, Any]) -> str:
    """json.dumps(data) for a ladder event's data, written out directly (json.dumps was a tenth of a
    catch-up sweep). The values are names, stages ("reply@1764115200:esc1"), ISO instants and an
    int: written as they are when none holds what JSON escapes (json.dumps also writes non-ASCII
    as \\u escapes, as Django does); anything else takes json.dumps."""
    values = "".join(str(data.get(key, "")) for key in ("clock", "step", "stage", "due", "reason"))
    if data.keys() - _EVENT_KEYS or data.get("automatic") is not True or _ESCAPED.search(values):
        return json.dumps(data)
    text = (f'{{"automatic": true, "clock": "{data["clock"]}", "step": "{data["step"]}", '
            f'"stage": "{data["stage"]}", "due": "{data["due"]}"')
    if "reason" in data:
        text += f', "reason": "{data["reason"]}"'
    if "level" in data:
        text += f', "level": {int(data["level"])}'
    return text + "}"


_ESCAPED = re.compile(r'["\\\x00-\x1f\x7f-\U0010ffff]')
_EVENT_KEYS = frozenset(("automatic", "clock", "step", "stage", "due", "reason", "level"))


def _sweep_batch(ids: list[int], now: datetime, system: Any, resolver: notify.Resolver,
                 areas: _Areas, result: SweepResult) -> int:
    rows = _due_rows(ids, now)
    if not rows:
        return 0
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = []
    new_events: list[tuple[int, str, str, dict[str, Any]]] = []  # (case, action, state, data)
    pairs: list[tuple[SimpleNamespace, SimpleNamespace]] = []
    counts = dict.fromkeys(("remind", "urge", "escalate"), 0)
    th = deadlines.Thresholds.current()
    areas.load({row["area_id"] for row in rows})
    for row in rows:
        events, new = _plan_row(row, now, th, areas.chain(row["area_id"]))
        changes.append((row, new))
        if not events:
            continue
        result.changed += 1
        case_id, state = row["id"], row["state"]
        last: dict[str, dict[str, Any]] = {}
        for action, data in events:
            new_events.append((case_id, action, state, data))
            last[action] = data
            counts[action] += 1
        # Every step is an event, but people hear once per kind: a case found three levels
        # overdue is one urge to its unit and one escalation notice to the supervisors of the
        # level it now sits at, not four notices (the last step's key: a re-run, which takes no
        # step, adds none). The levels it passed do not hear of a case no longer in their queue.
        case_like = SimpleNamespace(pk=case_id, code=row["code"], title=row["title"],
                                    lead_department_id=row["lead_department_id"], area_id=row["area_id"],
                                    supervising_area_id=new["supervising_area_id"])
        pairs.extend((case_like, SimpleNamespace(action=action, data=data, pk=None, note=""))
                     for action, data in last.items())
    _write(changes, now)
    _insert_events(new_events, system.pk, now)
    for action, n in counts.items():
        if n:
            result.events[action] = result.events.get(action, 0) + n
    if new_events:
        # One audit row per batch: the system's sweep, what it did and to which cases. Each step is
        # also a CaseEvent on its case, which is where a case's own history is read.
        audit_record(actor=system, verb="case.ladder_sweep", object_type="cases.case", data={
            "events": counts, "cases": sorted({e[0] for e in new_events})})
    notify_users_bulk(notify.batch_messages(pairs, resolver))
    result.checked += len(rows)
    result.batches += 1
    return len(rows)


def sweep(*, now: datetime | None = None, batch: int = BATCH, max_batches: int | None = None) -> SweepResult:
    """Take every ladder step due at `now` (default: the clock). Safe to run twice or concurrently."""
    now = now or clock.now()
    system = system_user()
    resolver = notify.Resolver()
    areas = _Areas()
    result = SweepResult()
    due = _due_ids(now)
    for start in range(0, len(due), batch):
        if max_batches is not None and result.batches >= max_batches:
            break
        with transaction.atomic():
            _sweep_batch(due[start:start + batch], now, system, resolver, areas, result)
    if result.changed:
        log.info("deadline sweep: %s cases checked, %s changed, %s", result.checked, result.changed,
                 result.events)
    return result
