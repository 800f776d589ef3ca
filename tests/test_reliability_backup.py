"""`shiyu backup` and `shiyu restore`: a backup restored into a fresh database holds exactly what
the original held, table by table (row counts and a checksum over every row), on SQLite and on
PostgreSQL. A restore never overwrites a database with data in it unless told to.
"""

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from shiyu.audit.models import AuditEvent
from shiyu.audit.services import audit_record
from shiyu.cases import services
from shiyu.core.backups import Target

# The backup runs on its own connection: it must see committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def _pg_connect(settings: dict, dbname: str | None = None):
    import psycopg

    return psycopg.connect(host=settings.get("HOST") or None, port=settings.get("PORT") or None,
                           user=settings.get("USER") or None, password=settings.get("PASSWORD") or None,
                           dbname=dbname or settings["NAME"], autocommit=True)


def fingerprints(target: Target) -> dict[str, tuple[int, str]]:
    """Per table: the row count and a SHA-256 over every row (in a fixed order)."""
    if target.engine == "sqlite":
        con = sqlite3.connect(target.sqlite_path)
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        quote = '"{}"'.format
    else:
        con = _pg_connect(target.settings)
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'")]
        quote = '"{}"'.format
    try:
        out = {}
        for table in sorted(tables):
            rows = sorted(repr(tuple(r)) for r in con.execute(f"SELECT * FROM {quote(table)}"))  # noqa: S608
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


@pytest.fixture
def seeded(city, submit_case) -> Target:
    """A city, cases in several states (through the services), their events and audit rows."""
    u = city.users
    for i in range(4):
        case = submit_case(title=f"第{i}号诉求", contact_email=f"resident{i}@example.cn")
        if i:
            services.case_accept(actor=u["operator"], case_id=case.pk)
        if i > 1:
            services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                                   lead_department=city.departments["HBJ"])
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0  # sealed after each commit
    return Target.from_settings(connection.settings_dict)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the same engine as the test database."""
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"shiyu_restore_{os.getpid()}"
    with _pg_connect(settings, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    yield (f"postgres://{user}{password}@{settings.get('HOST') or 'localhost'}:"
           f"{settings.get('PORT') or 5432}/{name}")
    with _pg_connect(settings, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _backup(tmp_path: Path, capsys) -> Path:
    call_command("backup", str(tmp_path / "backups") + "/")
    out = capsys.readouterr().out
    files = list((tmp_path / "backups").iterdir())
    assert len(files) == 1 and "sha256" in out and str(files[0]) in out
    assert not any(f.name.endswith(".partial") for f in files)
    return files[0]


def test_backup_restored_into_a_fresh_database_is_identical(seeded, fresh, tmp_path, capsys):
    before = fingerprints(seeded)
    assert before["cases_case"][0] == 4 and before["audit_auditevent"][0] > 4
    backup = _backup(tmp_path, capsys)
    call_command("restore", str(backup), "--database-url", fresh)
    assert fingerprints(Target.from_url(fresh)) == before
    # The backup is the database as it was: changes made afterwards are not in it.
    submit_case_after = AuditEvent.objects.count()
    with transaction.atomic():
        audit_record(actor=None, verb="after.backup", object_type="t", object_id="1")
    assert AuditEvent.objects.count() == submit_case_after + 1
    assert fingerprints(Target.from_url(fresh))["audit_auditevent"] == before["audit_auditevent"]


def test_restore_refuses_a_database_with_data_and_changes_nothing(seeded, fresh, tmp_path, capsys):
    backup = _backup(tmp_path, capsys)
    call_command("restore", str(backup), "--database-url", fresh)
    fresh_target = Target.from_url(fresh)
    restored = fingerprints(fresh_target)
    with transaction.atomic():
        audit_record(actor=None, verb="after.backup", object_type="t", object_id="1")
    live = fingerprints(seeded)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup))  # into the configured (test) database
    assert fingerprints(seeded) == live
    # --force replaces the content: restoring over the restored copy gives the backup again.
    call_command("restore", str(backup), "--database-url", fresh, "--force")
    assert fingerprints(fresh_target) == restored


def test_restore_refuses_what_is_not_a_backup_of_this_engine(seeded, fresh, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    with pytest.raises(CommandError, match="neither"):
        call_command("restore", str(bogus), "--database-url", fresh)
    other = tmp_path / "other"
    other.write_bytes(b"PGDMP" if seeded.engine == "sqlite" else b"SQLite format 3\x00" + b"\0" * 100)
    with pytest.raises(CommandError, match="backup; the database is"):
        call_command("restore", str(other), "--database-url", fresh)
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore", str(tmp_path / "missing.sqlite3"), "--database-url", fresh)


def test_sqlite_backup_is_consistent_while_the_server_writes(seeded, fresh, tmp_path, capsys):
    if seeded.engine != "sqlite":
        pytest.skip("the SQLite online backup; pg_dump's snapshot is PostgreSQL's own")
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    audit_record(actor=None, verb="during.backup", object_type="t", object_id=str(written[0]))
                written[0] += 1
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        backups = []
        for i in range(3):
            call_command("backup", str(tmp_path / f"b{i}.sqlite3"))
            backups.append(tmp_path / f"b{i}.sqlite3")
    finally:
        stop.set()
        thread.join(timeout=60)
    capsys.readouterr()
    assert written[0] > 0
    counts = []
    for path in backups:
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts.append(con.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0])
        con.close()
    assert counts == sorted(counts) and counts[-1] <= AuditEvent.objects.count()
