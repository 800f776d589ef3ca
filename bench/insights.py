"""The leaders' dashboard's queries: from the rollups against GROUP BY over the case table.

Builds a fresh file-backed database (a SQLite file in a temporary folder, or with --pg a PostgreSQL
database it creates and drops itself), migrates it, builds the full demo city, then:

1. generates N cases (default 10,000,000) over --days days ending today, by executemany over every
   column (the bulk path; SQLite's full-text triggers are dropped for the load, a benchmark
   database searches nothing): kinds, channels, grids and leaf categories drawn with realistic
   skews; 5% rejected, 20% of the rest answered on first contact, the others dispatched to the
   category's unit, acknowledged, replied and closed after random delays (those still in the
   future stay open), some late, 5% reopened once, follow-ups 85% satisfied.
2. builds the rollups from the case table in SQL (INSERT … SELECT … GROUP BY, every grain). The
   synthetic cases have no events, so here a rating is taken at the close and working hours
   are approximated as a third of the calendar hours, in both the rollups and the GROUP BY:
   the two sides then compute the same figures, which the bench checks before timing.
3. times the dashboard's queries, each on varied periods, p50/p95 over --reps runs from the
   rollups (through the app's own selectors) and over --group-reps runs by GROUP BY over the
   case table: city totals (30 days), per unit (30 days), per day (30 days + same period last
   year), one district (30 days), per category (365 days), one unit per area (30 days).
4. measures the cost of keeping the rollups current: --live cases submitted through the case
   service, accepted, dispatched, then `rollups_refresh_all()` timed, per case and per event.

    python bench/insights.py [--cases 10000000] [--days 1095] [--reps 30] [--group-reps 5]
                             [--pg [postgres://postgres@127.0.0.1:5432/shiyu_bench_insights]]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 20_000
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/shiyu_bench_insights"
KINDS = [("complaint", 45), ("help", 20), ("inquiry", 20), ("suggestion", 8), ("report", 5), ("praise", 2)]
CHANNELS = [("hotline", 60), ("web", 25), ("api", 6), ("open311", 3), ("import", 4), ("reception", 2)]


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def _setup(database_url: str | None, folder: str, *, reuse: bool = False) -> str | None:
    sys.path.insert(0, str(ROOT))
    # db: the enqueue after each event is a queue row, as in production (the bench runs no worker
    # and times the refresh itself).
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.bench", SHIYU_VAR_DIR=folder, SHIYU_TASKS="db")
    dbname = None
    if database_url:
        dbname = urlsplit(database_url).path.lstrip("/")
        if not reuse:
            _pg_admin(database_url, f'DROP DATABASE IF EXISTS "{dbname}"')
            _pg_admin(database_url, f'CREATE DATABASE "{dbname}"')
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/insights.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    # A kept database (--reuse) gets the migrations added since it was made.
    call_command("migrate", verbosity=0)
    import shiyu.insights.dashboard  # noqa: F401  (everything imported before the long load)
    return dbname


def _existing_city():
    """The demo city of a kept database (--reuse)."""
    from types import SimpleNamespace

    from shiyu.accounts.models import Department, User
    from shiyu.geo.models import Area

    return SimpleNamespace(
        districts=list(Area.objects.filter(level="district").order_by("pk")),
        grids=list(Area.objects.filter(level="grid").order_by("pk")),
        departments={d.code: d for d in Department.objects.all()},
        users={u.username: u for u in User.objects.filter(username__in=(
            "leader", "unithead", "operator", "dispatcher"))})


def _weighted(rng: random.Random, pairs: list[tuple[str, int]], k: int) -> list[str]:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs], k=k)


def _generate(n: int, days: int, rng: random.Random) -> dict:
    """Vectorised by chunk (numpy draws every column of CHUNK cases at once): a row at a time in
    Python made 10 M cases take most of an hour on a shared machine. PostgreSQL loads by COPY."""
    import numpy as np
    from django.db import connection, transaction

    from shiyu.cases.models import Case
    from shiyu.core import clock
    from shiyu.demo.city import build_city

    city = build_city(small=False)
    grids = np.array([a.pk for a in city.grids])
    leaves = [c for c in city.categories.values() if c.level == 3] or list(city.categories.values())
    leaf_ids = np.array([c.pk for c in leaves])
    leaf_unit = np.array([(c.default_department_id or (c.parent.default_department_id if c.parent else None)) or 0
                          for c in leaves])
    cat_weights = np.array([rng.paretovariate(1.2) for _ in leaves])  # a few categories carry most cases
    pg = connection.vendor == "postgresql"
    if not pg:
        with connection.cursor() as cursor:
            for name in ("cases_case_fts_ai", "cases_case_fts_ad", "cases_case_fts_au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("PRAGMA cache_size = -524288")  # 512 MB: the load, not the disk, is measured
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    constant = {f.column: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    constant.update(title="小区门口占道经营", body="每天傍晚有摊贩占用人行道。")
    table = connection.ops.quote_name(Case._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
    now = clock.now()
    us = np.int64(1_000_000)
    now_us = np.int64(int(now.timestamp() * 1_000_000))
    first_us = now_us - np.int64(days) * 86_400 * us
    hour = 3600 * us
    gen = np.random.default_rng(rng.randrange(2**32))
    # Submission instants in time order (later days a little busier: a growing city), so the
    # case table's date indexes grow at their end as in real life instead of taking random inserts.
    offsets = np.sort(gen.random(n) ** 0.9) * float(now_us - first_us)
    kinds_p = np.array([w for _, w in KINDS], dtype=float)
    chans_p = np.array([w for _, w in CHANNELS], dtype=float)
    sat_values = np.array(["satisfied", "unsatisfied", "unreachable"], dtype=object)

    def text(value) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if hasattr(value, "obj"):  # a JSON wrapper
            import json

            value = json.dumps(value.obj, ensure_ascii=False)
        return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    def stamps(values, mask):
        """Datetime column: strings where mask, else NULL."""
        out = np.datetime_as_string(values.astype("datetime64[us]"), unit="us").astype(object)
        out = out + "+00:00" if pg else np.char.replace(out.astype(str), "T", " ").astype(object)
        out[~mask] = None
        return out

    def uniform(lo, hi, k):
        return (gen.uniform(lo, hi, k) * hour).astype(np.int64)

    made = 0
    started = time.perf_counter()
    while made < n:
        k = min(CHUNK, n - made)
        sub = np.minimum(first_us + offsets[made:made + k].astype(np.int64), now_us - us)
        kinds = np.array([p[0] for p in KINDS], dtype=object)[gen.choice(len(KINDS), k, p=kinds_p / kinds_p.sum())]
        chans = np.array([p[0] for p in CHANNELS], dtype=object)[gen.choice(len(CHANNELS), k,
                                                                           p=chans_p / chans_p.sum())]
        ci = gen.choice(len(leaves), k, p=cat_weights / cat_weights.sum())
        area = grids[gen.integers(0, len(grids), k)]
        acc = sub + uniform(0.1, 4, k)
        rejected = gen.random(k) < 0.05
        state = np.full(k, "submitted", dtype=object)
        state[rejected & (acc <= now_us)] = "rejected"
        accepted = ~rejected & (acc <= now_us)
        state[accepted] = "accepted"
        fc = accepted & (gen.random(k) < 0.2)
        disp_path = accepted & ~fc
        # First contact: answered, then closed after the follow-up.
        fc_rep = acc + uniform(0.05, 1, k)
        fc_close = fc_rep + uniform(2, 72, k)
        # Dispatched to the category's unit, acknowledged, replied, closed.
        disp = acc + uniform(0.1, 8, k)
        ack = disp + uniform(0.2, 40, k)
        d_rep = disp + uniform(4, 24 * 25, k)
        d_close = d_rep + uniform(4, 24 * 4, k)
        dispatched = disp_path & (disp <= now_us)
        acked = dispatched & (ack <= now_us)
        d_replied = dispatched & (d_rep <= now_us) & (ack <= d_rep)
        d_closed = dispatched & (d_close <= now_us) & (ack <= d_rep)
        f_replied = fc & (fc_rep <= now_us)
        f_closed = fc & (fc_close <= now_us)
        state[dispatched] = "dispatched"
        state[acked] = "in_progress"
        state[d_replied | f_replied] = "replied"
        closed = d_closed | f_closed
        state[closed] = "closed"
        replied_at = np.where(fc, fc_rep, d_rep)
        closed_at = np.where(fc, fc_close, d_close)
        reopen = np.where(d_closed & (gen.random(k) < 0.05), 1, 0)
        sat = sat_values[gen.choice(3, k, p=[0.85, 0.10, 0.05])]
        sat[~closed] = ""
        unit = leaf_unit[ci].astype(object)
        unit[~dispatched | (unit == 0)] = None
        cols = {
            "code": [f"B{i:015d}" for i in range(made, made + k)],
            "kind": kinds, "channel": chans, "area_id": area, "category_id": leaf_ids[ci],
            "submitted_at": stamps(sub, np.ones(k, bool)), "updated_at": stamps(sub, np.ones(k, bool)),
            "state": state, "accepted_at": stamps(acc, accepted),
            "replied_at": stamps(replied_at, d_replied | f_replied), "first_contact": f_replied,
            "closed_at": stamps(closed_at, closed), "satisfaction": sat, "reopen_count": reopen,
            "dispatched_at": stamps(disp, dispatched), "lead_department_id": unit,
            "ack_due_at": stamps(disp + 24 * hour, dispatched),
            "reply_due_at": stamps(disp + 15 * 24 * hour, dispatched),
            "acknowledged_at": stamps(ack, acked),
        }
        if pg:
            for name in ("first_contact",):
                cols[name] = np.where(cols[name], "t", "f")
            parts = [(cols[c].tolist() if hasattr(cols[c], "tolist") else cols[c]) if c in cols else None
                     for c in columns]
            parts = [[text(v) for v in p] if p is not None and c not in ("code", "kind", "channel", "state",
                                                                         "satisfaction") else p
                     for c, p in zip(columns, parts, strict=True)]
            fixed = {c: text(constant[c]) for c in columns}
            rows = zip(*[p if p is not None else [fixed[c]] * k for c, p in zip(columns, parts, strict=True)],
                       strict=True)
            block = "".join("\t".join(map(str, r)) + "\n" for r in rows)
            with (transaction.atomic(), connection.cursor() as cursor,
                  cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy):
                copy.write(block)
        else:
            parts = []
            for c in columns:
                if c in cols:
                    v = cols[c]
                    parts.append(v.tolist() if hasattr(v, "tolist") else v)
                else:
                    parts.append([constant[c]] * k)
            parts = [[bool(x) for x in p] if c == "first_contact" else p for c, p in zip(columns, parts, strict=True)]
            rows = list(zip(*parts, strict=True))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        made += k
        rate = made / (time.perf_counter() - started)
        print(f"  generated {made:,} cases ({rate:,.0f}/s)", end="\r", flush=True)
    print()
    return {"city": city, "now": now}


# --- SQL over the case table (the GROUP BY side, and the rollup load) --------------------------

def _dialect():
    from django.db import connection

    if connection.vendor == "postgresql":
        day = "(({c}) AT TIME ZONE 'Asia/Shanghai')::date"
        hours = "(EXTRACT(EPOCH FROM ({b}) - ({a})) / 3600.0 / 3.0)"
    else:
        day = "date({c}, '+8 hours')"
        hours = "((julianday({b}) - julianday({a})) * 24.0 / 3.0)"
    return (lambda c: day.format(c=c)), (lambda a, b: hours.format(a=a, b=b))


def _hist_sql(hours: str) -> list[str]:
    from shiyu.insights.metrics import HIST, HIST_EDGES

    out = []
    for i, name in enumerate(HIST):
        low = HIST_EDGES[i - 1] if i else None
        high = HIST_EDGES[i] if i < len(HIST_EDGES) else None
        cond = " AND ".join(filter(None, [f"{hours} > {low}" if low is not None else "",
                                          f"{hours} <= {high}" if high is not None else ""]))
        out.append(f"CASE WHEN {cond} THEN 1 ELSE 0 END AS {name}")
    return out


def _events_sql() -> str:
    """One row per contribution (submitted, accepted, acknowledged, closed) of every case."""
    from shiyu.insights.metrics import HIST, SUMS

    day, hours = _dialect()
    dims = ("COALESCE(area_id, 0) AS area_id, COALESCE(category_id, 0) AS category_id, "
            "COALESCE(lead_department_id, 0) AS department_id, kind, channel")

    def select(day_col: str, values: dict[str, str], where: str) -> str:
        cols = ", ".join(f"{values.get(name, '0')} AS {name}" for name in SUMS if name not in HIST)
        hist = ", ".join(values.get(name, f"0 AS {name}") for name in HIST)
        return f"SELECT {day(day_col)} AS day, {dims}, {cols}, {hist} FROM cases_case WHERE {where}"

    close_h = hours("submitted_at", "closed_at")
    hist = dict(zip(HIST, _hist_sql(close_h), strict=True))
    parts = [
        select("submitted_at", {"intake": "1"}, "1=1"),
        select("accepted_at", {"accepted": "1"}, "accepted_at IS NOT NULL"),
        select("acknowledged_at", {"acknowledged": "1", "ack_on_time":
                                   "CASE WHEN ack_due_at IS NULL OR acknowledged_at <= ack_due_at THEN 1 ELSE 0 END"},
               "acknowledged_at IS NOT NULL"),
        select("closed_at", {
            "completed": "1",
            "completed_on_time": "CASE WHEN first_contact OR reply_due_at IS NULL OR replied_at <= reply_due_at "
                                 "THEN 1 ELSE 0 END",
            "redone": "CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END",
            "first_contact": "CASE WHEN first_contact THEN 1 ELSE 0 END",
            "rated": "CASE WHEN satisfaction IN ('satisfied', 'unsatisfied') THEN 1 ELSE 0 END",
            "satisfied": "CASE WHEN satisfaction = 'satisfied' THEN 1 ELSE 0 END",
            "close_hours": close_h, **hist}, "state = 'closed' AND closed_at IS NOT NULL"),
    ]
    return " UNION ALL ".join(parts)


def _load_rollups() -> None:
    from django.db import connection, transaction

    from shiyu.insights.metrics import GRAINS, SUMS

    sums = ", ".join(f"SUM({name})" for name in SUMS)
    names = ", ".join(SUMS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO insights_dailyrollup (grain, day, area_id, category_id, department_id, kind, "
                       f"channel, {names}) SELECT 0, day, area_id, category_id, department_id, kind, channel, "
                       f"{sums} FROM ({_events_sql()}) e GROUP BY day, area_id, category_id, department_id, "
                       f"kind, channel")
        for grain, dims in GRAINS.items():
            if grain == 0:
                continue
            cols = [f"{d}_id" if d in dims else "0" for d in ("area", "category", "department")]
            group = ", ".join(["day"] + [f"{d}_id" for d in ("area", "category", "department") if d in dims])
            cursor.execute(f"INSERT INTO insights_dailyrollup (grain, day, area_id, category_id, department_id, "
                           f"kind, channel, {names}) SELECT {grain}, day, {', '.join(cols)}, '', '', {sums} "
                           f"FROM insights_dailyrollup WHERE grain = 0 GROUP BY {group}")
        _load_open(cursor)
    _analyze("")


def _analyze(table: str = "insights_opencase") -> None:
    """Statistics for the planner, and on PostgreSQL the visibility map that lets a count be read
    from an index alone (autovacuum does both in production, minutes after a bulk load)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE insights_opencase")
        cursor.execute(f"ANALYZE {table}")


def _load_open(cursor) -> None:
    """The open cases with the instant each becomes overdue (metrics.overdue_at, in SQL)."""
    from shiyu.insights.metrics import OPEN

    states = ", ".join(f"'{s}'" for s in sorted(OPEN))
    cursor.execute("DELETE FROM insights_opencase")
    cursor.execute(
        "INSERT INTO insights_opencase (case_id, area_id, category_id, department_id, kind, channel, overdue_at) "
        "SELECT id, COALESCE(area_id, 0), COALESCE(category_id, 0), COALESCE(lead_department_id, 0), kind, "
        "channel, CASE WHEN paused_at IS NOT NULL OR state NOT IN ('dispatched', 'in_progress') THEN NULL "
        "WHEN state = 'dispatched' AND acknowledged_at IS NULL AND ack_due_at IS NOT NULL "
        "AND (reply_due_at IS NULL OR ack_due_at < reply_due_at) THEN ack_due_at ELSE reply_due_at END "
        f"FROM cases_case WHERE state IN ({states})")


def _group_by_sql(where_extra: str, group: str | None, start: date, end: date) -> tuple[str, list]:
    """The flow figures straight from the case table, optionally per `group` (an SQL expression)."""
    from django.db import connection

    day, hours = _dialect()
    close_h = hours("submitted_at", "closed_at")

    def within(col: str) -> str:
        return f"({day(col)} BETWEEN %s AND %s)"

    adapt = connection.ops.adapt_datefield_value
    s, e = adapt(start), adapt(end)
    figures = [
        f"SUM(CASE WHEN {within('submitted_at')} THEN 1 ELSE 0 END) AS intake",
        f"SUM(CASE WHEN {within('accepted_at')} THEN 1 ELSE 0 END) AS accepted",
        f"SUM(CASE WHEN {within('acknowledged_at')} THEN 1 ELSE 0 END) AS acknowledged",
        f"SUM(CASE WHEN {within('acknowledged_at')} AND (ack_due_at IS NULL OR acknowledged_at <= ack_due_at) "
        f"THEN 1 ELSE 0 END) AS ack_on_time",
        f"SUM(CASE WHEN state = 'closed' AND {within('closed_at')} THEN 1 ELSE 0 END) AS completed",
        f"SUM(CASE WHEN state = 'closed' AND {within('closed_at')} AND (first_contact OR reply_due_at IS NULL "
        f"OR replied_at <= reply_due_at) THEN 1 ELSE 0 END) AS completed_on_time",
        f"SUM(CASE WHEN state = 'closed' AND {within('closed_at')} AND satisfaction IN ('satisfied', "
        f"'unsatisfied') THEN 1 ELSE 0 END) AS rated",
        f"SUM(CASE WHEN state = 'closed' AND {within('closed_at')} AND satisfaction = 'satisfied' THEN 1 ELSE 0 "
        f"END) AS satisfied",
        f"SUM(CASE WHEN state = 'closed' AND {within('closed_at')} AND reopen_count > 0 THEN 1 ELSE 0 END) AS redone",
        f"SUM(CASE WHEN state = 'closed' AND {within('closed_at')} THEN {close_h} ELSE 0 END) AS close_hours",
    ]
    # Any of the four dates in the period: the case table has no single index for that.
    where = (f"({within('submitted_at')} OR {within('accepted_at')} OR {within('acknowledged_at')} "
             f"OR {within('closed_at')}){where_extra}")
    select = f"{group} AS g, " if group else ""
    sql = f"SELECT {select}{', '.join(figures)} FROM cases_case c WHERE {where}"
    if group:
        sql += f" GROUP BY {group}"
    return sql, [s, e] * (sql.count("%s") // 2)


def _run_sql(sql: str, params: list) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _pcts(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _queries(city, today: date) -> list[tuple[str, object, object]]:
    """(name, rollup query(end), GROUP BY query(end)) for the dashboard's figures."""
    from django.db.models import Sum

    from shiyu.insights import selectors
    from shiyu.insights.dashboard import year_before
    from shiyu.insights.selectors import SUM_EXPR, MetricFilter, rollup_rows

    district = city.districts[0]
    unit = city.departments["CGJ"]

    def f(end: date, days: int = 30, **kw) -> MetricFilter:
        return MetricFilter(start=end - timedelta(days=days - 1), end=end, **kw)

    def roll_totals(end):
        return rollup_rows(f(end)).aggregate(**SUM_EXPR)

    def roll_units(end):
        return list(rollup_rows(f(end), group=("department",)).values("department_id").annotate(**SUM_EXPR))

    def roll_days(end):
        this = list(rollup_rows(f(end)).values("day").annotate(n=Sum("intake"), c=Sum("completed")))
        ff = f(end)
        last = list(rollup_rows(MetricFilter(start=year_before(ff.start), end=year_before(ff.end)))
                    .values("day").annotate(n=Sum("intake")))
        return this, last

    def roll_district(end):
        return rollup_rows(f(end, area_id=district.pk)).aggregate(**SUM_EXPR)

    def roll_categories(end):
        return list(rollup_rows(f(end, 365), group=("category",)).values("category_id").annotate(**SUM_EXPR))

    def roll_unit_areas(end):
        return list(rollup_rows(f(end, department_id=unit.pk), group=("area",)).values("area_id")
                    .annotate(**SUM_EXPR))

    dpath = district.path

    def grp(extra: str, group: str | None, days: int = 30):
        def run(end):
            sql, params = _group_by_sql(extra, group, end - timedelta(days=days - 1), end)
            return _run_sql(sql, params)
        return run

    def grp_days(end):
        day, _ = _dialect()
        start = end - timedelta(days=29)
        from django.db import connection

        adapt = connection.ops.adapt_datefield_value
        out = []
        for s, e in ((start, end), (year_before(start), year_before(end))):
            out.append(_run_sql(f"SELECT {day('submitted_at')} AS d, COUNT(*) FROM cases_case WHERE "
                                f"{day('submitted_at')} BETWEEN %s AND %s GROUP BY d", [adapt(s), adapt(e)]))
        return out

    area_in = f" AND c.area_id IN (SELECT id FROM geo_area WHERE path LIKE '{dpath}%%')"
    unit_in = f" AND c.lead_department_id = {int(unit.pk)}"
    del selectors
    return [
        ("city totals, 30 days", roll_totals, grp("", None)),
        ("per unit, 30 days", roll_units, grp("", "lead_department_id")),
        ("per day + last year, 30 days", roll_days, grp_days),
        ("one district, 30 days", roll_district, grp(area_in, None)),
        ("per category, 365 days", roll_categories, grp("", "category_id", 365)),
        ("one unit per area, 30 days", roll_unit_areas, grp(unit_in, "area_id")),
    ]


def _whole_page(city, today: date, reps: int) -> None:
    """Everything the leaders' dashboard computes for one view (rollups, plus the point-in-time
    backlog and overdue counts over the open cases, which a view reuses for ten seconds), for a
    leader and for a unit head, views a week apart."""
    from shiyu.insights.dashboard import dashboard_data
    from shiyu.insights.selectors import MetricFilter

    # Once untimed: the first call of a process imports what it needs (a server pays that once).
    dashboard_data(actor=city.users["leader"], f=MetricFilter(start=today - timedelta(days=29), end=today))
    for role in ("leader", "unithead"):
        times = []
        cpu = []
        for i in range(max(3, reps // 3)):
            end = today - timedelta(days=7 * i)
            t, c = time.perf_counter(), time.process_time()
            dashboard_data(actor=city.users[role], f=MetricFilter(start=end - timedelta(days=29), end=end))
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        p50, p95 = _pcts(times)
        c50, c95 = _pcts(cpu)
        print(f"whole dashboard ({role}): p50 {p50:.0f} ms, p95 {p95:.0f} ms (CPU p50 {c50:.0f}, "
              f"p95 {c95:.0f} ms; the first view counts the backlog, the next reuse it for 10 s)")


def _check_same(today: date) -> None:
    """The rollups and the GROUP BY agree on the city's 30-day counts."""
    from shiyu.insights.selectors import SUM_EXPR, MetricFilter, rollup_rows

    f = MetricFilter(start=today - timedelta(days=29), end=today)
    roll = rollup_rows(f).aggregate(**SUM_EXPR)
    sql, params = _group_by_sql("", None, f.start, f.end)
    row = _run_sql(sql, params)[0]
    names = ("intake", "accepted", "acknowledged", "ack_on_time", "completed", "completed_on_time", "rated",
             "satisfied", "redone")
    for i, name in enumerate(names):
        if int(roll[name] or 0) != int(row[i] or 0):
            raise SystemExit(f"rollups and GROUP BY disagree on {name}: {roll[name]} vs {row[i]}")
    print(f"  check: rollups = GROUP BY on {', '.join(names)} (city, 30 days: intake {roll['intake']:,})")
    from shiyu.cases.models import Case
    from shiyu.cases.selectors import overdue_q
    from shiyu.insights.metrics import OPEN
    from shiyu.insights.selectors import point_figures

    points = point_figures(f)
    open_now = Case.objects.filter(state__in=sorted(OPEN))
    brute = {"backlog": open_now.count(), "overdue": open_now.filter(overdue_q()).count()}
    if points != brute:
        raise SystemExit(f"open cases and the case table disagree: {points} vs {brute}")
    print(f"  check: backlog {brute['backlog']:,}, overdue {brute['overdue']:,} = the case table's counts")


def _live_cost(city, n: int) -> None:
    """Submit, accept and dispatch `n` cases through the services, then time the refresh."""
    from shiyu.cases import services as cases
    from shiyu.cases.services import CaseInput
    from shiyu.insights.models import RollupCursor
    from shiyu.insights.services import rollups_refresh_all

    RollupCursor.objects.update_or_create(name="rollups", defaults={"watermark": 0, "gaps": {}})
    rollups_refresh_all()
    op, disp = city.users["operator"], city.users["dispatcher"]
    unit = city.departments["CGJ"]
    started = time.perf_counter()
    for i in range(n):
        case = cases.case_submit(actor=None, data=CaseInput(
            title=f"路灯不亮{i}", body="滨江路一段路灯不亮。", category="C010302", area=city.grids[i % len(city.grids)].pk))
        cases.case_accept(actor=op, case_id=case.pk)
        cases.case_dispatch(actor=disp, case_id=case.pk, lead_department=unit)
    writes = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    events = rollups_refresh_all()
    spent, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    idle = rollups_refresh_all()
    idle_spent = time.perf_counter() - started
    print(f"  {n} cases submitted, accepted, dispatched in {writes:.2f} s ({events} events)")
    print(f"  refresh: {spent * 1000:.0f} ms = {spent / n * 1000:.2f} ms per case, "
          f"{spent / max(events, 1) * 1000:.2f} ms per event (CPU {cpu / n * 1000:.2f} ms per case); "
          f"idle refresh {idle_spent * 1000:.1f} ms ({idle} events)")
    # One refresh per event batch, as the follower does at intake speed: ten cases a step.
    for i in range(n // 10):
        for j in range(10):
            cases.case_submit(actor=None, data=CaseInput(title=f"井盖缺失{i}-{j}", body="路口井盖缺失。",
                                                         category="C010301", area=city.grids[j].pk))
    started = time.perf_counter()
    steps = 0
    while True:
        from shiyu.insights.services import rollups_refresh

        got = rollups_refresh(batch=10)
        steps += 1
        if got < 10:
            break
    spent = time.perf_counter() - started
    print(f"  refresh in steps of 10 events: {spent / max(steps, 1) * 1000:.1f} ms per step, "
          f"{spent / max(n // 10 * 10, 1) * 1000:.2f} ms per case")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=1095, help="days of history (default three years)")
    parser.add_argument("--reps", type=int, default=30, help="runs per rollup query")
    parser.add_argument("--group-reps", type=int, default=5, help="runs per GROUP BY query")
    parser.add_argument("--live", type=int, default=200, help="cases for the refresh cost")
    parser.add_argument("--pg", nargs="?", const=DEFAULT_PG, default=None, metavar="DATABASE_URL",
                        help=f"PostgreSQL (default {DEFAULT_PG}); created and dropped")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite folder / PostgreSQL database")
    parser.add_argument("--reuse", metavar="FOLDER", default=None,
                        help="time the queries again on a kept database (the SQLite folder printed by --keep; "
                             "with --pg the kept database) instead of generating one")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    reuse = args.reuse is not None
    folder = args.reuse if reuse and not args.pg else tempfile.mkdtemp(prefix="shiyu-bench-insights-")
    if reuse:
        args.keep = True
    dbname = None
    try:
        dbname = _setup(args.pg, folder, reuse=reuse)
        from django.db import connection

        rng = random.Random(args.seed)
        if reuse:
            from shiyu.cases.models import Case
            from shiyu.core import clock

            print(f"database: {connection.vendor} (kept); {Case.objects.count():,} cases")
            from shiyu.insights.services import rollups_refresh_all

            rollups_refresh_all()  # events written since it was kept (an earlier run's live cases)
            _analyze()  # the open cases a migration may just have filled
            made = {"city": _existing_city(), "now": clock.now()}
            t0 = t1 = t2 = time.perf_counter()
        else:
            print(f"database: {connection.vendor}; {args.cases:,} cases over {args.days} days")
            t0 = time.perf_counter()
            made = _generate(args.cases, args.days, rng)
            t1 = time.perf_counter()
            _load_rollups()
            t2 = time.perf_counter()
        from shiyu.insights.metrics import GRAINS
        from shiyu.insights.models import DailyRollup

        counts = {g: DailyRollup.objects.filter(grain=g).count() for g in GRAINS}
        print(f"  load {t1 - t0:.0f} s; rollups built in SQL in {t2 - t1:.0f} s; rows per grain: "
              + ", ".join(f"{g}:{n:,}" for g, n in counts.items()))
        from shiyu.insights.metrics import local_day

        today = local_day(made["now"])
        _check_same(today)
        # CPU: this process's time (for SQLite that includes the database's work; for PostgreSQL
        # the server's is not in it). The machine is shared: the load average is printed too.
        print(f"\nload average {os.getloadavg()[0]:.1f}")
        print(f"\n{'query':32} {'rollups p50/p95 ms':>20} {'CPU p50':>8} {'GROUP BY p50/p95 ms':>22} "
              f"{'speed-up':>9}")
        qrng = random.Random(1)
        worst_p95, ratios = 0.0, []
        for name, roll, group in _queries(made["city"], today):
            ends = [today - timedelta(days=qrng.randint(0, 300)) for _ in range(max(args.reps, args.group_reps))]
            roll_times, roll_cpu, group_times = [], [], []
            for end in ends[:args.reps]:
                t, c = time.perf_counter(), time.process_time()
                roll(end)
                roll_times.append(time.perf_counter() - t)
                roll_cpu.append(time.process_time() - c)
            for end in ends[:args.group_reps]:
                t = time.perf_counter()
                group(end)
                group_times.append(time.perf_counter() - t)
            r50, r95 = _pcts(roll_times)
            c50 = statistics.median(roll_cpu) * 1000
            worst_p95 = max(worst_p95, r95)
            if group_times:  # --group-reps 0 times the rollups only (a re-run on a kept database)
                g50, g95 = _pcts(group_times)
                ratios.append(g50 / r50 if r50 else float("inf"))
                print(f"{name:32} {r50:9.1f} / {r95:8.1f} {c50:8.1f} {g50:11.1f} / {g95:8.1f} {g50 / r50:8.0f}×")
            else:
                print(f"{name:32} {r50:9.1f} / {r95:8.1f} {c50:8.1f} {'-':>22} {'-':>9}")
        print(f"\nrollups: worst p95 {worst_p95:.1f} ms (target < 300 ms)" + (
            f"; speed-up over GROUP BY min {min(ratios):.0f}×, median {statistics.median(ratios):.0f}× "
            f"(target ≥ 20×)" if ratios else ""))
        _whole_page(made["city"], today, args.reps)
        print("\ncost of keeping the rollups current:")
        _live_cost(made["city"], args.live)
    finally:
        from django.db import connections

        connections.close_all()
        if dbname and not args.keep:
            _pg_admin(args.pg, f'DROP DATABASE IF EXISTS "{dbname}"')
        if args.keep:
            print(f"kept: {dbname or folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
