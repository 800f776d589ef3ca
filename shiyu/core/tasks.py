"""Background tasks: django-tasks (Django's tasks API), run by `shiyu worker`.

Declare a task next to its domain, in `<app>/tasks.py`, taking ids (never model instances) and
safe to run twice:

    from django_tasks import task

    @task()
    def case_notify(case_id: int) -> None: ...

and enqueue it from a service with `enqueue_on_commit(case_notify, case.pk)`: the worker must
not see the task before the rows it reads are committed, and a rolled-back change must not
send anything. The backend is settings.TASKS (SHIYU_TASKS=db | rq | immediate); tests run tasks
immediately.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks.base import Task

from shiyu.core import citysettings, clock
from shiyu.core.periodic import periodic, prune_history

log = logging.getLogger(__name__)

HISTORY_DAYS = citysettings.declare(
    "worker.history_days", 14, _("Days to keep finished background tasks and periodic runs"), minimum=1)


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task(*args, **kwargs)` after the current transaction commits (at once when none is
    open); nothing when it rolls back. A failure to enqueue (the queue is down) is logged and does
    not undo the committed change: periodic sweeps are the safety net for what must not be lost."""

    def enqueue() -> None:
        try:
            task.enqueue(*args, **kwargs)
        except Exception:
            log.exception("could not enqueue task %s", task.module_path)

    transaction.on_commit(enqueue)


# Read models (insights' rollups) follow the case event log. The cases app sits below them in the
# layers and must not import them, so it announces a topic after each event and the read model
# registers its refresh task for that topic (apps.ready). The refresh is idempotent and also
# periodic: a lost or skipped announcement only delays it. One announcement per topic and process
# per FOLLOW_THROTTLE seconds: intake pays at most one queue insert a second for this, not one per case.
_FOLLOWERS: dict[str, list[Task]] = {}
_LAST_ANNOUNCED: dict[str, float] = {}
FOLLOW_THROTTLE = 1.0


def follow(topic: str, task: Task) -> None:
    """Enqueue `task()` (no arguments) after commits that announce `topic`."""
    if task not in _FOLLOWERS.setdefault(topic, []):
        _FOLLOWERS[topic].append(task)


def announce_on_commit(topic: str) -> None:
    followers = _FOLLOWERS.get(topic)
    if not followers:
        return
    connection = transaction.get_connection()
    # One announcement per transaction is enough, however many events it writes. The callbacks
    # registered so far are remembered with the connection's on-commit list: Django replaces that
    # list at every commit and rollback, so a stale memory is recognised without scanning it
    # (a scan per event would be quadratic in a transaction that writes many).
    state: tuple[list, dict[str, _Announce]] | None = getattr(connection, "_shiyu_announces", None)
    pending: dict[str, _Announce] = {}
    if state is not None and state[0] is connection.run_on_commit:
        pending = state[1]
        if topic in pending and not pending[topic].ran:
            return
    announce = _Announce(topic, followers)
    transaction.on_commit(announce)
    if connection.in_atomic_block:
        connection._shiyu_announces = (connection.run_on_commit, {**pending, topic: announce})


class _Announce:
    """Runs at the commit, and only then consults the throttle: a rolled-back transaction
    announces nothing, and one that commits long after its event was written is not silenced
    by announcements made in the meantime."""

    def __init__(self, topic: str, followers: list[Task]) -> None:
        # ran: where tests run callbacks inside one transaction, a callback that ran stays listed.
        self.topic, self.followers, self.ran = topic, followers, False

    def __call__(self) -> None:
        self.ran = True
        now = time.monotonic()
        if now - _LAST_ANNOUNCED.get(self.topic, -FOLLOW_THROTTLE) < FOLLOW_THROTTLE:
            return
        _LAST_ANNOUNCED[self.topic] = now
        for follower in self.followers:
            enqueue_on_commit(follower)


@periodic(name="core.prune_worker_history", every=timedelta(hours=1))
@task()
def prune_worker_history() -> int:
    """The database queue keeps every finished task and the scheduler every run: keep
    worker.history_days of them (failed ones too, for as long)."""
    from django_tasks_db.models import DBTaskResult

    keep = timedelta(days=HISTORY_DAYS.get())
    deleted = prune_history(keep=keep)
    deleted += DBTaskResult.objects.finished().filter(finished_at__lt=clock.now() - keep).delete()[0]
    return deleted
