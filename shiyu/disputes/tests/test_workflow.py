"""The mediation workflow table, exhaustively and without a database."""

import itertools

import pytest

from shiyu.disputes import risk, workflow
from shiyu.disputes.workflow import Action, State

PAYLOAD = {
    "mediator": 3,
    "held_at": "2026-01-01T10:00",
    "summary": "双方到场",
    "terms": "赔偿两千元",
    "deadline": "2026-02-01",
    "performance": "performed",
    "target": "up",
    "reason": "未达成协议",
    "level": "high",
}


@pytest.mark.parametrize("state,action", list(itertools.product([None, *State], Action)))
def test_every_pair_is_in_the_table_or_illegal(state, action):
    if (state, action) in workflow.TABLE:
        payload = {**PAYLOAD, "target": "litigation"} if state == State.UNPERFORMED else PAYLOAD
        to = workflow.resolve(state, action, payload)
        assert isinstance(to, State)
    else:
        with pytest.raises(workflow.IllegalTransition):
            workflow.resolve(state, action, PAYLOAD)


def test_the_happy_path_and_its_replay():
    events = [
        ("register", {}),
        ("assign", {"mediator": 1}),
        ("hold_session", {"held_at": "x", "summary": "s"}),
        ("hold_session", {"held_at": "y", "summary": "t"}),
        ("agree", {"terms": "t", "deadline": "d"}),
        ("remind", {}),
        ("follow_up", {"performance": "performed"}),
    ]
    assert workflow.replay(events) == State.PERFORMED
    assert (
        workflow.replay(events[:-1] + [("follow_up", {"performance": "not_performed"})]) == State.UNPERFORMED
    )


def test_referral_up_goes_back_to_registration_and_out_is_final():
    assert workflow.resolve(State.MEDIATING, "refer", {"target": "up", "reason": "r"}) == State.REGISTERED
    for target in ("arbitration", "litigation", "other"):
        assert workflow.resolve(State.ASSIGNED, "refer", {"target": target, "reason": "r"}) == State.REFERRED
        assert (
            workflow.resolve(State.UNPERFORMED, "refer", {"target": target, "reason": "r"}) == State.REFERRED
        )
    # A broken agreement is not mediated again.
    with pytest.raises(workflow.MissingInput):
        workflow.resolve(State.UNPERFORMED, "refer", {"target": "up", "reason": "r"})
    with pytest.raises(workflow.MissingInput):
        workflow.resolve(State.MEDIATING, "refer", {"target": "court", "reason": "r"})


@pytest.mark.parametrize("state,action", [k for k, t in workflow.TABLE.items() if t.needs])
def test_each_required_input_is_required(state, action):
    move = workflow.TABLE[(state, action)]
    for name in move.needs:
        with pytest.raises(workflow.MissingInput):
            workflow.resolve(state, action, {**PAYLOAD, name: " "})


def test_terminal_states_allow_nothing():
    for state in workflow.TERMINAL:
        assert workflow.allowed_actions(state) == []


def test_no_agreement_without_a_session_and_no_withdrawal_after_agreement():
    with pytest.raises(workflow.IllegalTransition):
        workflow.resolve(State.ASSIGNED, "agree", PAYLOAD)
    with pytest.raises(workflow.IllegalTransition):
        workflow.resolve(State.AGREED, "withdraw", PAYLOAD)


def test_every_action_but_remind_has_a_default_role():
    assert {str(a) for a in Action} - {"remind"} <= set(workflow.DEFAULT_ROLES)


def test_risk_rules():
    calm = risk.assess(text="楼上漏水", type_code="neighbour", parties=2, amount=None)
    assert calm == risk.Assessment("low", ())
    threat = risk.assess(text="再不给钱就跳楼", type_code="labour", parties=2, amount=None)
    assert threat.level == "high" and "threat_words" in threat.reasons
    group = risk.assess(text="工资拖欠", type_code="labour", parties=12, amount=None)
    assert group.level == "high" and group.reasons == ("group",)
    assert risk.assess(text="装修", type_code="property", parties=6, amount=None).level == "medium"
    from decimal import Decimal

    assert risk.assess(text="x", type_code="consumer", parties=2, amount=Decimal("30000")).level == "medium"
    assert risk.assess(text="x", type_code="labour", parties=2, amount=Decimal("200000")).level == "high"
