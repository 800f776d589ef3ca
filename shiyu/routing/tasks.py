"""Background jobs of routing."""

from django_tasks import task


@task()
def route_case(case_id: int) -> None:
    """Suggestions, automatic dispatch and duplicate candidates for a new case. Off the request:
    the resident's submission is answered as soon as it is stored (classifying and the duplicate
    look-up took more than half of a submission's time when they ran inline). Safe to run twice:
    a case that already has its routing decision is left alone."""
    from shiyu.routing.services import route_after_intake

    route_after_intake(case_id)
