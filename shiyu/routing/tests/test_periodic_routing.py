"""The routing app's periodic jobs: the safety net for lost route_case tasks and the periodic
collection of dispatchers' corrections. Both must be idempotent."""

from datetime import timedelta

import pytest

from shiyu.cases import services as case_services
from shiyu.core import clock
from shiyu.core.periodic import _JOBS
from shiyu.routing.models import CaseSignature, RoutingCorrection, RoutingDecision
from shiyu.routing.services import corrections_collect_recent, route_missed
from shiyu.routing.services.intake import unrouted_case_ids

pytestmark = pytest.mark.django_db


def test_both_jobs_are_declared_periodic():
    import shiyu.routing.tasks  # noqa: F401 (registers the jobs)

    assert _JOBS["routing.route_missed"].every == timedelta(minutes=5)
    assert _JOBS["routing.corrections_collect"].every == timedelta(hours=1)


def test_a_case_whose_routing_task_was_lost_is_routed_once(city, submit_case):
    # Submitted outside django_capture_on_commit_callbacks: the on-commit enqueue never runs,
    # as when the queue loses the task.
    case = submit_case()
    assert not RoutingDecision.objects.filter(case_id=case.pk).exists()
    assert route_missed() == 0  # within the grace period route_case may still come
    later = clock.now() + timedelta(minutes=11)
    assert unrouted_case_ids(now=later) == [case.pk]
    assert route_missed(now=later) == 1
    assert RoutingDecision.objects.filter(case_id=case.pk).count() == 1
    assert CaseSignature.objects.filter(case_id=case.pk).exists()
    assert route_missed(now=later) == 0  # run again: nothing left
    assert unrouted_case_ids(now=later) == []
    assert unrouted_case_ids(now=clock.now() + timedelta(days=4)) == []  # beyond the look-back


def test_corrections_are_collected_periodically_and_once(
    city, submit_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case(category="C010101")
    decision = RoutingDecision.objects.get(case_id=case.pk)
    assert decision.department_id and decision.department_id != city.departments["ZJJ"].pk
    case_services.case_accept(actor=city.users["operator"], case_id=case.pk)
    # The dispatcher picks another unit on the case page, not through the routing panel.
    case_services.case_dispatch(
        actor=city.users["dispatcher"], case_id=case.pk, lead_department=city.departments["ZJJ"]
    )
    assert not RoutingCorrection.objects.exists()
    assert corrections_collect_recent() == 1
    assert corrections_collect_recent() == 0
    correction = RoutingCorrection.objects.get(case=case)
    assert correction.kind == "department" and correction.final == str(city.departments["ZJJ"].pk)
    # Older than the look-back: not read again (the job stays proportional to recent activity).
    RoutingCorrection.objects.all().delete()
    assert corrections_collect_recent(now=clock.now() + timedelta(days=3)) == 0
