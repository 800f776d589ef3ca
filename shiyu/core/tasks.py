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
