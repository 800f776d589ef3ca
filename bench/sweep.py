"""The deadline sweep (supervision ladder) over many open cases: full first sweep, then incremental.

Builds a fresh database (a SQLite file in a temporary folder, or a PostgreSQL database it creates
and drops itself with --database-url), migrates it, builds the small test city (so reminders and
urges reach real handlers' inboxes), then inserts N open cases in bulk (one multi-row INSERT per
chunk through bulk_create; no per-case save): dispatched over the last weeks with reply limits of
3–15 working days, so at the first sweep some are overdue, some due soon, most on time.

Sweeps, each timed and printed:
1. full: every case is due for its first check (next_check_at = its dispatch);
2. incremental: the clock advanced by --advance working hours: only cases whose next threshold
   passed in between are read (the indexed next_check_at range);
3. idle: the same moment again: nothing is due, nothing is read.
Seconds per sweep (wall clock, and this process's CPU time: on a shared machine the wall clock
mostly measures the other load), cases read, cases changed (a ladder step taken) and time per
changed case.

    python bench/sweep.py [--cases 1000000] [--advance 1.0]
                          [--database-url postgres://postgres@127.0.0.1:5432/shiyu_bench_sweep]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 20_000


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def _setup(database_url: str | None, folder: str) -> str | None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.bench", SHIYU_VAR_DIR=folder,
                      SHIYU_TASKS="immediate")
    dbname = None
    if database_url:
        dbname = urlsplit(database_url).path.lstrip("/")
        _pg_admin(database_url, f'DROP DATABASE IF EXISTS "{dbname}"')
        _pg_admin(database_url, f'CREATE DATABASE "{dbname}"')
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/sweep.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return dbname


def _generate(n: int, now, rng: random.Random) -> None:
    """N open cases by executemany over every column (bulk_create's per-value preparation would
    take longer than the sweep being measured)."""
    from django.db import connection, transaction

    from shiyu.cases.models import Case
    from shiyu.core import workcal
    from shiyu.demo.city import build_city

    city = build_city(small=True)
    grids = [a.pk for a in city.grids]
    units = [city.departments[c].pk for c in ("HBJ", "CGJ")]
    category = city.leaf_categories[0].pk
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    constant = {f.column: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    constant.update(title="小区门口占道经营", body="每天傍晚有摊贩占用人行道。", category_id=category, version=3)
    table = connection.ops.quote_name(Case._meta.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    adapt = connection.ops.adapt_datetimefield_value
    # Dispatch instants spread over the last 15 working days, one a working minute (6,300 of them),
    # with their deadlines worked out once: the calendar is not what this measures.
    span = int(workcal.working_hours_between(workcal.add_working_days(now, -15), now) * 60)
    pool = []
    for minute in range(span):
        dispatched = workcal.add_working_hours(now, -minute / 60)
        pool.append((adapt(dispatched), adapt(workcal.add_working_hours(dispatched, 24)),
                     {d: adapt(workcal.add_working_days(dispatched, d)) for d in (3, 5, 10, 15)}))
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    made = 0
    while made < n:
        rows = []
        for _ in range(min(CHUNK, n - made)):
            at, ack_due, reply_due = rng.choice(pool)
            days = rng.choice((3, 5, 10, 15))
            acknowledged = rng.random() < 0.8
            row = dict(constant)
            row.update(code="".join(rng.choices(alphabet, k=10)), area_id=rng.choice(grids),
                       lead_department_id=rng.choice(units),
                       state="in_progress" if acknowledged else "dispatched",
                       submitted_at=at, accepted_at=at, dispatched_at=at, updated_at=at, next_check_at=at,
                       acknowledged_at=at if acknowledged else None, ack_due_at=ack_due,
                       reply_due_at=reply_due[days], reply_limit_days=days)
            rows.append(tuple(row[c] for c in columns))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        made += len(rows)
        print(f"  generated {made:,} cases", end="\r", flush=True)
    print()


def _sweep(label: str, moment) -> tuple[float, int, int]:
    from shiyu.cases.services.ladder import sweep
    from shiyu.core import clock

    with clock.frozen_at(moment):
        started, cpu = time.perf_counter(), time.process_time()
        result = sweep()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    per = f"{seconds / result.changed * 1e6:,.0f} µs" if result.changed else "—"
    per_cpu = f"{cpu / result.changed * 1e6:,.0f} µs" if result.changed else "—"
    print(f"{label:<12} wall {seconds:8.2f} s  cpu {cpu:8.2f} s  read {result.checked:>9,}  "
          f"changed {result.changed:>9,}  per changed case: wall {per}, cpu {per_cpu}  "
          f"events {dict(sorted(result.events.items()))}", flush=True)
    return seconds, result.checked, result.changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--advance", type=float, default=1.0, help="working hours between sweeps 1 and 2")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="shiyu-bench-sweep-")
    dbname = None
    try:
        dbname = _setup(args.database_url, folder)
        from django.db import connection

        from shiyu.core import clock, workcal

        now = workcal.next_working_instant(clock.now())
        print(f"database: {connection.vendor}; {args.cases:,} open cases; sweep at {now.isoformat()}")
        started = time.perf_counter()
        _generate(args.cases, now, random.Random(args.seed))
        print(f"generation: {time.perf_counter() - started:.1f} s")
        _sweep("full", now)
        later = workcal.add_working_hours(now, args.advance)
        _sweep("incremental", later)
        _sweep("idle", later)
        _sweep("next day", later + timedelta(days=1))
    finally:
        if dbname:
            from django.db import connections

            connections.close_all()
            _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{dbname}"')
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
