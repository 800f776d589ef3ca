"""Shared by bench/load.py and bench/crash.py: a fresh database, gunicorn and `shiyu worker`
processes on loopback, and a minimal asyncio HTTP/1.1 client (no third-party client needed)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.intake import HOST, ROOT, free_port, manage, payloads, pg_admin, pg_name  # noqa: E402

PASSWORD = "bench-load-password"  # noqa: S105  (throwaway accounts in a throwaway database)
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/shiyu_rel_bench"

__all__ = ["HOST", "PASSWORD", "PG_DEFAULT", "Reply", "Stack", "call", "payloads"]


@dataclass
class Reply:
    status: int
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body or b"{}")


async def call(port: int, method: str, path: str, payload: dict | None = None, *,
               headers: dict[str, str] | None = None, timeout: float = 30.0) -> Reply:
    """One request on its own connection (gunicorn's sync workers close after each response)."""
    body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: application/json\r\n"
    if payload is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    for name, value in (headers or {}).items():
        head += f"{name}: {value}\r\n"
    data = (head + "Connection: close\r\n\r\n").encode() + body

    async def exchange() -> Reply:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(data)
            await writer.drain()
            raw = await reader.readuntil(b"\r\n\r\n")
            status = int(raw.split(b" ", 2)[1])
            length = None
            for line in raw.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            content = await reader.readexactly(length) if length is not None else await reader.read()
            return Reply(status, content)
        finally:
            writer.close()

    return await asyncio.wait_for(exchange(), timeout)


@dataclass
class Stack:
    """A throwaway database plus the processes serving it; `close()` stops and removes everything."""

    database_url: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="shiyu-bench-rel-")))
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.url = self.database_url or f"sqlite:///{self.tmp / 'bench.sqlite3'}"
        self.is_pg = self.url.startswith(("postgres://", "postgresql://"))
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench", "DATABASE_URL": self.url,
                    "SHIYU_VAR_DIR": str(self.tmp), "SHIYU_RATE_SUBMIT": "0", "SHIYU_RATE_TRACK": "0",
                    "SHIYU_RATE_LOGIN": "0", "SHIYU_RATE_LOGIN_ADDRESS": "0", "LOG_LEVEL": "ERROR",
                    "PYTHONPATH": str(ROOT), "SHIYU_DEMO": "1", **self.extra_env}

    @property
    def label(self) -> str:
        return "PostgreSQL" if self.is_pg else "SQLite (WAL)"

    def create(self) -> float:
        started = time.perf_counter()
        if self.is_pg:
            name = pg_name(self.url)
            pg_admin(self.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            pg_admin(self.url, f'CREATE DATABASE "{name}"')
        manage(self.env, "migrate", "--noinput", "-v0")
        manage(self.env, "bench_setup", "--password", PASSWORD)
        return time.perf_counter() - started

    def start_server(self, name: str = "web", *, workers: int = 2, port: int | None = None) -> int:
        port = port or self.ports.get(name) or free_port()
        self.ports[name] = port
        log = (self.tmp / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{HOST}:{port}",
             "--worker-class", "sync", "--workers", str(workers), "--backlog", "2048", "--timeout", "60",
             "--log-level", "warning", "--no-control-socket"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return port

    def start_worker(self, name: str = "worker", *args: str) -> None:
        log = (self.tmp / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "shiyu.cli", "worker", *args], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, name: str = "web", seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            proc = self.procs[name]
            if proc.poll() is not None:
                raise SystemExit(f"{name} exited with {proc.returncode}:\n{self.log(name)}")
            try:
                reply = asyncio.run(call(self.ports[name], "GET", "/api/v1/categories", timeout=5))
                if reply.status == 200:
                    return
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                pass
            time.sleep(0.2)
        raise SystemExit(f"{name} did not answer within {seconds:.0f}s:\n{self.log(name)}")

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def kill(self, name: str) -> None:
        """SIGKILL to the whole process group: the master and its workers die mid-request."""
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self, name: str) -> None:
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.kill(name)

    def close(self, *, keep: bool = False) -> None:
        for name in list(self.procs):
            self.stop(name)
        if self.is_pg and not keep:
            try:
                pg_admin(self.url, f'DROP DATABASE IF EXISTS "{pg_name(self.url)}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the real error
                print(f"could not drop the bench database: {exc}", file=sys.stderr)
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


def catch_signals() -> None:
    """Ctrl-C (even in the background, where SIGINT starts ignored) and SIGTERM unwind through the
    caller's `finally`, which stops the servers and removes what the run made."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000
