"""The mediation lifecycle as a table: (state, action) → transition. Pure Python, no Django.

    register → registered ─assign→ assigned ─hold_session→ mediating ─agree→ agreed
    agreed ─follow_up(performed)→ performed      agreed ─follow_up(not_performed)→ unperformed
    no agreement: refer(up) → registered at the committee one level up (a new mediator is assigned)
                  refer(arbitration | litigation | other) → referred
    withdraw → withdrawn (the applicant drops it)

Anything absent from TABLE is illegal. Guards that need the database (a committee above the
current one) live in the services; guards on the action's own payload live here.
"""

from enum import StrEnum

# IllegalTransition and MissingInput are re-exported: services catch them as workflow.<name>.
from shiyu.core.statemachine import IllegalTransition as IllegalTransition
from shiyu.core.statemachine import Machine, Transition
from shiyu.core.statemachine import MissingInput as MissingInput
from shiyu.core.statemachine import move as _t


class State(StrEnum):
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    MEDIATING = "mediating"
    AGREED = "agreed"
    PERFORMED = "performed"
    UNPERFORMED = "unperformed"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    REGISTER = "register"
    ASSIGN = "assign"
    HOLD_SESSION = "hold_session"
    AGREE = "agree"
    FOLLOW_UP = "follow_up"
    REFER = "refer"
    WITHDRAW = "withdraw"
    ASSESS_RISK = "assess_risk"
    REMIND = "remind"  # the performance deadline passed (system only)


TERMINAL = frozenset({State.PERFORMED, State.REFERRED, State.WITHDRAWN})
# A tuple first: the table below is built by iterating over it, and must not depend on hashing.
_OPEN = (State.REGISTERED, State.ASSIGNED, State.MEDIATING, State.AGREED, State.UNPERFORMED)
OPEN_STATES = frozenset(_OPEN)
# States where mediation took place and ended with an outcome (the success rate's denominator).
MEDIATED = frozenset({State.AGREED, State.PERFORMED, State.UNPERFORMED, State.REFERRED})
REFERRAL_TARGETS = ("up", "arbitration", "litigation", "other")


_FOLLOW_UP = ("performance", {"performed": State.PERFORMED, "not_performed": State.UNPERFORMED})
_REFER = (
    "target",
    {
        "up": State.REGISTERED,
        "arbitration": State.REFERRED,
        "litigation": State.REFERRED,
        "other": State.REFERRED,
    },
)
_REFER_OUT = (
    "target",
    {"arbitration": State.REFERRED, "litigation": State.REFERRED, "other": State.REFERRED},
)
_ACTIVE = (State.REGISTERED, State.ASSIGNED, State.MEDIATING)

TABLE: dict[tuple[State | None, Action], Transition[State]] = {
    (None, Action.REGISTER): _t(State.REGISTERED),
    (State.REGISTERED, Action.ASSIGN): _t(State.ASSIGNED, "mediator"),
    (State.ASSIGNED, Action.ASSIGN): _t(None, "mediator"),
    (State.MEDIATING, Action.ASSIGN): _t(None, "mediator"),
    (State.ASSIGNED, Action.HOLD_SESSION): _t(State.MEDIATING, "held_at", "summary"),
    (State.MEDIATING, Action.HOLD_SESSION): _t(None, "held_at", "summary"),
    (State.MEDIATING, Action.AGREE): _t(State.AGREED, "terms", "deadline"),
    (State.AGREED, Action.FOLLOW_UP): _t(None, "performance", branch=_FOLLOW_UP),
    (State.AGREED, Action.REMIND): _t(None),
    # No agreement: a committee that never met the parties may still pass the matter on.
    **{(s, Action.REFER): _t(None, "target", "reason", branch=_REFER) for s in _ACTIVE},
    # A broken agreement goes to the courts or arbitration (not back to mediation).
    (State.UNPERFORMED, Action.REFER): _t(None, "target", "reason", branch=_REFER_OUT),
    **{(s, Action.WITHDRAW): _t(State.WITHDRAWN, "reason") for s in _ACTIVE},
    **{(s, Action.ASSESS_RISK): _t(None, "level") for s in _OPEN},
}

# The default policy (accounts.RolePermission rows, seeded by a migration): role → permission
# "dispute_<action>". "convert" is taken on a case, "view_parties" reveals names and contacts.
DEFAULT_ROLES: dict[str, frozenset[str]] = {
    "register": frozenset({"mediator"}),
    "convert": frozenset({"operator"}),
    "assign": frozenset({"mediator"}),
    "hold_session": frozenset({"mediator"}),
    "agree": frozenset({"mediator"}),
    "follow_up": frozenset({"mediator"}),
    "refer": frozenset({"mediator"}),
    "withdraw": frozenset({"mediator"}),
    "assess_risk": frozenset({"mediator", "supervisor"}),
    "view_parties": frozenset({"mediator"}),
}


def permission(action: str) -> str:
    return f"dispute_{action}"


_MACHINE: Machine[State, Action] = Machine(TABLE, Action)
transition = _MACHINE.transition
resolve = _MACHINE.resolve  # the state after an action with its payload; raises on illegal or missing
allowed_actions = _MACHINE.allowed_actions
replay = _MACHINE.replay  # rebuild a dispute's state from its events (action, data)
