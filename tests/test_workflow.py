"""The workflow table, tested without a database."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shiyu.cases import workflow
from shiyu.cases.workflow import TABLE, TERMINAL, Action, IllegalTransition, MissingInput, State

STATES: list[State | None] = [None, *State]

# A payload that satisfies every field any action may need.
FULL_PAYLOAD = {"reason": "原因", "target": 7, "text": "答复内容", "lead_department": 3,
                "satisfaction": "satisfied", "days": 5}


def _needs() -> set[str]:
    return set().union(*(t.needs for t in TABLE.values()))


def test_full_payload_covers_every_needed_field():
    assert _needs() <= set(FULL_PAYLOAD)


@pytest.mark.parametrize(("state", "action"), list(itertools.product(STATES, Action)),
                         ids=lambda v: str(v))
def test_every_pair_is_in_the_table_or_illegal(state, action):
    if (state, action) in TABLE:
        result = workflow.resolve(state, action.value, FULL_PAYLOAD)
        assert result in State
        expected = TABLE[(state, action)].to
        if TABLE[(state, action)].branch is None:
            assert result == (expected if expected is not None else state)
    else:
        with pytest.raises(IllegalTransition) as info:
            workflow.resolve(state, action.value, FULL_PAYLOAD)
        assert info.value.state == state and info.value.action == action.value
        assert action not in workflow.allowed_actions(state)


def test_table_has_only_known_states_and_actions():
    for (state, action), move in TABLE.items():
        assert state is None or state in State
        assert action in Action
        assert move.to is None or move.to in State
    # Only submit starts a case, and nothing re-submits one.
    assert [k for k in TABLE if k[0] is None] == [(None, Action.SUBMIT)]
    assert all(a != Action.SUBMIT for (s, a) in TABLE if s is not None)


@pytest.mark.parametrize("action", ["", "ACCEPT", "delete", "accept ", "submit\x00"])
def test_unknown_action_names_are_illegal(action):
    for state in STATES:
        with pytest.raises(IllegalTransition):
            workflow.resolve(state, action, FULL_PAYLOAD)


REQUIRED = [(state, action, name) for (state, action), move in TABLE.items() for name in sorted(move.needs)]


@pytest.mark.parametrize(("state", "action", "name"), REQUIRED, ids=lambda v: str(v))
@pytest.mark.parametrize("empty", [None, "", "   ", "\n\t", "missing"])
def test_required_fields_raise_missing_input_when_empty(state, action, name, empty):
    payload = dict(FULL_PAYLOAD)
    if empty == "missing":
        del payload[name]
    else:
        payload[name] = empty
    with pytest.raises(MissingInput) as info:
        workflow.resolve(state, action.value, payload)
    assert info.value.field == name


def test_actions_that_need_nothing_accept_an_empty_payload():
    for (state, action), move in TABLE.items():
        if not move.needs:
            assert workflow.resolve(state, action.value, {}) in State


@pytest.mark.parametrize(("satisfaction", "expected"), [
    ("satisfied", State.CLOSED), ("unreachable", State.CLOSED), ("unsatisfied", State.REOPENED)])
def test_follow_up_branches(satisfaction, expected):
    assert workflow.resolve(State.REPLIED, "follow_up", {"satisfaction": satisfaction}) == expected


@pytest.mark.parametrize("bad", ["Satisfied", "ok", "满意", 1, True, ["satisfied"]])
def test_follow_up_rejects_unknown_satisfaction(bad):
    with pytest.raises(MissingInput) as info:
        workflow.resolve(State.REPLIED, "follow_up", {"satisfaction": bad})
    assert info.value.field == "satisfaction"


def test_follow_up_only_after_a_reply():
    for state in STATES:
        if state != State.REPLIED:
            with pytest.raises(IllegalTransition):
                workflow.resolve(state, "follow_up", {"satisfaction": "satisfied"})


def test_the_designed_loop():
    events = [("submit", {}), ("accept", {}), ("dispatch", {"lead_department": 1}),
              ("acknowledge", {}), ("reply", {"text": "已处理"}),
              ("follow_up", {"satisfaction": "unsatisfied"}), ("dispatch", {"lead_department": 2}),
              ("acknowledge", {}), ("reply", {"text": "已再次处理"}),
              ("follow_up", {"satisfaction": "satisfied"}), ("reopen", {"reason": "又出现"})]
    assert workflow.replay(events) == State.REOPENED
    assert workflow.replay(events[:-1]) == State.CLOSED
    assert workflow.replay([]) is None


@pytest.mark.parametrize("state", sorted(TERMINAL))
def test_terminal_states_accept_no_state_changing_action(state):
    for action in Action:
        try:
            result = workflow.resolve(state, action.value, FULL_PAYLOAD)
        except IllegalTransition:
            continue
        assert result == state, f"{action} moves a {state} case to {result}"
    # The only thing left to do with a closed matter is to talk about it.
    assert set(workflow.allowed_actions(state)) == {Action.COMMENT}


# --- random sequences -------------------------------------------------------------------------

payload_values = st.one_of(st.none(), st.just(""), st.just("  "), st.text(max_size=5),
                           st.integers(-2, 100), st.sampled_from(workflow.SATISFACTION),
                           st.lists(st.sampled_from(workflow.SATISFACTION), max_size=2))
payloads = st.dictionaries(st.sampled_from(sorted(_needs() | {"note", "version"})), payload_values,
                           max_size=6)
steps = st.lists(st.tuples(st.sampled_from(list(Action)), payloads), max_size=40)


@settings(max_examples=300, deadline=None)
@given(steps)
def test_random_sequences_stay_in_states_and_replay(sequence):
    state: State | None = None
    accepted: list[tuple[str, dict]] = []
    for action, payload in sequence:
        try:
            new = workflow.resolve(state, action.value, payload)
        except (IllegalTransition, MissingInput):
            continue
        assert new in State
        if state in TERMINAL:
            assert new == state
        state = new
        accepted.append((action.value, payload))
    assert workflow.replay(accepted) == state
    if accepted:
        assert accepted[0][0] == "submit"


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_legal_walks_replay(data):
    """Walks that only take allowed actions with valid payloads never get stuck outside State."""
    state = workflow.resolve(None, "submit", {})
    events: list[tuple[str, dict]] = [("submit", {})]
    for _ in range(data.draw(st.integers(0, 30))):
        action = data.draw(st.sampled_from(workflow.allowed_actions(state)))
        payload = dict(FULL_PAYLOAD)
        payload["satisfaction"] = data.draw(st.sampled_from(workflow.SATISFACTION))
        state = workflow.resolve(state, action.value, payload)
        assert state in State
        events.append((action.value, payload))
    assert workflow.replay(events) == state
