"""The case lifecycle as a table: (state, action) → transition. Pure Python, no Django.

Anything absent from TABLE is illegal. Guards that need the database (a pending extension,
a merge target) live in the services; guards on the action's own payload live here.
"""

from enum import StrEnum

# IllegalTransition and MissingInput are re-exported: services catch them as workflow.<name>.
from shiyu.core.statemachine import IllegalTransition as IllegalTransition
from shiyu.core.statemachine import Machine, Transition
from shiyu.core.statemachine import MissingInput as MissingInput
from shiyu.core.statemachine import move as _t


class State(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    CLOSED = "closed"
    REOPENED = "reopened"
    REJECTED = "rejected"
    MERGED = "merged"


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REJECT = "reject"
    MERGE = "merge"
    ANSWER = "answer"  # a reply on first contact, without dispatching
    DISPATCH = "dispatch"
    ACKNOWLEDGE = "acknowledge"
    RETURN = "return"
    TRANSFER = "transfer"
    REPLY = "reply"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"
    REOPEN = "reopen"
    EXTEND_REQUEST = "extend_request"
    EXTEND_APPROVE = "extend_approve"
    EXTEND_DENY = "extend_deny"
    URGE = "urge"
    ESCALATE = "escalate"
    COMMENT = "comment"
    PAUSE = "pause"  # 挂起: waiting for the resident; the clocks stop
    RESUME = "resume"
    REMIND = "remind"  # the supervision ladder's reminder (system only)
    # Reply quality: a low-scoring reply is held (the reply verb's outcome, not a separate
    # choice) until a supervisor sends it out or returns it to the unit for revision.
    REPLY_HOLD = "reply_hold"
    REPLY_APPROVE = "reply_approve"
    REPLY_REJECT = "reply_reject"


TERMINAL = frozenset({State.REJECTED, State.MERGED})
OPEN_STATES = frozenset({State.SUBMITTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS,
                         State.REOPENED})
SATISFACTION = ("satisfied", "unsatisfied", "unreachable")


_FOLLOW_UP = ("satisfaction", {"satisfied": State.CLOSED, "unreachable": State.CLOSED,
                               "unsatisfied": State.REOPENED})
_STAY = None
_WORKING = (State.DISPATCHED, State.IN_PROGRESS)
_SUPERVISED = (State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.REOPENED)

TABLE: dict[tuple[State | None, Action], Transition[State]] = {
    (None, Action.SUBMIT): _t(State.SUBMITTED),
    (State.SUBMITTED, Action.ACCEPT): _t(State.ACCEPTED),
    (State.SUBMITTED, Action.REJECT): _t(State.REJECTED, "reason"),
    (State.SUBMITTED, Action.MERGE): _t(State.MERGED, "target"),
    (State.ACCEPTED, Action.REJECT): _t(State.REJECTED, "reason"),
    (State.ACCEPTED, Action.MERGE): _t(State.MERGED, "target"),
    (State.ACCEPTED, Action.ANSWER): _t(State.REPLIED, "text"),
    (State.ACCEPTED, Action.DISPATCH): _t(State.DISPATCHED, "lead_department"),
    (State.REOPENED, Action.DISPATCH): _t(State.DISPATCHED, "lead_department"),
    (State.DISPATCHED, Action.ACKNOWLEDGE): _t(State.IN_PROGRESS),
    (State.DISPATCHED, Action.RETURN): _t(State.ACCEPTED, "reason"),
    (State.IN_PROGRESS, Action.RETURN): _t(State.ACCEPTED, "reason"),
    (State.DISPATCHED, Action.TRANSFER): _t(State.DISPATCHED, "lead_department"),
    (State.IN_PROGRESS, Action.TRANSFER): _t(State.DISPATCHED, "lead_department"),
    (State.IN_PROGRESS, Action.REPLY): _t(State.REPLIED, "text"),
    (State.REPLIED, Action.FOLLOW_UP): _t(None, "satisfaction", branch=_FOLLOW_UP),
    (State.REPLIED, Action.CLOSE): _t(State.CLOSED),
    (State.CLOSED, Action.REOPEN): _t(State.REOPENED, "reason"),
    **{(s, Action.EXTEND_REQUEST): _t(_STAY, "reason", "days") for s in _WORKING},
    **{(s, Action.EXTEND_APPROVE): _t(_STAY) for s in _WORKING},
    **{(s, Action.EXTEND_DENY): _t(_STAY, "reason") for s in _WORKING},
    **{(s, Action.URGE): _t(_STAY) for s in _SUPERVISED},
    **{(s, Action.ESCALATE): _t(_STAY) for s in _SUPERVISED},
    **{(s, Action.COMMENT): _t(_STAY, "text") for s in State},
    **{(s, Action.PAUSE): _t(_STAY, "reason") for s in _WORKING},
    **{(s, Action.RESUME): _t(_STAY) for s in _WORKING},
    **{(s, Action.REMIND): _t(_STAY) for s in (*_WORKING, State.REPLIED)},
    (State.IN_PROGRESS, Action.REPLY_HOLD): _t(_STAY, "text"),
    (State.IN_PROGRESS, Action.REPLY_APPROVE): _t(State.REPLIED),
    (State.IN_PROGRESS, Action.REPLY_REJECT): _t(_STAY, "reason"),
}

# The default policy: which role may take which action. The live policy is data in the
# database (accounts.RolePermission), seeded from this and editable by the administrator.
DEFAULT_ROLES: dict[Action, frozenset[str]] = {
    Action.ACCEPT: frozenset({"operator"}),
    Action.REJECT: frozenset({"operator"}),
    Action.MERGE: frozenset({"operator"}),
    Action.ANSWER: frozenset({"operator"}),
    Action.FOLLOW_UP: frozenset({"operator"}),
    Action.CLOSE: frozenset({"operator"}),
    Action.DISPATCH: frozenset({"dispatcher"}),
    Action.TRANSFER: frozenset({"dispatcher"}),
    Action.ACKNOWLEDGE: frozenset({"handler", "unithead"}),
    Action.RETURN: frozenset({"handler", "unithead"}),
    Action.REPLY: frozenset({"handler", "unithead"}),
    Action.EXTEND_REQUEST: frozenset({"handler"}),
    Action.EXTEND_APPROVE: frozenset({"unithead", "supervisor"}),
    Action.EXTEND_DENY: frozenset({"unithead", "supervisor"}),
    Action.URGE: frozenset({"supervisor"}),
    Action.ESCALATE: frozenset({"supervisor"}),
    Action.REOPEN: frozenset({"supervisor", "operator"}),
    Action.COMMENT: frozenset({"operator", "dispatcher", "handler", "unithead", "supervisor", "leader"}),
    Action.PAUSE: frozenset({"handler", "unithead"}),
    Action.RESUME: frozenset({"handler", "unithead"}),
    Action.REPLY_APPROVE: frozenset({"supervisor"}),
    Action.REPLY_REJECT: frozenset({"supervisor"}),
    # REMIND: no role; only the system user's sweep takes it. REPLY_HOLD: the reply verb's
    # outcome when the reply-quality hold applies (checked as "reply").
}
# Not workflow actions, but permissions all the same.
EXTRA_PERMISSIONS: dict[str, frozenset[str]] = {
    "view_contact": frozenset({"operator", "handler", "unithead"}),
}


_MACHINE: Machine[State, Action] = Machine(TABLE, Action)
transition = _MACHINE.transition
resolve = _MACHINE.resolve  # the state after an action with its payload; raises on illegal or missing
allowed_actions = _MACHINE.allowed_actions
replay = _MACHINE.replay  # rebuild a case's state from its events (action, data)
