"""Keeping the rollups current: after case events (announced by the cases services, see
core.tasks.follow) and every ROLLUP_EVERY as the safety net."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic

ROLLUP_EVERY = timedelta(seconds=10)


@periodic(name="insights.rollups_refresh", every=ROLLUP_EVERY, lease=timedelta(minutes=5))
@task()
def rollups_refresh() -> int:
    """Apply every event committed since the last run; safe to run twice or concurrently (the
    cursor lock serialises runs and applying a case is idempotent)."""
    from shiyu.insights.services import rollups_refresh_all

    return rollups_refresh_all()
