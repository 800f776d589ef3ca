"""Scale-out (deploy/README.md): two app servers and two workers on one PostgreSQL and one Redis.

Residents submit through both servers and retry each submission on the OTHER server with the same
Idempotency-Key; operators race to accept each case through both servers at once; dispatches
alternate between servers; then deadline sweeps are queued several times at once and both
workers run them. Afterwards nothing is lost, duplicated or done twice: one case per key, one
accept per case, every case agrees with its events, no ladder step taken twice, every message
sent exactly once.

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL, default 127.0.0.1:6379); skipped without
them, failed when CI requires them (SHIYU_REQUIRE_POSTGRES / SHIYU_REQUIRE_REDIS). The Redis
side uses a database number no one else is using and removes its keys afterwards.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from shiyu.accounts.services import config_save, system_user
from shiyu.cases.integrity import case_mismatches
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import clock
from shiyu.core.models import CitySetting
from shiyu.demo.city import DEMO_PASSWORD
from shiyu.notifications.models import Notification, Outbox

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = 16
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _redis_db():
    """A Redis database of this test's own: the first empty one it can lock, or a skip."""
    import redis

    base = os.environ.get("REDIS_URL", "") or "redis://127.0.0.1:6379/0"
    base = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    try:
        redis.Redis.from_url(f"{base}/0", socket_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("SHIYU_REQUIRE_REDIS") == "1":
            pytest.fail(f"SHIYU_REQUIRE_REDIS=1 but Redis is not reachable: {exc}")
        pytest.skip(f"needs Redis at {base} ({exc})")
    for number in range(15, 0, -1):
        client = redis.Redis.from_url(f"{base}/{number}", socket_timeout=5)
        if client.dbsize() == 0 and client.set("shiyu-scale-out-test", os.getpid(), nx=True, ex=600):
            return f"{base}/{number}", client
    pytest.skip("no free Redis database (1-15) for the scale-out test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, tmp: Path, redis_url: str):
        db = connection.settings_dict
        auth = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@" if db["USER"] else ""
        self.tmp, self.sent_log = tmp, tmp / "sent.log"
        where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.scale_out_settings",
                    "DATABASE_URL": f"postgres://{auth}{where}",
                    "SHIYU_TASKS": "rq", "REDIS_URL": redis_url, "SHIYU_VAR_DIR": str(tmp),
                    "SHIYU_SEND_LOG": str(self.sent_log), "PYTHONPATH": str(ROOT), "LOG_LEVEL": "ERROR"}
        self.procs: dict[str, subprocess.Popen] = {}
        self.ports: list[int] = []

    def spawn(self, name: str, *argv: str) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen([sys.executable, *argv], cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        return self.procs[name]

    def start(self) -> None:
        for i in range(2):
            port = _free_port()
            self.ports.append(port)
            self.spawn(f"web{i}", "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                       "--workers", "2", "--timeout", "60", "--no-control-socket", "--log-level", "warning")
        for i in range(2):
            self.spawn(f"worker{i}", "-m", "shiyu.cli", "worker", "--interval", "0.2", "--tick", "1",
                       "--worker-id", f"scale-out-{i}")
        deadline = time.monotonic() + 60
        for i in range(len(self.ports)):
            while True:
                try:
                    if self.request(i, "GET", "/api/v1/categories")[0] == 200:
                        break
                except OSError:
                    pass
                assert self.procs[f"web{i}"].poll() is None, self.logs()
                assert time.monotonic() < deadline, "servers did not start:\n" + self.logs()
                time.sleep(0.2)

    def request(self, server: int, method: str, path: str, payload: dict | None = None,
                headers: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.ports[server]}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 (loopback)
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def manage(self, code: str) -> None:
        subprocess.run([sys.executable, "-m", "shiyu.cli", "shell", "-c", code], cwd=ROOT, env=self.env,
                       check=True, timeout=60, capture_output=True)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
                         for p in self.tmp.glob("*.log"))

    def stop(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def _drain(redis_client, seconds: float = 40) -> None:
    """Until both workers have finished everything queued (and nothing new came for a moment)."""
    from rq import Queue
    from rq.registry import StartedJobRegistry

    queue = Queue("default", connection=redis_client)
    quiet_since, deadline = None, time.monotonic() + seconds
    while time.monotonic() < deadline:
        busy = queue.count + StartedJobRegistry(queue=queue).count
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.5:
            return
        time.sleep(0.2)
    raise AssertionError("the workers did not drain the queue")


def _payload(i: int, grid: str) -> dict:
    return {"title": f"路灯不亮 {i}", "body": f"滨江路第{i}段路灯一个多月不亮了。〔scale-{i}〕",
            "category": "C010302", "area": grid, "contact": {"name": "陈先生", "phone": f"139{i:08d}"}}


def test_two_servers_and_two_workers_lose_duplicate_and_repeat_nothing(city, tmp_path):
    url, redis_client = _redis_db()
    config_save(actor=system_user(), obj=CitySetting(key="notifications.resident_sms", value=True))
    cluster = Cluster(tmp_path, url)
    started = time.monotonic()
    try:
        cluster.start()
        grid = city.grids[0].code
        with ThreadPoolExecutor(4) as pool:
            # Each submission on one server, then its retry (same key, same body) on the other.
            def submit(i: int) -> tuple[int, int, int, int]:
                key = {"Idempotency-Key": f"scale-{os.getpid()}-{i}"}
                first, body1 = cluster.request(i % 2, "POST", "/api/v1/cases", _payload(i, grid), key)
                again, body2 = cluster.request(1 - i % 2, "POST", "/api/v1/cases", _payload(i, grid), key)
                return first, again, body1.get("id"), body2.get("id")

            answers = list(pool.map(submit, range(SUBMISSIONS)))
            assert [(a, b) for a, b, _, _ in answers] == [(201, 200)] * SUBMISSIONS
            assert all(id1 == id2 for _, _, id1, id2 in answers)
            ids = [id1 for _, _, id1, _ in answers]

            def token(server: int, who: str) -> dict:
                status, body = cluster.request(server, "POST", "/api/v1/auth/token",
                                               {"username": who, "password": DEMO_PASSWORD})
                assert status == 200, body
                return {"Authorization": f"Bearer {body['token']}"}

            operator, dispatcher = token(0, "operator"), token(1, "dispatcher")
            # Two operators' clicks on the same case, one per server, at the same moment.
            races = [pool.submit(cluster.request, server, "POST", f"/api/v1/cases/{case_id}/actions/accept",
                                 {}, operator) for case_id in ids for server in (0, 1)]
            outcomes = collections.Counter(f.result()[0] for f in races)
            assert outcomes[200] == SUBMISSIONS and outcomes[200] + outcomes[409] == 2 * SUBMISSIONS, outcomes
            hbj = city.departments["HBJ"].pk
            dispatched = ids[: SUBMISSIONS // 2]
            moves = [pool.submit(cluster.request, i % 2, "POST",
                                 f"/api/v1/cases/{case_id}/actions/dispatch", {"lead_department": hbj},
                                 dispatcher) for i, case_id in enumerate(dispatched)]
            assert [m.result()[0] for m in moves] == [200] * len(dispatched)
        _drain(redis_client)

        # Every dispatched case overdue for acknowledgement: then four sweeps at once, on two workers.
        past = clock.now() - timedelta(days=10)
        Case.objects.filter(pk__in=dispatched).update(ack_due_at=past, next_check_at=past)
        cluster.manage("from shiyu.cases.tasks import deadline_sweep\n"
                       "for _ in range(4): deadline_sweep.enqueue()")
        _drain(redis_client)
    finally:
        cluster.stop()
        for key in redis_client.scan_iter("rq:*"):
            redis_client.delete(key)
        redis_client.delete("shiyu-scale-out-test")
    elapsed = time.monotonic() - started

    # One case per submission, acknowledged with the same id on both servers.
    bodies = Case.objects.values_list("body", flat=True)
    markers = collections.Counter(body.rsplit("〔", 1)[1] for body in bodies)
    assert len(markers) == SUBMISSIONS and set(markers.values()) == {1}
    assert sorted(Case.objects.values_list("pk", flat=True)) == sorted(ids)
    # One accept per case, every case agrees with its events.
    accepts = collections.Counter(CaseEvent.objects.filter(action="accept").values_list("case_id", flat=True))
    assert accepts == dict.fromkeys(ids, 1)
    assert case_mismatches() == []
    # The sweeps moved the overdue cases, each ladder step once.
    steps = [(e.case_id, e.action, e.data.get("step"), e.data.get("due"))
             for e in CaseEvent.objects.filter(data__automatic=True)]
    assert steps and len(steps) == len(set(steps))
    assert {case_id for case_id, *_ in steps} == set(dispatched)
    # Messages: the handler heard of each dispatch once; each outbox row left exactly once.
    handler = city.users["handler"]
    assert Notification.objects.filter(recipient=handler).count() >= len(dispatched)
    sent = cluster.sent_log.read_text().splitlines() if cluster.sent_log.exists() else []
    sms_refs = collections.Counter(line.split()[1] for line in sent if line.startswith("sms "))
    outbox = Outbox.objects.filter(channel="sms")
    assert outbox.count() >= SUBMISSIONS  # "accepted" texted to every resident
    assert set(outbox.values_list("status", flat=True)) == {"sent"}
    assert sms_refs == {str(pk): 1 for pk in outbox.values_list("pk", flat=True)}
    assert elapsed < 90, f"the scale-out test took {elapsed:.0f}s"
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
