"""Open311 GeoReport v2 reads over a million cases, and the NYC 311 sample's import rate.

Builds the demo city in a file-backed SQLite database (or the PostgreSQL database named by
--database-url, created if missing), adds N generated cases with bulk SQL (executemany on SQLite,
COPY on PostgreSQL; every column the Case model has, model defaults for the ones not generated),
then sends GET /open311/v2/requests.json with a mix of filters through Django's test client and
prints p50/p99 per filter and overall. Then imports the first --import-rows rows of the NYC 311
sample with `import_open311_csv` and prints rows/s. A second run over the same database reuses
the cases (--fresh starts again).

    python bench/open311.py [--cases 1000000] [--requests 600] [--import-rows 500] [--fresh]
                            [--database-url postgres://postgres@127.0.0.1:5432/shiyu_bench_open311]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT.parent / "shared" / "data" / "nyc311" / "nyc311_2023-02-28_sample.csv"
BATCH = 20_000


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--requests", type=int, default=600, help="GET requests to time")
    p.add_argument("--import-rows", type=int, default=500, help="NYC sample rows to import (0: skip)")
    p.add_argument("--database-url", default="", help="default: SQLite in var/bench-open311/")
    p.add_argument("--fresh", action="store_true", help="drop the database and generate again")
    return p.parse_args()


def setup(args: argparse.Namespace) -> None:
    folder = ROOT / "var" / "bench-open311"
    folder.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{folder / 'open311.sqlite3'}"
    if args.fresh and url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            if args.fresh:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    os.environ.setdefault("SHIYU_DEMO", "1")
    os.environ.setdefault("SHIYU_VAR_DIR", tempfile.mkdtemp(prefix="shiyu-bench-open311-"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"database: {url}")


def city():
    from shiyu.geo.models import Area

    if not Area.objects.exists():
        from shiyu.demo.city import build_city

        build_city()
    from shiyu.accounts.models import Department
    from shiyu.cases.models import Category

    leaves = list(Category.objects.filter(level=3).order_by("code"))
    grids = list(Area.objects.filter(level="grid"))
    departments = list(Department.objects.all())
    return leaves, grids, departments


CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def code_for(n: int) -> str:
    out = []
    for _ in range(10):
        n, r = divmod(n, len(CODE_ALPHABET))
        out.append(CODE_ALPHABET[r])
    return "B" + "".join(out)[:9]  # unique per index; intake draws 10-character codes


def generate(n: int) -> float:
    """Add cases until there are n; returns seconds spent."""
    from django.db import connection, transaction
    from django.utils import timezone

    from shiyu.cases.models import Case

    have = Case.objects.count()
    if have >= n:
        print(f"{have:,} cases already there")
        return 0.0
    leaves, grids, departments = city()
    rnd = random.Random(311)
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    now = timezone.now()
    states = (["closed"] * 55 + ["replied"] * 8 + ["in_progress"] * 12 + ["dispatched"] * 8 +
              ["accepted"] * 5 + ["submitted"] * 6 + ["rejected"] * 3 + ["reopened"] * 2 + ["merged"] * 1)
    titles = ["路灯不亮", "夜间施工噪音", "占道经营", "物业服务差", "道路破损", "拖欠工资", "油烟扰民"]
    started = time.monotonic()
    start_index = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def row(i: int) -> list:
        submitted = now - timedelta(seconds=rnd.randrange(365 * 86400))
        state = rnd.choice(states)
        category = rnd.choice(leaves)
        values = dict(defaults)
        values.update({
            "code": code_for(start_index + i), "title": rnd.choice(titles), "body": "居民反映的问题，详见标题。",
            "kind": "complaint", "category_id": category.pk, "area_id": rnd.choice(grids).pk,
            "latitude": 30.4 + rnd.random() * 0.3, "longitude": 113.9 + rnd.random() * 0.4,
            "address": "解放路 12 号", "channel": rnd.choice(["web", "api", "open311", "hotline"]),
            "state": state, "submitted_at": submitted, "updated_at": submitted + timedelta(days=2),
            "reply_due_at": submitted + timedelta(days=21), "ack_due_at": submitted + timedelta(days=1),
            "lead_department_id": rnd.choice(departments).pk if state not in (
                "submitted", "accepted", "rejected", "merged") else None,
            "closed_at": submitted + timedelta(days=10) if state == "closed" else None,
            "reply_text": "已处理。" if state in ("closed", "replied") else "", "search_tokens": "",
        })
        return [f.get_db_prep_save(values[f.attname], connection) for f in fields]

    todo = n - have
    done = 0
    while done < todo:
        size = min(BATCH, todo - done)
        rows = [row(done + i) for i in range(size)]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
                with raw.copy(f"COPY cases_case ({', '.join(columns)}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO cases_case ({', '.join(columns)}) VALUES ({marks})", rows)
        done += size
        print(f"\r  generated {have + done:,} / {n:,} cases", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def mix(leaves) -> list[tuple[str, dict]]:
    from django.utils import timezone

    from shiyu.cases.models import Case

    rnd = random.Random(7)
    now = timezone.now()
    top = Case.objects.order_by("-id").values_list("id", flat=True).first() or 1
    kinds: list[tuple[str, dict]] = []

    def window() -> dict:
        end = now - timedelta(days=rnd.randrange(0, 300))
        return {"start_date": (end - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "end_date": end.strftime("%Y-%m-%dT%H:%M:%SZ")}

    for _ in range(10_000):
        kinds.append(rnd.choice([
            ("default (last 90 days)", {}),
            ("status=open", {"status": "open"}),
            ("status=closed", {"status": "closed"}),
            ("service_code", {"service_code": rnd.choice(leaves).code}),
            ("service_code x2 + status=open", {"service_code": f"{rnd.choice(leaves).code},{rnd.choice(leaves).code}",
                                               "status": "open"}),
            ("30-day window", window()),
            ("30-day window + service_code", {**window(), "service_code": rnd.choice(leaves).code}),
            ("page=20", {"page": "20"}),
            ("service_request_id x10", {"service_request_id": ",".join(
                str(rnd.randrange(1, top + 1)) for _ in range(10))}),
        ]))
    return kinds


def measure(requests: int, leaves) -> None:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    queries = mix(leaves)[:requests]
    for _name, params in queries[:20]:  # warm the process: reference caches, connection, imports
        client.get("/open311/v2/requests.json", params)
    from shiyu.open311 import selectors

    by_kind: dict[str, list[float]] = {}
    sql_by_kind: dict[str, list[float]] = {}
    sizes = []
    for name, params in queries:
        t = time.perf_counter()
        response = client.get("/open311/v2/requests.json", params)
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, (params, response.content[:200])
        sizes.append(len(response.json()))
        by_kind.setdefault(name, []).append(elapsed)
        # The same page's database read alone (the query and fetching its rows).
        query = selectors.parse_query(params)
        t = time.perf_counter()
        selectors.request_page(None, query)
        sql_by_kind.setdefault(name, []).append((time.perf_counter() - t) * 1000)
    every = sorted(x for xs in by_kind.values() for x in xs)
    sql_every = sorted(x for xs in sql_by_kind.values() for x in xs)

    def pct(xs: list[float], p: float) -> float:
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

    print(f"\nGET /open311/v2/requests.json: {len(every)} requests, mean {statistics.mean(sizes):.0f} "
          f"requests per answer (page_size 100)")
    print(f"  {'filter':<32} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'read p50':>9} {'read p99':>9}")
    for name, xs in sorted(by_kind.items()):
        ys = sql_by_kind[name]
        print(f"  {name:<32} {len(xs):>5} {pct(xs, 50):>8.1f} {pct(xs, 99):>8.1f} {pct(ys, 50):>9.1f} "
              f"{pct(ys, 99):>9.1f}")
    print(f"  {'all':<32} {len(every):>5} {pct(every, 50):>8.1f} {pct(every, 99):>8.1f} "
          f"{pct(sql_every, 50):>9.1f} {pct(sql_every, 99):>9.1f}")
    print("  (p50/p99: the whole request through Django's test client; read: the page's database read)")
    print(f"  load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def import_sample(rows: int) -> None:
    if rows <= 0:
        return
    if not SAMPLE.exists():
        print(f"\nNYC import: skipped ({SAMPLE} is absent)")
        return
    from django.core.management import call_command

    out = io.StringIO()
    try:
        call_command("import_open311_csv", str(SAMPLE), "--timezone", "America/New_York", "--limit", str(rows),
                     "--quiet", stdout=out, stderr=io.StringIO())
    except SystemExit:
        pass
    except Exception as exc:  # failed rows end the command with an error; the summary is printed first
        print(f"  ({exc})")
    print(f"\nNYC 311 sample import ({rows} rows): {out.getvalue().strip()}")


def main() -> None:
    args = parse()
    setup(args)
    leaves, _grids, _departments = city()
    spent = generate(args.cases)
    if spent:
        print(f"generated the cases in {spent:.0f} s")
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    measure(args.requests, leaves)
    import_sample(args.import_rows)


if __name__ == "__main__":
    main()
