"""The one transition routine every verb goes through."""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F

from shiyu.accounts import policies
from shiyu.accounts.services import system_user
from shiyu.audit.services import audit_record
from shiyu.cases import deadlines, workflow
from shiyu.cases.models import Case, CaseEvent
from shiyu.cases.selectors import target_of
from shiyu.cases.services import notify
from shiyu.cases.services.fields import required as missing
from shiyu.core import clock, errors
from shiyu.core.ids import is_valid_id
from shiyu.core.tasks import announce_on_commit

# Actions whose events the resident sees on the tracking page.
PUBLIC_ACTIONS = frozenset({"submit", "accept", "reject", "merge", "answer", "dispatch", "acknowledge",
                            "transfer", "reply", "follow_up", "close", "reopen", "pause", "resume",
                            "reply_approve"})
PROBLEM_THRESHOLD = 3
EVENT_TOPIC = "cases.event"


def lock_case(case_id: int, *, actor: Any = None, action: str = "") -> Case:
    """Load a case for change. PostgreSQL locks the row; SQLite's IMMEDIATE transaction
    already holds the database write lock. With an actor, access is checked before anything
    else, so input errors never tell an outsider that the case exists."""
    if not is_valid_id(case_id):
        raise errors.NotFound()
    if connection.features.has_select_for_update:
        # Lock the bare row first. Locking a join instead would, after waiting for a concurrent
        # writer, re-check the row against the joined rows read before the wait: a case whose
        # lead department had just changed would vanish (NotFound instead of Conflict).
        list(Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True))
    # order_by("pk"): the model's default ordering would compile ORDER BY submitted_at for one row.
    # Area and lead unit decide access; the category is read lazily by the one verb that needs it.
    case = Case.objects.select_related("area", "lead_department").filter(
        pk=case_id).order_by("pk").first()
    if case is None:
        raise errors.NotFound()
    if action:
        check_access(actor, action, case)
    return case


def check_access(actor: Any, action: str, case: Case) -> None:
    target = target_of(case)
    if actor is not None and getattr(actor, "is_system", False):
        return
    if not policies.can_see(actor, target):
        raise errors.NotFound()
    if not policies.can(actor, action, target):
        raise errors.Forbidden()


def apply(*, actor: Any, case: Case, action: str, version: int | None,
          payload: Mapping[str, Any], changes: Callable[[Case, workflow.State, datetime], dict] | None = None,
          note: str = "", data: dict[str, Any] | None = None) -> Case:
    """Move `case` by `action`: state, event and audit in the caller's transaction.

    Access is not checked here: the verbs check it when they lock the case (lock_case with an
    action), the resident's verbs hold the tracking code, and the system user escalates."""
    if version is not None and case.version != version:
        raise errors.Conflict()
    try:
        to_state = workflow.resolve(workflow.State(case.state), action, payload)
    except workflow.IllegalTransition:
        raise errors.IllegalTransition() from None
    except workflow.MissingInput as exc:
        raise missing(exc.field) from None
    now = clock.now()
    from_state = case.state
    update: dict[str, Any] = {"state": to_state.value, "version": F("version") + 1, "updated_at": now}
    if changes is not None:
        update.update(changes(case, to_state, now))
    if "escalation_level" in update:
        update["supervising_area_id"] = supervising_area_id(case, update["escalation_level"])
    # Every move may start, stop or shift a clock: the ladder's next check follows it.
    projected = {name: update.get(name, getattr(case, name)) for name in deadlines.CLOCK_FIELDS}
    update.update(deadlines.schedule(projected, now, cap=escalation_cap(case)))
    if not Case.objects.filter(pk=case.pk, version=case.version).update(**update):
        raise errors.Conflict()
    event_data = {k: v for k, v in payload.items() if k in workflow.transition(
        workflow.State(from_state), action).needs}
    event_data.update(data or {})
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = CaseEvent.objects.create(case=case, actor_id=actor_id, action=action, from_state=from_state,
                                     to_state=to_state.value, note=note, data=event_data,
                                     is_public=action in PUBLIC_ACTIONS, created_at=now)
    audit_record(actor=actor, verb=f"case.{action}", obj=case,
                 data={"from": from_state, "to": to_state.value})
    announce_on_commit(EVENT_TOPIC)  # read models (insights' rollups) follow the event log
    # The row now holds exactly `update`; mirror it instead of reading the row back.
    update["version"] = case.version + 1
    for name, value in update.items():
        setattr(case, name, value)
    notify.after_event(case, event)
    return case


def supervising_area_id(case: Case, level: int) -> int | None:
    """The area `level` steps above the case's own (the city at most); None at level 0."""
    path = case.area.path if case.area_id and case.area is not None else ""
    ids = [int(p) for p in path.strip("/").split("/") if p]
    if not level or not ids:
        return None
    return ids[max(len(ids) - 1 - level, 0)]


def escalation_cap(case: Case) -> int:
    """Area levels above the case's own (a grid has four: community, street, district, city)."""
    path = case.area.path if case.area_id and case.area is not None else None
    return deadlines.escalation_cap(path.strip("/").count("/") if path else None)


def mark_problem_if_needed(case: Case) -> Case:
    """Three reopenings or three transfers make a problem case (问题工单), escalated at once."""
    if case.is_problem or (case.reopen_count < PROBLEM_THRESHOLD
                           and case.transfer_count < PROBLEM_THRESHOLD):
        return case
    Case.objects.filter(pk=case.pk).update(is_problem=True)
    case.is_problem = True
    if (workflow.State(case.state), workflow.Action.ESCALATE) in workflow.TABLE:
        reason = "reopened" if case.reopen_count >= PROBLEM_THRESHOLD else "transferred"
        case = apply(actor=system_user(), case=case, action="escalate", version=None, payload={},
                     changes=lambda c, s, now: {"escalation_level": min(c.escalation_level + 1, 4)},
                     note="", data={"automatic": True, "reason": f"problem_case:{reason}"})
    return case
