"""Random legal walks through the real services: the stored events always replay to the state."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shiyu.cases import services, workflow
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import errors

# Who takes each action in the walk (a user whose role carries it by default).
ACTOR = {
    "accept": "operator", "reject": "operator", "merge": "operator", "answer": "operator",
    "follow_up": "operator", "close": "operator", "reopen": "supervisor", "dispatch": "dispatcher",
    "transfer": "dispatcher", "acknowledge": "handler", "return": "handler", "reply": "unithead",
    "extend_request": "handler", "extend_approve": "unithead", "extend_deny": "supervisor",
    "urge": "supervisor", "escalate": "supervisor", "comment": "leader",
    "pause": "handler", "resume": "unithead", "reply_approve": "supervisor", "reply_reject": "supervisor",
}
# Taken only by the system user's deadline sweep (tests/test_ladder walks those), or recorded by
# another verb: a held reply is the reply verb's outcome (shiyu/cases/tests/test_replyquality.py).
SYSTEM_ONLY = {"remind", "reply_hold"}
# The resident's own moves, by tracking code, with no user at all.
RESIDENT = {"replied": ["resident_feedback"], "closed": ["resident_reopen"]}


def _step(city, case: Case, action: str, data) -> None:
    users, depts = city.users, city.departments
    if action == "resident_feedback":
        services.case_resident_feedback(
            code=case.code, satisfaction=data.draw(st.sampled_from(["satisfied", "unsatisfied"])))
        return
    if action == "resident_reopen":
        services.case_resident_reopen(code=case.code, reason="问题又出现了")
        return
    payload: dict = {"reason": "原因说明", "text": "处理情况", "days": data.draw(st.integers(1, 10)),
                     "satisfaction": data.draw(st.sampled_from(workflow.SATISFACTION))}
    if action == "dispatch":
        payload["lead_department"] = data.draw(st.sampled_from([depts["HBJ"].pk, depts["CGJ"].pk]))
        payload["assisting_departments"] = data.draw(st.sampled_from([[], [depts["JTJ"].pk]]))
    elif action == "transfer":
        # Between the two units the handler belongs to, so the walk can continue.
        payload["lead_department"] = (depts["CGJ"] if case.lead_department_id == depts["HBJ"].pk
                                      else depts["HBJ"]).pk
    elif action == "merge":
        payload["target"] = Case.objects.filter(title="合并目标").values_list("pk", flat=True).first()
    services.case_perform(actor=users[ACTOR[action]], case_id=case.pk, action=action, payload=payload,
                          version=case.version)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_legal_sequences_replay_to_the_state(city, submit_case, data):
    if not Case.objects.filter(title="合并目标").exists():
        submit_case(title="合并目标")
    case = submit_case(title=data.draw(st.sampled_from(["路灯不亮", "噪音扰民", "占道经营"])))
    for _ in range(data.draw(st.integers(1, 25), label="length")):
        options = [a.value for a in workflow.allowed_actions(workflow.State(case.state))
                   if a.value not in SYSTEM_ONLY]
        options += RESIDENT.get(case.state, [])
        action = data.draw(st.sampled_from(options), label="action")
        before = (case.state, case.version, CaseEvent.objects.filter(case=case).count())
        try:
            _step(city, case, action, data)
        except errors.IllegalTransition:  # a legal walk never hits one
            raise
        except (errors.Conflict, errors.InvalidInput):
            # Database guards (no pending extension, top escalation level): nothing may change.
            case.refresh_from_db()
            assert (case.state, case.version, CaseEvent.objects.filter(case=case).count()) == before
            continue
        case.refresh_from_db()
        assert case.state in {s.value for s in workflow.State}
        assert case.version > before[1]
    for each in Case.objects.all():
        events = CaseEvent.objects.filter(case=each).order_by("id")
        assert workflow.replay((e.action, e.data) for e in events) == each.state, each.code
        # The events chain: every event starts where the previous one ended.
        states = list(events.values_list("from_state", "to_state"))
        assert all(prev[1] == nxt[0] for prev, nxt in zip(states, states[1:], strict=False))
        assert each.version == len(states)
