"""Scheduled work of the disputes app."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic
from shiyu.disputes import services


@periodic(name="disputes.agreement_follow_up", every=timedelta(minutes=15))
@task()
def agreement_follow_up() -> int:
    """Agreements whose performance deadline has passed: the mediator is told to follow up.
    Idempotent: each agreement is reminded once (services.dispute_performance_remind)."""
    return services.agreements_due_sweep()
