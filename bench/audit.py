"""The audit hash chain and backups: what sealing costs a write, how fast the chain is verified,
how long a backup and a restore take.

Builds a fresh database (a SQLite file in a temporary folder, or a PostgreSQL database it creates
and drops itself with --database-url) and prints:
1. audit writes, one row per transaction: sealed after each commit (the real path) against the
   same writes with sealing switched off (rows/s each, and the difference per write);
2. the same with --threads writers at once (rows/s; the chain verified afterwards);
3. sealing --rows rows inserted in bulk, then `audit verify` over the whole chain (rows/s);
4. `shiyu backup` and `shiyu restore` of that database into a fresh one (seconds, size).

    python bench/audit.py [--writes 2000] [--threads 2] [--rows 100000]
                          [--database-url postgres://postgres@127.0.0.1:5432/shiyu_bench_audit]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def _setup(database_url: str | None, folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.bench", SHIYU_VAR_DIR=folder)
    if database_url:
        name = urlsplit(database_url).path.lstrip("/")
        _pg_admin(database_url, f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(database_url, f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/audit.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _writes(n: int, tag: str) -> float:
    from django.db import transaction

    from shiyu.audit.services import audit_record

    started = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, verb=tag, object_type="cases.case", object_id=str(i),
                         data={"from": "dispatched", "to": "in_progress", "note": "已签收"})
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="shiyu-bench-audit-")
    try:
        _setup(args.database_url, folder)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.utils import timezone

        from shiyu.audit import services
        from shiyu.audit.models import AuditEvent

        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"database: {engine}")

        sealed = _writes(args.writes, "bench.sealed")
        real = services._seal_after_commit
        services._seal_after_commit = lambda: None  # type: ignore[assignment]
        unsealed = _writes(args.writes, "bench.unsealed")
        services._seal_after_commit = real
        services.audit_seal()
        print(f"1. {args.writes} audit writes, one per transaction: {sealed:,.0f}/s sealed after commit, "
              f"{unsealed:,.0f}/s without sealing ({(1 / sealed - 1 / unsealed) * 1000:.2f} ms per write)")

        per = args.writes // args.threads

        def writer() -> None:
            try:
                _writes(per, "bench.threads")
            finally:
                connections.close_all()

        started = time.perf_counter()
        threads = [threading.Thread(target=writer) for _ in range(args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rate = per * args.threads / (time.perf_counter() - started)
        report = services.audit_verify()
        print(f"2. {args.threads} writers at once: {rate:,.0f} sealed rows/s; chain ok={report.ok}, "
              f"{report.checked:,} rows, {report.pending} unsealed")

        now = timezone.now()
        batch = [AuditEvent(verb="bench.bulk", object_type="cases.case", object_id=str(i),
                            data={"i": i, "note": "批量"}, created_at=now) for i in range(args.rows)]
        AuditEvent.objects.bulk_create(batch, batch_size=5000)
        started = time.perf_counter()
        count = services.audit_seal()
        seal_s = time.perf_counter() - started
        started = time.perf_counter()
        report = services.audit_verify()
        verify_s = time.perf_counter() - started
        print(f"3. sealing {count:,} rows: {seal_s:.1f}s ({count / seal_s:,.0f}/s); verify of the whole "
              f"chain ({report.checked:,} rows, ok={report.ok}): {verify_s:.1f}s "
              f"({report.checked / verify_s:,.0f} rows/s)")

        dest = Path(folder) / "backup"
        started = time.perf_counter()
        call_command("backup", str(dest) + "/", stdout=open(os.devnull, "w"))  # noqa: SIM115
        backup_s = time.perf_counter() - started
        (file,) = list(dest.iterdir())
        if engine == "sqlite3":
            target = f"sqlite:///{folder}/restored.sqlite3"
        else:
            target = args.database_url + "_restored"
            name = urlsplit(target).path.lstrip("/")
            _pg_admin(target, f'DROP DATABASE IF EXISTS "{name}"')
            _pg_admin(target, f'CREATE DATABASE "{name}"')
        started = time.perf_counter()
        call_command("restore", str(file), "--database-url", target, stdout=open(os.devnull, "w"))  # noqa: SIM115
        restore_s = time.perf_counter() - started
        total = AuditEvent.objects.count()
        print(f"4. backup of {total:,} audit rows ({file.stat().st_size / 1e6:.1f} MB): {backup_s:.1f}s; "
              f"restore into a fresh database: {restore_s:.1f}s")
        connections.close_all()
        if engine != "sqlite3":
            _pg_admin(target, f'DROP DATABASE IF EXISTS "{urlsplit(target).path.lstrip("/")}"')
    finally:
        if args.database_url:
            from django.db import connections

            connections.close_all()
            _pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{urlsplit(args.database_url).path.lstrip("/")}"')
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
