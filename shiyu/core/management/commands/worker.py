"""`shiyu worker`: runs queued tasks AND the periodic scheduler, in one process.

The main thread runs the queue worker of the configured backend: django-tasks-db's database worker
(SHIYU_TASKS=db) or an RQ worker on REDIS_URL (SHIYU_TASKS=rq). A second thread ticks the periodic
scheduler (shiyu/core/periodic.py) every --tick seconds. Start as many workers as you like, on as
many machines: the database lets only one of them claim each periodic slot. SIGTERM/SIGINT stop
it after the task in hand.
"""

import logging
import os
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django_tasks import task_backends

from shiyu.core import periodic

log = logging.getLogger("shiyu.worker")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        from argparse import ArgumentTypeError

        raise ArgumentTypeError(f"expected a positive number of seconds, not {text!r}")
    return value


class Command(BaseCommand):
    help = "Run background tasks and the periodic jobs (database queue, or RQ with SHIYU_TASKS=rq)."

    def add_arguments(self, parser):
        parser.add_argument("--queues", default="default",
                            help="comma-separated queue names (default: default)")
        parser.add_argument("--interval", type=_positive, default=1.0,
                            help="seconds between polls of an empty database queue (default 1)")
        parser.add_argument("--tick", type=_positive, default=5.0,
                            help="seconds between two runs of the periodic scheduler (default 5)")
        parser.add_argument("--no-scheduler", action="store_true", help="run queued tasks only")
        parser.add_argument("--jobs", default="",
                            help="comma-separated periodic jobs this worker schedules (default: all)")
        parser.add_argument("--batch", action="store_true",
                            help="one scheduler tick, then run every queued task and exit")
        parser.add_argument("--max-seconds", type=_positive,
                            help="stop (after the task in hand) when this many seconds have passed")
        parser.add_argument("--worker-id", default="", help="unique name of this worker (default: host:pid)")

    def handle(self, *args, queues, interval, tick, no_scheduler, jobs, batch, max_seconds, worker_id,
               **options):
        self._configure_logging(options["verbosity"])
        backend = task_backends["default"]
        kind = type(backend).__name__
        if kind not in ("DatabaseBackend", "RQBackend"):
            raise CommandError(f"the task backend {kind} has no worker: set SHIYU_TASKS=db or rq")
        queue_names = [q.strip() for q in queues.split(",") if q.strip()]
        worker_id = worker_id or periodic.worker_name()
        periodic.autodiscover()
        only = [name.strip() for name in jobs.split(",") if name.strip()] or None
        unknown = sorted(set(only or ()) - set(periodic.jobs()))
        if unknown:
            raise CommandError(f"no periodic job named {', '.join(unknown)}; "
                               f"known: {', '.join(periodic.jobs()) or 'none'}")
        scheduler = None if no_scheduler else periodic.Scheduler(only=only)
        names = "off" if scheduler is None else ", ".join(only or periodic.jobs()) or "none"
        self.stdout.write(f"shiyu worker {worker_id}: {kind}, queues {','.join(queue_names)}, "
                          f"periodic jobs: {names}")
        timer = None
        if max_seconds:
            # SIGTERM is what both workers already handle as "finish the task in hand, then stop".
            timer = threading.Timer(max_seconds, os.kill, (os.getpid(), signal.SIGTERM))
            timer.daemon = True
            timer.start()
        stop = threading.Event()
        thread = None
        if scheduler is not None:
            if batch:
                self._tick(scheduler)
            else:
                thread = threading.Thread(target=self._schedule, args=(scheduler, tick, stop), daemon=True,
                                          name="shiyu-scheduler")
                thread.start()
        try:
            if kind == "DatabaseBackend":
                self._run_database_worker(queue_names, interval, batch, worker_id)
            else:
                self._run_rq_worker(queue_names, batch, worker_id)
        except SystemExit as exit_:  # the database worker leaves by sys.exit on SIGTERM when idle
            if exit_.code not in (0, None):
                raise
        finally:
            if timer is not None:
                timer.cancel()  # a worker that stopped early must not be signalled later
            stop.set()
            if thread is not None:
                thread.join(timeout=60)  # let a tick in progress finish and close its connection

    def _configure_logging(self, verbosity: int) -> None:
        """-v 2 logs every task and periodic run; the default, warnings and failures only. The
        records go to the handlers settings.LOGGING configures (which mask personal data)."""
        level = logging.DEBUG if verbosity >= 3 else logging.INFO if verbosity == 2 else logging.WARNING
        for name in ("shiyu.worker", "shiyu.core.periodic", "django_tasks", "django_tasks_db", "rq.worker"):
            logging.getLogger(name).setLevel(level)

    def _tick(self, scheduler: periodic.Scheduler) -> None:
        close_old_connections()
        try:
            for name in scheduler.tick():
                log.info("periodic job %s enqueued", name)
        except Exception:
            log.exception("periodic scheduler tick failed")

    def _schedule(self, scheduler: periodic.Scheduler, tick: float, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                self._tick(scheduler)
                stop.wait(tick)
        finally:
            connection.close()  # this thread's own connection

    def _run_database_worker(self, queue_names, interval, batch, worker_id):
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(queue_names=queue_names, interval=interval, batch=batch, backend_name="default",
                        startup_delay=False, max_tasks=None, worker_id=worker_id[:64],
                        excluded_queue_names=[])
        worker.configure_signals()
        worker.run()

    def _run_rq_worker(self, queue_names, batch, worker_id):
        import django_rq
        from django_tasks_rq import Job
        from rq.worker import SimpleWorker

        # SimpleWorker runs jobs in this process: forking next to the scheduler thread could copy a
        # lock that thread holds into the child.
        worker = django_rq.get_worker(*queue_names, job_class=Job, worker_class=SimpleWorker,
                                      name=f"{worker_id}-{os.getpid()}"[:100])
        worker.work(burst=batch, with_scheduler=True,
                    logging_level="INFO" if settings.DEBUG else "WARNING")
