"""The engine behind every lifecycle table (cases, disputes): pure Python, no Django.

A lifecycle is a table (state, action) → Transition. Each app keeps its own states, actions and
table in its `workflow.py`; this module holds what they share: how a move is looked up, how its
required inputs and payload-dependent branches are checked, and how a stored event log replays
to a state. Keeping one engine means a fix to the guards reaches every lifecycle at once.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


class IllegalTransition(Exception):
    def __init__(self, state: object, action: str) -> None:
        self.state = state
        self.action = action
        super().__init__(f"{action} is not allowed in state {state}")


class MissingInput(Exception):
    def __init__(self, field_name: str) -> None:
        self.field = field_name
        super().__init__(f"{field_name} is required")


@dataclass(frozen=True)
class Transition(Generic[S]):
    to: S | None  # None: the action leaves the state as it is
    needs: frozenset[str] = frozenset()
    # For actions whose outcome depends on the payload: (field, {value: state}).
    branch: tuple[str, Mapping[str, S]] | None = field(default=None)


def move(to: S | None, *needs: str, branch: tuple[str, Mapping[str, S]] | None = None) -> Transition[S]:
    """One line of a table: the target state (None: stay) and the payload fields it needs."""
    return Transition(to, frozenset(needs), branch)


class Machine(Generic[S, A]):
    """Lookups over one lifecycle table. The first action (from state None) creates the object."""

    def __init__(self, table: Mapping[tuple[S | None, A], Transition[S]], action: Callable[[str], A]) -> None:
        self.table = table
        self.action = action

    def transition(self, state: S | None, action: str) -> Transition[S]:
        try:
            return self.table[(state, self.action(action))]
        except (KeyError, ValueError):
            raise IllegalTransition(state, action) from None

    def resolve(self, state: S | None, action: str, payload: Mapping[str, object]) -> S:
        """The state after `action` with `payload`; raises on an illegal move or missing input."""
        found = self.transition(state, action)
        for name in sorted(found.needs):
            value = payload.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise MissingInput(name)
        if found.branch is not None:
            field_name, outcomes = found.branch
            value = payload.get(field_name)
            # Only a known string picks a branch (an unhashable value must not blow up the lookup).
            if not isinstance(value, str) or value not in outcomes:
                raise MissingInput(field_name)
            return outcomes[value]
        if found.to is None:
            assert state is not None  # only the creating action starts from nothing, and it has a target
            return state
        return found.to

    def allowed_actions(self, state: S | None) -> list[A]:
        return [action for (s, action) in self.table if s == state]

    def replay(self, events: Iterable[tuple[str, Mapping[str, object]]]) -> S | None:
        """Rebuild the state from stored events (action, data)."""
        state: S | None = None
        for action, data in events:
            state = self.resolve(state, action, data)
        return state
