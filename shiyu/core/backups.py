"""Backups of the whole database: SQLite through its online backup API, PostgreSQL through
pg_dump's custom format. Used by `shiyu backup` and `shiyu restore`.

A backup is written to a temporary file next to its destination and renamed into place only
when complete, so a crash never leaves a half-written file under the backup's name.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump and pg_restore, with argument lists, never a shell)
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Target:
    """One database, as Django's DATABASES entry describes it."""

    engine: str  # "sqlite" or "postgresql"
    settings: dict[str, Any]

    @classmethod
    def from_settings(cls, db: dict[str, Any]) -> "Target":
        engine = db["ENGINE"].rsplit(".", 1)[-1]
        if engine == "sqlite3":
            return cls("sqlite", db)
        if engine == "postgresql":
            return cls("postgresql", db)
        raise BackupError(f"backups support SQLite and PostgreSQL, not {db['ENGINE']}")

    @classmethod
    def from_url(cls, url: str) -> "Target":
        return cls.from_settings(dict(dj_database_url.parse(url)))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.settings["NAME"])

    def describe(self) -> str:
        if self.engine == "sqlite":
            return f"SQLite {self.sqlite_path}"
        s = self.settings
        return f"PostgreSQL {s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}/{s['NAME']}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_name(target: Target, stamp: str) -> str:
    return f"shiyu-{stamp}.{'sqlite3' if target.engine == 'sqlite' else 'pgdump'}"


def _pg_args(target: Target) -> tuple[list[str], dict[str, str]]:
    s = target.settings
    args = []
    if s.get("HOST"):
        args += ["-h", str(s["HOST"])]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    if s.get("USER"):
        args += ["-U", str(s["USER"])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(f"{cmd[0]} is not installed (the PostgreSQL client tools are needed)")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip() or done.returncode}")


def backup(target: Target, dest: Path) -> Path:
    """Write a consistent copy of the database to `dest`, even while the server writes to it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    # A backup holds every resident's contact details: readable by its owner only, from the start.
    partial.touch(mode=0o600)
    try:
        if target.engine == "sqlite":
            if not target.sqlite_path.exists():
                raise BackupError(f"there is no database at {target.sqlite_path}")
            # The online backup API copies all pages in one step under a read transaction: in
            # WAL mode writers keep going, and the copy is the database as of one instant.
            source = sqlite3.connect(f"file:{target.sqlite_path}?mode=ro", uri=True, timeout=30)
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("the copy failed SQLite's integrity check")
            finally:
                copy.close()
                source.close()
        else:
            # pg_dump reads in one repeatable-read snapshot: consistent while the server writes.
            args, env = _pg_args(target)
            _run(["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges",
                  "--file", str(partial), str(target.settings["NAME"])], env)
        os.chmod(partial, 0o600)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def backup_kind(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a Shiyu SQLite backup nor a pg_dump custom-format file")


def table_count(target: Target) -> int:
    """How many tables the database holds (0: safe to restore into)."""
    if target.engine == "sqlite":
        if not target.sqlite_path.exists():
            return 0
        con = sqlite3.connect(f"file:{target.sqlite_path}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite_%'").fetchone()[0]
        finally:
            con.close()
    import psycopg

    s = target.settings
    with psycopg.connect(host=s.get("HOST") or None, port=s.get("PORT") or None, user=s.get("USER") or None,
                         password=s.get("PASSWORD") or None, dbname=s["NAME"]) as pg:
        row = pg.execute("SELECT count(*) FROM information_schema.tables "
                          "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").fetchone()
        return int(row[0]) if row else 0


def restore(target: Target, source: Path, *, force: bool) -> None:
    """Replace the database's content with the backup's. Refuses a database that has tables
    unless `force`: a restore over live data destroys everything written since the backup."""
    kind = backup_kind(source)
    if kind != target.engine:
        raise BackupError(f"{source} is a {kind} backup; the database is {target.describe()}")
    existing = table_count(target)
    if existing and not force:
        raise BackupError(f"{target.describe()} is not empty ({existing} tables); restoring would "
                          "overwrite it. Restore into an empty database, or pass --force.")
    if target.engine == "sqlite":
        backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if backup_copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} failed SQLite's integrity check")
            target.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            # Through the backup API, not a file copy: a server holding the database open keeps
            # a consistent view and its WAL is rewritten along with the pages.
            live = sqlite3.connect(target.sqlite_path, timeout=30)
            try:
                backup_copy.backup(live)
            finally:
                live.close()
        finally:
            backup_copy.close()
        return
    args, env = _pg_args(target)
    # One transaction: a restore that fails half-way leaves the database as it was.
    _run(["pg_restore", *args, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          *(["--clean", "--if-exists"] if existing else []),
          "--dbname", str(target.settings["NAME"]), str(source)], env)
