"""Periodic jobs, declared next to their domain and run by the `shiyu worker` scheduler.

    @periodic(name="cases.deadline_sweep", every=timedelta(minutes=5))
    @task()
    def deadline_sweep() -> None: ...

in `<app>/tasks.py` of an installed shiyu app (the scheduler imports every one of them).

Time is cut into slots of `every`, aligned on 2000-01-01 00:00 in settings.TIME_ZONE (a daily job
runs just after local midnight). On each tick (every few seconds) the scheduler of every worker
process tries to INSERT the row (name, slot) of the current slot into `core.PeriodicRun`; the
unique constraint lets exactly one succeed, and only that one enqueues the job. Slots missed while
no worker ran are not caught up one by one: the current slot runs once, so jobs must be idempotent
(do what is due now, whatever ran before) — they also must be safe to run twice, because:

Crash safety. The job runs through `run_periodic(run_id, attempt)`, which marks the row running,
then done or failed. On a later tick any scheduler takes a slot over again — by a conditional
UPDATE that bumps `attempt`, so again only one succeeds — when
- the run failed (the job raised, or it could not be enqueued) and `retry_after` has passed since,
  up to `max_attempts` attempts per slot; or
- the run is still queued or running `lease` after it was claimed: its worker died (killed, host
  lost) or the queue lost it. A run that was merely slow and finishes after that counts for
  nothing (its attempt number is stale), and the job has then run twice.
An enqueued run whose slot has been superseded still runs (the work is due); one whose attempt
has been superseded is skipped.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.module_loading import module_has_submodule
from django_tasks import task
from django_tasks.base import Task

from shiyu.core import clock
from shiyu.core.models import PeriodicRun

log = logging.getLogger(__name__)
Status = PeriodicRun.Status


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    task: Task
    lease: timedelta
    retry_after: timedelta
    max_attempts: int


_JOBS: dict[str, Job] = {}


def periodic(*, name: str, every: timedelta, lease: timedelta | None = None,
             retry_after: timedelta | None = None, max_attempts: int = 5) -> Callable[[Task], Task]:
    """Run the decorated task (which takes no arguments) once per `every`, on one worker only.
    `lease`: how long a claimed run may take before another worker assumes it died (default
    max(every, 15 min)); `retry_after`: the wait after a failure (default min(every, 1 min))."""
    if every < timedelta(seconds=1):
        raise ValueError("a periodic job runs at most once a second")

    def register(target: Task | Callable[[], object]) -> Task:
        declared = target if isinstance(target, Task) else task()(target)
        existing = _JOBS.get(name)
        if existing is not None and existing.task.module_path != declared.module_path:
            raise ValueError(f"periodic job {name} declared twice")
        _JOBS[name] = Job(name=name, every=every, task=declared,
                          lease=lease or max(every, timedelta(minutes=15)),
                          retry_after=retry_after or min(every, timedelta(minutes=1)),
                          max_attempts=max_attempts)
        return declared

    return register


def autodiscover() -> None:
    """Import `<app>.tasks` of every installed shiyu app: that is where periodic jobs live."""
    from importlib import import_module

    for config in apps.get_app_configs():
        if config.name.startswith("shiyu.") and module_has_submodule(config.module, "tasks"):
            import_module(f"{config.name}.tasks")


def jobs() -> dict[str, Job]:
    return dict(sorted(_JOBS.items()))


def slot_of(moment: datetime, every: timedelta) -> datetime:
    """The start of the slot holding `moment`."""
    origin = datetime(2000, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return origin + every * ((moment - origin) // every)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"[:100]


@task()
def run_periodic(run_id: int, attempt: int) -> str:
    """Run one claimed slot of a periodic job; record the outcome on its row."""
    started = PeriodicRun.objects.filter(pk=run_id, attempt=attempt, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=clock.now(), worker=worker_name())
    if not started:
        return "skipped"  # another attempt took this slot over, or it already ran
    name = PeriodicRun.objects.values_list("name", flat=True).get(pk=run_id)
    job = _JOBS.get(name)
    mine = PeriodicRun.objects.filter(pk=run_id, attempt=attempt)
    try:
        if job is None:
            raise LookupError(f"no periodic job named {name} in this process")
        job.task.call()
    except Exception as exc:
        mine.update(status=Status.FAILED, finished_at=clock.now(),
                    error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    mine.update(status=Status.DONE, finished_at=clock.now(), error="")
    return "done"


class Scheduler:
    """Claims due slots and enqueues them; `tick()` is called every few seconds by `shiyu worker`
    (several workers may run one each: the database decides who runs a slot)."""

    def __init__(self, *, only: list[str] | None = None) -> None:
        self.only = only
        self.worker = worker_name()

    def tick(self, now: datetime | None = None) -> list[str]:
        """Claim and enqueue every job whose current slot is not taken; the names dispatched."""
        now = now or clock.now()
        dispatched = []
        for job in jobs().values():
            if self.only is not None and job.name not in self.only:
                continue
            try:
                run = self._claim(job, now)
            except Exception:  # one job's trouble (a locked database) must not stop the others
                log.exception("periodic job %s: could not claim its slot", job.name)
                continue
            if run is not None and self._enqueue(job, run):
                dispatched.append(job.name)
        return dispatched

    def _claim(self, job: Job, now: datetime) -> PeriodicRun | None:
        slot = slot_of(now, job.every)
        try:
            with transaction.atomic():
                return PeriodicRun.objects.create(name=job.name, slot=slot, claimed_at=now,
                                                  worker=self.worker)
        except IntegrityError:
            pass  # taken: by another scheduler, or by this one on an earlier tick
        run = PeriodicRun.objects.filter(name=job.name, slot=slot).first()
        if run is None or not self._needs_another_attempt(job, run, now):
            return None
        taken = PeriodicRun.objects.filter(pk=run.pk, attempt=run.attempt, status=run.status).update(
            attempt=F("attempt") + 1, status=Status.QUEUED, claimed_at=now, started_at=None,
            finished_at=None, worker=self.worker)
        if not taken:
            return None  # another scheduler took it over first
        run.refresh_from_db()
        log.warning("periodic job %s: attempt %s for slot %s", job.name, run.attempt, run.slot.isoformat())
        return run

    @staticmethod
    def _needs_another_attempt(job: Job, run: PeriodicRun, now: datetime) -> bool:
        if run.status == Status.FAILED:
            failed_at = run.finished_at or run.claimed_at
            return run.attempt < job.max_attempts and now >= failed_at + job.retry_after
        if run.status in (Status.QUEUED, Status.RUNNING):
            return now >= run.claimed_at + job.lease
        return False

    def _enqueue(self, job: Job, run: PeriodicRun) -> bool:
        try:
            run_periodic.using(queue_name=job.task.queue_name, priority=job.task.priority).enqueue(
                run.pk, run.attempt)
        except Exception as exc:
            log.exception("periodic job %s: could not enqueue", job.name)
            PeriodicRun.objects.filter(pk=run.pk, attempt=run.attempt, status=Status.QUEUED).update(
                status=Status.FAILED, finished_at=clock.now(), error=f"enqueue: {exc}"[:2000])
            return False
        return True


def prune_history(*, keep: timedelta, now: datetime | None = None) -> int:
    """Delete the runs of slots older than `keep`, never a job's current slot (deleting that would
    let the slot be claimed again). The number of rows deleted."""
    now = now or clock.now()
    cutoff = now - keep
    deleted = 0
    for job in jobs().values():
        deleted += PeriodicRun.objects.filter(
            name=job.name, slot__lt=min(cutoff, slot_of(now, job.every))).delete()[0]
    deleted += PeriodicRun.objects.filter(slot__lt=cutoff).exclude(name__in=list(_JOBS)).delete()[0]
    return deleted
