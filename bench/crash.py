"""Crash test: submissions under load while the server and the worker are killed with SIGKILL.

Starts gunicorn and a `shiyu worker` over a fresh SQLite file or a PostgreSQL database it creates
and drops (--pg / --database-url). --concurrency residents submit --submissions cases, each with
its own Idempotency-Key and a unique marker in the text; a resident whose request fails in any
way (connection refused or reset, timeout, 5xx) retries with the SAME key until the server
acknowledges it (201, or 200 for a replay). Meanwhile an operator and a dispatcher accept and
dispatch acknowledged cases, and --kills times the whole gunicorn process group and the worker
are killed with SIGKILL mid-traffic and restarted. Afterwards the queue is drained and:

- every acknowledged submission exists exactly once (by its marker) and is the case it was
  acknowledged with (0 lost, 0 duplicated, for unacknowledged ones too: 0 duplicated);
- every case's state equals the replay of its events (shiyu.cases.integrity.case_mismatches).

Prints N acknowledged, lost, duplicated, mismatched; exits 1 if any is not 0.

    python bench/crash.py [--submissions 400] [--kills 4] [--concurrency 8] [--pg | --database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import PASSWORD, PG_DEFAULT, Stack, call, catch_signals, payloads  # noqa: E402

TRANSIENT = (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError)
MARKER = re.compile(r"〔crash-([0-9a-z-]+)〕")


class Crash:
    def __init__(self, stack: Stack, args: argparse.Namespace):
        self.stack, self.args = stack, args
        self.port = stack.ports["web"]
        self.run = f"{os.getpid():x}{int(time.time()) % 100000:x}"
        self.items = payloads(args.submissions, seed=11)
        self.todo: collections.deque[int] = collections.deque(range(args.submissions))
        self.acked: dict[int, int] = {}  # submission number -> case id it was acknowledged with
        self.retries = 0
        self.answers: collections.Counter = collections.Counter()
        self.staff_done: collections.Counter = collections.Counter()
        self.kills = 0
        self.done = False
        self.tokens: dict[str, str] = {}
        self.to_accept: collections.deque[int] = collections.deque()
        self.to_dispatch: collections.deque[int] = collections.deque()

    def marker(self, n: int) -> str:
        return f"{self.run}-{n}"

    async def resident(self, deadline: float) -> None:
        while self.todo and time.monotonic() < deadline:
            n = self.todo.popleft()
            item = {**self.items[n], "body": f"{self.items[n]['body']}〔crash-{self.marker(n)}〕"}
            key = f"crash-{self.marker(n)}"
            while time.monotonic() < deadline:
                try:
                    reply = await call(self.port, "POST", "/api/v1/cases", item,
                                       headers={"Idempotency-Key": key}, timeout=20)
                except TRANSIENT as exc:
                    self.answers[type(exc).__name__] += 1
                else:
                    self.answers[f"HTTP {reply.status}"] += 1
                    if reply.status in (200, 201):
                        self.acked[n] = reply.json()["id"]
                        self.to_accept.append(self.acked[n])
                        break
                    if reply.status < 500:
                        raise SystemExit(f"submission refused: HTTP {reply.status} {reply.body[:300]!r}")
                self.retries += 1
                await asyncio.sleep(0.1)

    async def staff(self, deadline: float) -> None:
        """Accept and dispatch while the servers die: a lost or doubled transition would show up
        in the replay check. Failures are not retried (the next round picks another case)."""
        hbj = None
        while not self.done and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            try:
                if not self.tokens:
                    for who in ("operator", "dispatcher"):
                        reply = await call(self.port, "POST", "/api/v1/auth/token",
                                           {"username": who, "password": PASSWORD})
                        self.tokens[who] = reply.json()["token"]
                if hbj is None:
                    units = await call(self.port, "GET", "/api/v1/departments",
                                       headers={"Authorization": f"Bearer {self.tokens['dispatcher']}"})
                    hbj = next(d["id"] for d in units.json() if d["code"] == "HBJ")
                if self.to_dispatch and random.random() < 0.5:  # noqa: S311
                    case_id, who, action, body = self.to_dispatch.popleft(), "dispatcher", "dispatch", {
                        "lead_department": hbj}
                elif self.to_accept:
                    case_id, who, action, body = self.to_accept.popleft(), "operator", "accept", {}
                else:
                    continue
                reply = await call(self.port, "POST", f"/api/v1/cases/{case_id}/actions/{action}", body,
                                   headers={"Authorization": f"Bearer {self.tokens[who]}"}, timeout=20)
                self.staff_done[f"{action} HTTP {reply.status}"] += 1
                if action == "accept" and reply.status == 200:
                    self.to_dispatch.append(case_id)
            except (*TRANSIENT, KeyError, StopIteration) as exc:
                self.staff_done[type(exc).__name__] += 1

    async def killer(self) -> None:
        rng = random.Random(5)
        for _ in range(self.args.kills):
            await asyncio.sleep(rng.uniform(0.8, 2.0))
            if self.done:
                return
            await asyncio.to_thread(self.stack.kill, "web")
            await asyncio.to_thread(self.stack.kill, "worker")
            self.kills += 1
            await asyncio.sleep(rng.uniform(0.2, 1.0))
            self.stack.start_server("web", workers=self.args.workers)
            self.stack.start_worker("worker", "--interval", "0.2", "--tick", "1")
            await asyncio.to_thread(self.stack.wait_ready, "web")

    async def main(self) -> float:
        deadline = time.monotonic() + self.args.max_seconds
        started = time.perf_counter()
        kill = asyncio.create_task(self.killer())
        staff = asyncio.create_task(self.staff(deadline))
        await asyncio.gather(*(self.resident(deadline) for _ in range(self.args.concurrency)))
        self.done = True
        await asyncio.gather(kill, staff)
        return time.perf_counter() - started


def verify(stack: Stack, crash: Crash) -> dict[str, int]:
    """In this process, straight on the database the servers wrote."""
    os.environ.update({k: v for k, v in stack.env.items() if k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL",
                                                                   "SHIYU_VAR_DIR", "SHIYU_DEMO")})
    import django

    django.setup()
    from shiyu.cases.integrity import case_mismatches
    from shiyu.cases.models import Case

    found: dict[str, list[int]] = collections.defaultdict(list)
    for pk, body in Case.objects.values_list("pk", "body").iterator():
        match = MARKER.search(body)
        if match:
            found[match.group(1)].append(pk)
    lost = [n for n in crash.acked if not found.get(crash.marker(n))]
    wrong = [n for n, pk in crash.acked.items() if found.get(crash.marker(n)) and pk not in found[crash.marker(n)]]
    duplicated = [m for m, pks in found.items() if len(pks) > 1]
    mismatched = case_mismatches()
    for m in mismatched[:10]:
        print(f"  mismatch {m.code}: {m.problem}")
    return {"acknowledged": len(crash.acked), "lost": len(lost) + len(wrong), "duplicated": len(duplicated),
            "mismatched": len(mismatched), "cases": Case.objects.count()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=400)
    parser.add_argument("--kills", type=int, default=4, help="SIGKILL rounds of server + worker (default 4)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--max-seconds", type=float, default=180, help="give up submitting after this long")
    parser.add_argument("--pg", action="store_true", help=f"PostgreSQL at {PG_DEFAULT}")
    parser.add_argument("--database-url", default="", help="postgres://…/NAME: created and dropped by this run")
    args = parser.parse_args()
    catch_signals()
    stack = Stack(database_url=args.database_url or (PG_DEFAULT if args.pg else ""))
    try:
        took = stack.create()
        print(f"database: {stack.label}, migrated and set up in {took:.1f}s")
        stack.start_server("web", workers=args.workers)
        stack.start_worker("worker", "--interval", "0.2", "--tick", "1")
        stack.wait_ready("web")
        crash = Crash(stack, args)
        elapsed = asyncio.run(crash.main())
        # Whatever the last worker left queued (routing of the last submissions) runs now.
        stack.stop("worker")
        stack.stop("web")
        stack.start_worker("drain", "--batch")
        stack.procs["drain"].wait(timeout=300)
        figures = verify(stack, crash)
    finally:
        stack.close()
    print(f"\n{args.submissions} submissions by {args.concurrency} clients in {elapsed:.1f}s, "
          f"{crash.kills} SIGKILL rounds (gunicorn + worker), {crash.retries} retries")
    print("answers: " + ", ".join(f"{k} × {v}" for k, v in sorted(crash.answers.items())))
    print("staff:   " + ", ".join(f"{k} × {v}" for k, v in sorted(crash.staff_done.items())))
    print(f"acknowledged {figures['acknowledged']}, lost {figures['lost']}, duplicated {figures['duplicated']}, "
          f"mismatched {figures['mismatched']} (cases in the database: {figures['cases']})")
    unacked = args.submissions - figures["acknowledged"]
    if unacked:
        print(f"not acknowledged before --max-seconds: {unacked}")
    return 1 if figures["lost"] or figures["duplicated"] or figures["mismatched"] else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers stopped, temporary files removed", file=sys.stderr)
        sys.exit(130)
