"""The background worker: tasks on the database queue and on Redis, enqueue_on_commit, and the
periodic scheduler (one run per slot however many workers, crash-safe retries)."""

import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from shiyu.core import clock, periodic
from shiyu.core.models import PeriodicRun
from shiyu.core.tasks import enqueue_on_commit

TZ = ZoneInfo("Asia/Shanghai")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [settings.SHIYU_TEST_RQ_QUEUE]}}
CALLS: list[str] = []  # what the tasks below did, in this process


@task()
def write_file(path: str, text: str) -> str:
    """Leaves a trace a test in another process can see."""
    Path(path).write_text(text)
    return text


@task()
def record(label: str) -> None:
    CALLS.append(label)


def tick_job() -> None:
    CALLS.append("tick")


FAILURES = {"left": 0}


def flaky_job() -> None:
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError("the mail server is down")
    CALLS.append("flaky")


@pytest.fixture(autouse=True)
def _clean():
    CALLS.clear()
    FAILURES["left"] = 0
    yield
    for name in [name for name in periodic._JOBS if name.startswith("tests.")]:
        del periodic._JOBS[name]


@pytest.fixture
def restore_signals():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


# -- enqueue_on_commit ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_runs_after_commit_and_never_after_a_rollback():
    with transaction.atomic():
        enqueue_on_commit(record, "committed")
        assert CALLS == []  # not before the commit
    assert CALLS == ["committed"]

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        enqueue_on_commit(record, "rolled back")
        1 / 0  # noqa: B018
    assert CALLS == ["committed"]

    enqueue_on_commit(record, "no transaction")
    assert CALLS == ["committed", "no transaction"]


@pytest.mark.django_db(transaction=True)
def test_a_failure_to_enqueue_is_logged_and_keeps_the_commit(caplog):
    unreachable = {settings.SHIYU_TEST_RQ_QUEUE: {"URL": "redis://127.0.0.1:1/0"}}
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES=unreachable), transaction.atomic():
        PeriodicRun.objects.create(name="tests.kept", slot=datetime(2026, 1, 1, tzinfo=TZ),
                                   claimed_at=datetime(2026, 1, 1, tzinfo=TZ))
        enqueue_on_commit(record.using(queue_name=settings.SHIYU_TEST_RQ_QUEUE), "lost")
    assert PeriodicRun.objects.filter(name="tests.kept").exists()
    assert "could not enqueue task" in caplog.text


# -- the database queue --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_task_on_the_database_queue_is_run_by_shiyu_worker(tmp_path):
    target = tmp_path / "done.txt"
    with override_settings(TASKS=DB_TASKS):
        result = write_file.enqueue(str(target), "ran in the worker")
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY" and not target.exists()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "SHIYU_TASKS": "db",
           "DATABASE_URL": database_url()}
    done = subprocess.run([sys.executable, "-c", "from shiyu.cli import main; main()", "worker", "--batch",
                           "--no-scheduler"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert target.read_text() == "ran in the worker"
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == "ran in the worker"


@pytest.mark.django_db(transaction=True)
def test_the_worker_loop_runs_queued_tasks_and_periodic_jobs_until_stopped(restore_signals):
    periodic.periodic(name="tests.tick", every=timedelta(seconds=1))(tick_job)
    with override_settings(TASKS=DB_TASKS):
        record.enqueue("queued before the start")
        call_command("worker", "--max-seconds", "3.5", "--tick", "0.3", "--interval", "0.1",
                     "--jobs", "tests.tick", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert CALLS[0] == "queued before the start"
    runs = list(PeriodicRun.objects.filter(name="tests.tick"))
    done = [run for run in runs if run.status == PeriodicRun.Status.DONE]
    assert len(done) >= 2 and len({run.slot for run in runs}) == len(runs)  # one run per slot
    assert CALLS.count("tick") == len(done)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1 + len(done)


def test_the_worker_refuses_a_backend_without_a_worker_and_an_unknown_job(migration_data):
    with pytest.raises(CommandError, match="has no worker"):
        call_command("worker", "--batch")  # the tests' immediate backend
    with override_settings(TASKS=DB_TASKS), pytest.raises(CommandError, match="no periodic job named"):
        call_command("worker", "--batch", "--jobs", "tests.nothing")


# -- Redis (RQ) ----------------------------------------------------------------------------------


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(settings.RQ_QUEUES["default"]["URL"], socket_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("SHIYU_REQUIRE_REDIS") == "1":
            pytest.fail(f"SHIYU_REQUIRE_REDIS=1 but Redis is not reachable: {exc}")
        pytest.skip(f"Redis is not reachable at {settings.RQ_QUEUES['default']['URL']} ({exc})")


@pytest.mark.django_db(transaction=True)
def test_a_task_and_a_periodic_job_on_redis_are_run_by_shiyu_worker(tmp_path, restore_signals):
    redis_or_skip()
    queue = settings.SHIYU_TEST_RQ_QUEUE
    target = tmp_path / "rq.txt"
    with override_settings(TASKS=RQ_TASKS):
        import django_rq

        django_rq.get_queue(queue).empty()
        periodic.periodic(name="tests.rq", every=timedelta(hours=1))(task(queue_name=queue)(tick_job))
        result = write_file.using(queue_name=queue).enqueue(str(target), "ran on redis")
        assert not target.exists()
        call_command("worker", "--batch", "--queues", queue, "--jobs", "tests.rq",
                     stdout=open(os.devnull, "w"))  # noqa: SIM115
        assert write_file.get_result(result.id).status == "SUCCESSFUL"
    assert target.read_text() == "ran on redis"
    assert CALLS == ["tick"]
    assert PeriodicRun.objects.get(name="tests.rq").status == PeriodicRun.Status.DONE


# -- the periodic scheduler ----------------------------------------------------------------------

NOW = datetime(2026, 11, 26, 10, 2, 30, tzinfo=TZ)


def at(scheduler: periodic.Scheduler, moment: datetime) -> list[str]:
    """A tick at `moment`: the scheduler and the runs it starts share the fake clock."""
    with clock.frozen_at(moment):
        return scheduler.tick()


def test_slots_are_aligned_on_local_time():
    assert periodic.slot_of(NOW, timedelta(minutes=5)) == datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
    assert periodic.slot_of(NOW, timedelta(days=1)) == datetime(2026, 11, 26, 0, 0, tzinfo=TZ)


def test_two_schedulers_run_each_slot_once(migration_data):
    periodic.periodic(name="tests.tick", every=timedelta(minutes=5))(tick_job)
    first, second = periodic.Scheduler(only=["tests.tick"]), periodic.Scheduler(only=["tests.tick"])
    assert at(first, NOW) == ["tests.tick"]
    assert at(second, NOW) == []
    assert at(first, NOW + timedelta(seconds=30)) == []  # the same slot, later
    assert at(second, NOW + timedelta(minutes=5)) == ["tests.tick"]  # the next slot
    assert at(first, NOW + timedelta(minutes=5)) == []
    assert CALLS == ["tick", "tick"]
    statuses = PeriodicRun.objects.filter(name="tests.tick").values_list("status", flat=True)
    assert list(statuses) == ["done", "done"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_on_the_real_database_claim_a_slot_once():
    periodic.periodic(name="tests.tick", every=timedelta(minutes=5))(tick_job)
    barrier = threading.Barrier(4)
    dispatched: list[list[str]] = []

    def one() -> None:
        try:
            scheduler = periodic.Scheduler(only=["tests.tick"])
            barrier.wait()
            dispatched.append(at(scheduler, NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(dispatched) == [[], [], [], ["tests.tick"]]
    assert CALLS == ["tick"]
    assert PeriodicRun.objects.filter(name="tests.tick").count() == 1


def test_a_failed_run_is_retried_on_a_later_tick_up_to_the_limit(migration_data):
    periodic.periodic(name="tests.flaky", every=timedelta(hours=1), retry_after=timedelta(minutes=1),
                      max_attempts=3)(flaky_job)
    scheduler = periodic.Scheduler(only=["tests.flaky"])
    FAILURES["left"] = 1
    at(scheduler, NOW)
    run = PeriodicRun.objects.get(name="tests.flaky")
    assert (run.status, run.attempt) == ("failed", 1) and "mail server" in run.error
    assert at(scheduler, NOW + timedelta(seconds=30)) == []  # not before retry_after
    assert at(scheduler, NOW + timedelta(minutes=1)) == ["tests.flaky"]
    run.refresh_from_db()
    assert (run.status, run.attempt, run.error) == ("done", 2, "")
    assert CALLS == ["flaky"]
    assert at(scheduler, NOW + timedelta(minutes=10)) == []  # done: nothing more in this slot

    FAILURES["left"] = 10
    later = NOW + timedelta(hours=1)
    for minutes in range(0, 10):
        at(scheduler, later + timedelta(minutes=minutes))
    run = PeriodicRun.objects.get(name="tests.flaky", slot=periodic.slot_of(later, timedelta(hours=1)))
    assert (run.status, run.attempt) == ("failed", 3)  # max_attempts, then it waits for the next slot
    assert FAILURES["left"] == 7


def test_a_slot_claimed_by_a_worker_that_died_is_taken_over_after_the_lease(migration_data):
    periodic.periodic(name="tests.tick", every=timedelta(hours=1), lease=timedelta(minutes=10))(tick_job)
    slot = periodic.slot_of(NOW, timedelta(hours=1))
    # A worker claimed the slot and started, then was killed: the row says running, forever.
    dead = PeriodicRun.objects.create(name="tests.tick", slot=slot, claimed_at=NOW, started_at=NOW,
                                      status=PeriodicRun.Status.RUNNING, worker="gone:1")
    scheduler = periodic.Scheduler(only=["tests.tick"])
    assert at(scheduler, NOW + timedelta(minutes=9)) == []  # within the lease: maybe just slow
    assert at(scheduler, NOW + timedelta(minutes=10)) == ["tests.tick"]
    dead.refresh_from_db()
    assert (dead.status, dead.attempt) == ("done", 2) and CALLS == ["tick"]
    # The first attempt's task, delivered late (a queue that redelivers), changes nothing.
    assert periodic.run_periodic.call(dead.pk, 1) == "skipped"
    assert CALLS == ["tick"]


def test_a_run_that_could_not_be_enqueued_is_retried(migration_data, caplog):
    periodic.periodic(name="tests.tick", every=timedelta(hours=1), retry_after=timedelta(minutes=1))(tick_job)
    scheduler = periodic.Scheduler(only=["tests.tick"])
    down = {settings.SHIYU_TEST_RQ_QUEUE: {"URL": "redis://127.0.0.1:1/0"}, **settings.RQ_QUEUES}
    down["default"] = {"URL": "redis://127.0.0.1:1/0"}
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend"}}, RQ_QUEUES=down):
        assert at(scheduler, NOW) == []
    run = PeriodicRun.objects.get(name="tests.tick")
    assert run.status == "failed" and run.error.startswith("enqueue")
    assert at(scheduler, NOW + timedelta(minutes=1)) == ["tests.tick"]
    assert CALLS == ["tick"]


def test_declaring_a_job_name_twice_for_another_task_is_refused():
    periodic.periodic(name="tests.tick", every=timedelta(minutes=5))(tick_job)
    with pytest.raises(ValueError):
        periodic.periodic(name="tests.tick", every=timedelta(minutes=5))(flaky_job)
    with pytest.raises(ValueError):
        periodic.periodic(name="tests.fast", every=timedelta(milliseconds=10))(tick_job)


@pytest.mark.django_db(transaction=True)
def test_old_task_results_and_runs_are_pruned_but_never_a_current_slot(restore_signals):
    from shiyu.core.tasks import prune_worker_history

    periodic.periodic(name="tests.monthly", every=timedelta(days=30))(tick_job)
    periodic.periodic(name="tests.tick", every=timedelta(minutes=5))(tick_job)
    now = clock.now()
    current_month = periodic.slot_of(now, timedelta(days=30))
    old = now - timedelta(days=40)
    previous_month = current_month - timedelta(days=30)
    for name, slot in [("tests.tick", old), ("tests.tick", now - timedelta(days=1)), ("tests.gone", old),
                       ("tests.monthly", current_month), ("tests.monthly", previous_month)]:
        PeriodicRun.objects.create(name=name, slot=slot, claimed_at=slot, status="done")
    with override_settings(TASKS=DB_TASKS):
        fresh = record.enqueue("fresh")
        stale = record.enqueue("stale")
        call_command("worker", "--batch", "--no-scheduler", stdout=open(os.devnull, "w"))  # noqa: SIM115
    DBTaskResult.objects.filter(pk=stale.id).update(finished_at=old)

    assert prune_worker_history.call() == 4  # 3 runs, 1 task result
    kept = set(PeriodicRun.objects.values_list("name", "slot"))
    assert kept == {("tests.tick", now - timedelta(days=1)), ("tests.monthly", current_month)}
    assert [str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)] == [str(fresh.id)]
