"""Mixed load: resident submissions, staff actions and dashboard reads at once, for a set time.

Starts its own gunicorn (sync workers) on a free loopback port over a fresh SQLite file, or over a
PostgreSQL database it creates and drops itself (--pg / --database-url), builds the small test
city with signed-in staff, or targets a running server (--target, staff password --password).
Then, for --seconds, --concurrency clients each loop over a weighted mix:

- submit    POST /api/v1/cases with an Idempotency-Key (anonymous resident);
- accept    POST /api/v1/cases/{id}/actions/accept (operator token) on a case submitted earlier;
- dispatch  POST /api/v1/cases/{id}/actions/dispatch (dispatcher token) on an accepted case;
- dashboard GET /api/v1/insights/metrics (leader token) when the server has it, else the leader's
            case list GET /api/v1/cases?page_size=20.

Prints per operation: requests, errors, req/s, p50/p99 (ms), and the errors by kind (HTTP status
or exception). A 409 on a staff action (another client changed the case first) is counted apart:
it is the expected answer to a lost race, not a failure. Everything stays on 127.0.0.1.

    python bench/load.py [--seconds 30] [--concurrency 8] [--workers 2] [--pg | --database-url URL]
    python bench/load.py --target http://127.0.0.1:8000 --password shiyu-demo
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import PASSWORD, PG_DEFAULT, Stack, call, catch_signals, payloads, percentile  # noqa: E402

MIX = {"submit": 5, "accept": 2, "dispatch": 2, "dashboard": 3}
EXPECTED = {"submit": {201}, "accept": {200}, "dispatch": {200}, "dashboard": {200}}


class Load:
    def __init__(self, port: int, password: str, seconds: float, concurrency: int, seed: int = 7):
        self.port, self.password, self.seconds, self.concurrency = port, password, seconds, concurrency
        self.rng = random.Random(seed)
        self.items = payloads(5000, seed=seed)
        self.tokens: dict[str, str] = {}
        self.submitted: collections.deque[int] = collections.deque()
        self.accepted: collections.deque[int] = collections.deque()
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.conflicts: collections.Counter = collections.Counter()
        self.sent: collections.Counter = collections.Counter()
        self.dashboard_path = "/api/v1/cases?page_size=20"
        self.department = 0
        self.run_id = f"{os.getpid()}-{int(time.time())}"
        self.counter = 0

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    async def prepare(self) -> None:
        for who in ("operator", "dispatcher", "leader"):
            reply = await call(self.port, "POST", "/api/v1/auth/token",
                               {"username": who, "password": self.password})
            if reply.status != 200:
                raise SystemExit(f"cannot sign {who} in: HTTP {reply.status} {reply.body[:200]!r}")
            self.tokens[who] = reply.json()["token"]
        departments = await call(self.port, "GET", "/api/v1/departments", headers=self.auth("dispatcher"))
        units = [d for d in departments.json() if d.get("code") == "HBJ"] or departments.json()
        self.department = units[0]["id"]
        today = date.today()
        metrics = (f"/api/v1/insights/metrics?start={today - timedelta(days=30)}&end={today}")
        probe = await call(self.port, "GET", metrics, headers=self.auth("leader"))
        if probe.status == 200:
            self.dashboard_path = metrics

    def pick(self) -> str:
        ops = [op for op in MIX if not (op == "accept" and not self.submitted)
               and not (op == "dispatch" and not self.accepted)]
        return self.rng.choices(ops, weights=[MIX[op] for op in ops])[0]

    async def one(self, op: str) -> None:
        if op == "submit":
            self.counter += 1
            item = self.items[self.counter % len(self.items)]
            key = f"load-{self.run_id}-{self.counter}"
            reply = await call(self.port, "POST", "/api/v1/cases", item, headers={"Idempotency-Key": key})
            if reply.status == 201:
                self.submitted.append(reply.json()["id"])
        elif op == "accept":
            case_id = self.submitted.popleft()
            reply = await call(self.port, "POST", f"/api/v1/cases/{case_id}/actions/accept", {},
                               headers=self.auth("operator"))
            if reply.status == 200:
                self.accepted.append(case_id)
        elif op == "dispatch":
            case_id = self.accepted.popleft()
            reply = await call(self.port, "POST", f"/api/v1/cases/{case_id}/actions/dispatch",
                               {"lead_department": self.department}, headers=self.auth("dispatcher"))
        else:
            reply = await call(self.port, "GET", self.dashboard_path, headers=self.auth("leader"))
        if reply.status in EXPECTED[op]:
            return
        if reply.status == 409 and op in ("accept", "dispatch"):
            self.conflicts[op] += 1
            return
        raise RuntimeError(f"HTTP {reply.status}")

    async def client(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            op = self.pick()
            self.sent[op] += 1
            started = time.perf_counter()
            try:
                await self.one(op)
            except RuntimeError as exc:
                self.errors[op][str(exc)] += 1
                continue
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, KeyError) as exc:
                self.errors[op][type(exc).__name__] += 1
                continue
            self.latency[op].append(time.perf_counter() - started)

    async def run(self) -> float:
        await self.prepare()
        started = time.perf_counter()
        deadline = time.monotonic() + self.seconds
        await asyncio.gather(*(self.client(deadline) for _ in range(self.concurrency)))
        return time.perf_counter() - started

    def report(self, elapsed: float) -> int:
        print(f"\n{'operation':<10} {'requests':>8} {'errors':>6} {'409':>5} {'req/s':>7} {'p50 ms':>7} "
              f"{'p99 ms':>7}")
        total_ok = total_err = 0
        everything: list[float] = []
        for op in MIX:
            ok, errs = self.latency[op], sum(self.errors[op].values())
            total_ok += len(ok)
            total_err += errs
            everything += ok
            print(f"{op:<10} {self.sent[op]:>8} {errs:>6} {self.conflicts[op]:>5} {len(ok) / elapsed:>7.1f} "
                  f"{percentile(ok, 50):>7.1f} {percentile(ok, 99):>7.1f}")
        print(f"{'all':<10} {sum(self.sent.values()):>8} {total_err:>6} {sum(self.conflicts.values()):>5} "
              f"{total_ok / elapsed:>7.1f} {percentile(everything, 50):>7.1f} {percentile(everything, 99):>7.1f}")
        print(f"dashboard read: {self.dashboard_path.split('?')[0]}")
        for op in MIX:
            for kind, n in self.errors[op].most_common():
                print(f"  error {op}: {kind} × {n}")
        return 1 if total_err else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30, help="how long to send (default 30)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--pg", action="store_true", help=f"PostgreSQL at {PG_DEFAULT}")
    parser.add_argument("--database-url", default="", help="postgres://…/NAME: created and dropped by this run")
    parser.add_argument("--target", default="", help="a running server on loopback instead of starting one")
    parser.add_argument("--password", default=PASSWORD, help="the staff password with --target")
    args = parser.parse_args()
    catch_signals()
    if args.target:
        parts = urlsplit(args.target)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("loopback only: --target must be http://127.0.0.1:PORT")
        load = Load(parts.port or 80, args.password, args.seconds, args.concurrency)
        return load.report(asyncio.run(load.run()))

    stack = Stack(database_url=args.database_url or (PG_DEFAULT if args.pg else ""))
    try:
        took = stack.create()
        print(f"database: {stack.label}, migrated and set up in {took:.1f}s")
        port = stack.start_server(workers=args.workers)
        stack.wait_ready()
        print(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}; {args.concurrency} clients for "
              f"{args.seconds:.0f}s; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before")
        load = Load(port, PASSWORD, args.seconds, args.concurrency)
        elapsed = asyncio.run(load.run())
    finally:
        stack.close()
    return load.report(elapsed)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers stopped, temporary files removed", file=sys.stderr)
        sys.exit(130)
