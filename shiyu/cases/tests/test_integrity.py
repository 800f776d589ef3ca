"""The crash check: a case's row must agree with its events (shiyu/cases/integrity.py)."""

import pytest
from django.db.models import F

from shiyu.cases import services
from shiyu.cases.integrity import case_mismatches
from shiyu.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(city, submit_case):
    """Three cases at different points of the lifecycle, moved through the real services."""
    users, hbj = city.users, city.departments["HBJ"].pk
    fresh = submit_case(title="刚提交")
    accepted = submit_case(title="已受理")
    services.case_perform(actor=users["operator"], case_id=accepted.pk, action="accept", payload={})
    dispatched = submit_case(title="已派单")
    services.case_perform(actor=users["operator"], case_id=dispatched.pk, action="accept", payload={})
    services.case_perform(actor=users["dispatcher"], case_id=dispatched.pk, action="dispatch",
                          payload={"lead_department": hbj})
    services.case_perform(actor=users["leader"], case_id=dispatched.pk, action="comment",
                          payload={"text": "请尽快处理"})
    return fresh, accepted, dispatched


def test_cases_moved_by_the_services_agree_with_their_events(moved):
    assert Case.objects.count() == 3
    assert case_mismatches() == []
    assert case_mismatches(case_ids=[moved[2].pk], batch=1) == []


def test_a_state_changed_behind_the_events_back_is_reported(moved):
    fresh, accepted, dispatched = moved
    Case.objects.filter(pk=accepted.pk).update(state="closed")
    found = case_mismatches(batch=2)  # batches smaller than the table: the mismatch is still found
    assert [(m.case_id, m.code) for m in found] == [(accepted.pk, accepted.code)]
    assert "closed" in found[0].problem


def test_a_doubled_transition_and_a_stale_version_are_reported(moved):
    fresh, accepted, dispatched = moved
    first = CaseEvent.objects.filter(case=accepted, action="accept").get()
    CaseEvent.objects.create(case=accepted, action="accept", from_state="submitted", to_state="accepted",
                             created_at=first.created_at)  # a retried action applied twice
    Case.objects.filter(pk=dispatched.pk).update(version=F("version") + 1)  # a lost event
    problems = {m.case_id: m.problem for m in case_mismatches()}
    assert set(problems) == {accepted.pk, dispatched.pk}
    assert "from 'submitted' but the case was 'accepted'" in problems[accepted.pk]
    assert "version" in problems[dispatched.pk]
    assert case_mismatches(case_ids=[fresh.pk]) == []
