"""The only writer of the rollups.

`rollups_refresh` follows the case event log: it finds the cases with new events since its
watermark (and the ids it saw missing below it, see RollupCursor), recomputes each one's
contribution (metrics.contributions) and applies the difference from what the case contributed
before (CaseFact), and rewrites its OpenCase row (backlog and overdue). Recomputing is
idempotent, so a re-run, a duplicate enqueue or an event seen twice changes nothing. Runs are
serialised by the cursor row's lock (PostgreSQL) or SQLite's IMMEDIATE write transaction, so two
workers never apply the same difference twice.

No audit rows: the rollups are derived data, rebuilt from the event log at will; the rebuild
command itself is audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from shiyu.audit.services import audit_record
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import clock
from shiyu.insights import metrics
from shiyu.insights.models import CaseFact, DailyRollup, OpenCase, RollupCursor

CURSOR = "rollups"
BATCH = 5000
GAP_TTL = timedelta(minutes=10)  # longer than any case transaction stays open
REBUILD_REWIND = 1000  # ids below the rebuild's watermark looked at again by the next refresh

Delta = dict[metrics.Key, dict[str, float]]


def _entries_json(entries: dict[metrics.Key, dict[str, float]]) -> list:
    return [[k[0].isoformat(), *k[1:], v] for k, v in sorted(entries.items())]


def _entries_from_json(raw: list) -> dict[metrics.Key, dict[str, float]]:
    return {(date.fromisoformat(e[0]), e[1], e[2], e[3], e[4], e[5]): e[6] for e in raw}


def _case_rows(ids: list[int]) -> tuple[dict[int, dict[str, Any]], dict[int, list[tuple[datetime, str]]]]:
    """The cases' rows (metrics.CASE_FIELDS) and their follow-ups as (time, satisfaction)."""
    ratings: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for case_id, created_at, data in CaseEvent.objects.filter(
            case_id__in=ids, action="follow_up").values_list("case_id", "created_at", "data").order_by():
        ratings[case_id].append((created_at, (data or {}).get("satisfaction", "")))
    rows = {row["id"]: row for row in Case.objects.filter(pk__in=ids).values(*metrics.CASE_FIELDS).order_by()}
    return rows, ratings


def _sync_open(ids: list[int], rows: dict[int, dict[str, Any]]) -> None:
    """Make the cases' OpenCase rows match their case rows: written only where they differ (most
    events move a case between open states without changing its row here)."""
    wanted = {pk: metrics.open_row(row) for pk, row in rows.items() if row["state"] in metrics.OPEN}
    have = {r[0]: r[1:] for r in
            OpenCase.objects.filter(case_id__in=ids).values_list("case_id", *metrics.OPEN_FIELDS)}
    stale = [pk for pk, values in have.items() if wanted.get(pk) != values]
    if stale:
        OpenCase.objects.filter(case_id__in=stale).delete()
    fresh = [OpenCase(case_id=pk, **dict(zip(metrics.OPEN_FIELDS, values, strict=True)))
             for pk, values in wanted.items() if have.get(pk) != values]
    if fresh:
        OpenCase.objects.bulk_create(fresh, batch_size=1000)


def expand(delta: Delta) -> dict[tuple, dict[str, float]]:
    """A leaf delta spread over every grain: {(grain, *key): amounts}."""
    out: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for key, amounts in delta.items():
        for grain in metrics.GRAINS:
            row = out[(grain, *metrics.project(key, grain))]
            for name, amount in amounts.items():
                row[name] += amount
    return {k: dict(v) for k, v in out.items() if any(v.values())}


FIELDS = ("grain", "day", "area_id", "category_id", "department_id", "kind", "channel")


def _upsert_sql() -> str:
    # INSERT … ON CONFLICT DO UPDATE adds to the row in one statement, with no read first (both
    # SQLite ≥ 3.24 and PostgreSQL): a refresh costs one executemany however many rows it touches.
    table = DailyRollup._meta.db_table
    names = ", ".join((*FIELDS, *metrics.SUMS))
    marks = ", ".join(["%s"] * (len(FIELDS) + len(metrics.SUMS)))
    adds = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in metrics.SUMS)
    # Only constant names of our own model go into the text; every value is a parameter.
    return (f"INSERT INTO {table} ({names}) VALUES ({marks}) "  # noqa: S608
            f"ON CONFLICT ({', '.join(FIELDS)}) DO UPDATE SET {adds}")


def _apply(delta: Delta) -> None:
    """Add `delta` to the rollup rows of every grain (the caller holds the rollup write lock)."""
    rows = expand({k: v for k, v in delta.items() if any(v.values())})
    if not rows:
        return
    adapt = connection.ops.adapt_datefield_value
    params = []
    for (grain, day, *rest), amounts in sorted(rows.items(), key=lambda kv: repr(kv[0])):
        params.append((grain, adapt(day), *rest, *(amounts.get(n, 0) for n in metrics.SUMS)))
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(), params)
    # A row whose sums all fell to zero stays: harmless to every sum, and deleting it would cost
    # a statement per refresh.


def recompute_cases(case_ids: Iterable[int]) -> int:
    """Bring the rollups up to date for these cases; returns how many changed."""
    ids = sorted(set(case_ids))
    if not ids:
        return 0
    rows, ratings = _case_rows(ids)
    _sync_open(ids, rows)
    new = {pk: metrics.contributions(row, ratings.get(pk, ())) for pk, row in rows.items()}
    facts = {f.case_id: f for f in CaseFact.objects.filter(case_id__in=ids)}
    delta: Delta = defaultdict(lambda: defaultdict(float))
    changed_facts, new_facts, gone = [], [], []
    for case_id in ids:
        fact = facts.get(case_id)
        old = _entries_from_json(fact.entries) if fact else {}
        now = new.get(case_id, {})
        if old == now:
            continue
        for key, amounts in old.items():
            for name, amount in amounts.items():
                delta[key][name] -= amount
        for key, amounts in now.items():
            for name, amount in amounts.items():
                delta[key][name] += amount
        if fact is None:
            new_facts.append(CaseFact(case_id=case_id, entries=_entries_json(now)))
        elif not now:
            gone.append(case_id)
        else:
            fact.entries = _entries_json(now)
            changed_facts.append(fact)
    _apply({k: dict(v) for k, v in delta.items()})
    if new_facts:
        CaseFact.objects.bulk_create(new_facts, batch_size=1000)
    if changed_facts:
        CaseFact.objects.bulk_update(changed_facts, ["entries"], batch_size=1000)
    if gone:
        CaseFact.objects.filter(case_id__in=gone).delete()
    return len(new_facts) + len(changed_facts) + len(gone)


def _locked_cursor() -> RollupCursor:
    RollupCursor.objects.get_or_create(name=CURSOR)
    qs = RollupCursor.objects.filter(name=CURSOR)
    if connection.features.has_select_for_update:
        qs = qs.select_for_update()
    return qs.get()


@transaction.atomic
def rollups_refresh(*, batch: int = BATCH) -> int:
    """One step of the follower: up to `batch` new events (plus the gaps), applied. Returns the
    number of events read; call again while it returns `batch`."""
    cursor = _locked_cursor()
    now = clock.now()
    gaps: dict[str, str] = dict(cursor.gaps or {})
    rows = list(CaseEvent.objects.filter(pk__gt=cursor.watermark).order_by("pk")
                .values_list("pk", "case_id")[:batch])
    found_gaps = []
    if gaps:
        found_gaps = list(CaseEvent.objects.filter(pk__in=[int(g) for g in gaps])
                          .values_list("pk", "case_id"))
    case_ids = {case_id for _, case_id in rows} | {case_id for _, case_id in found_gaps}
    recompute_cases(case_ids)
    for pk, _ in found_gaps:
        gaps.pop(str(pk), None)
    if rows:
        seen = {pk for pk, _ in rows}
        for pk in range(cursor.watermark + 1, rows[-1][0]):
            if pk not in seen:
                gaps[str(pk)] = now.isoformat()
        cursor.watermark = rows[-1][0]
    cutoff = now - GAP_TTL
    gaps = {pk: t for pk, t in gaps.items() if datetime.fromisoformat(t) > cutoff}
    cursor.gaps = gaps
    cursor.updated_at = now
    cursor.save(update_fields=["watermark", "gaps", "updated_at"])
    return len(rows)


def rollups_refresh_all(*, batch: int = BATCH) -> int:
    total = 0
    while True:
        n = rollups_refresh(batch=batch)
        total += n
        if n < batch:
            return total


def _id_chunks(size: int) -> Iterator[list[int]]:
    """Case ids in ascending chunks, by key range (no cursor held open across the writes)."""
    last = 0
    while True:
        ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def rollups_rebuild(*, actor: Any = None, chunk: int = 2000, progress: Any = None) -> int:
    """Drop every rollup and recompute each case from the event log; returns cases read.

    `progress(n)` is called after each chunk (the command's tqdm bar). The refresh is held off
    by the cursor lock only per chunk, so new events during a long rebuild are not lost: the
    watermark is set first, rewound by REBUILD_REWIND, and the follower applies what came after
    (idempotently, over whatever the rebuild already wrote)."""
    with transaction.atomic():
        cursor = _locked_cursor()
        top = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        DailyRollup.objects.all().delete()
        CaseFact.objects.all().delete()
        OpenCase.objects.all().delete()
        cursor.watermark = max(0, top - REBUILD_REWIND)
        cursor.gaps = {}
        cursor.updated_at = clock.now()
        cursor.save(update_fields=["watermark", "gaps", "updated_at"])
        audit_record(actor=actor, verb="insights.rebuild", object_type="insights.dailyrollup",
                     data={"watermark": top})
    done = 0
    for ids_chunk in _id_chunks(chunk):
        with transaction.atomic():
            _locked_cursor()
            recompute_cases(ids_chunk)
        done += len(ids_chunk)
        if progress is not None:
            progress(len(ids_chunk))
    return done
