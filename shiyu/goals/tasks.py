"""Background jobs of goals: the supervision ladder of overdue milestones."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic


@periodic(name="goals.milestone_ladder", every=timedelta(hours=1))
@task()
def milestone_ladder() -> None:
    """Remind owner units of overdue milestones, escalate to supervisors after the margin. Each
    step happens once per milestone, however often this runs (see services.ladder)."""
    from shiyu.goals.services import milestone_ladder_run

    milestone_ladder_run()
