"""Delivery after commit, and the periodic retry of what failed or was never enqueued."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic
from shiyu.notifications import services


@task()
def deliver(outbox_id: int) -> str:
    return services.outbox_deliver(outbox_id)


@periodic(name="notifications.retry", every=timedelta(minutes=1))
@task()
def retry_due() -> int:
    """Rows whose retry time has come (or whose worker died mid-send); safe to run twice."""
    sent = 0
    for pk in services.outbox_due_ids():
        sent += services.outbox_deliver(pk) == "sent"
    return sent
