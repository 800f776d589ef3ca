"""Background jobs of routing."""

from datetime import timedelta

from django_tasks import task

from shiyu.core.periodic import periodic


@task()
def route_case(case_id: int) -> None:
    """Suggestions, automatic dispatch and duplicate candidates for a new case. Off the request:
    the resident's submission is answered as soon as it is stored (classifying and the duplicate
    look-up took more than half of a submission's time when they ran inline). Safe to run twice:
    a case that already has its routing decision is left alone."""
    from shiyu.routing.services import route_after_intake

    route_after_intake(case_id)


@periodic(name="routing.route_missed", every=timedelta(minutes=5))
@task()
def route_missed() -> int:
    """The safety net under route_case: a recent case with no routing decision is routed now
    (its task was lost). Idempotent: a routed case is never routed again."""
    from shiyu.routing.services import route_missed as run

    return run()


@periodic(name="routing.corrections_collect", every=timedelta(hours=1))
@task()
def corrections_collect() -> int:
    """Dispatchers' corrections (category or unit other than the suggestion) kept as training
    signals, whichever page or API made them. Idempotent: each correction is stored once."""
    from shiyu.routing.services import corrections_collect_recent

    return corrections_collect_recent()
