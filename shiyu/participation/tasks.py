"""Background jobs of participation: closing proposals whose support period has ended."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic


@periodic(name="participation.expire", every=timedelta(hours=1))
@task()
def proposals_expire() -> None:
    """Proposals still collecting support past their period become expired (see services)."""
    from shiyu.participation.services import proposals_expire as run

    run()
