"""One service per workflow verb. Each locks the case, checks policy, moves it and records it."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.accounts.models import Department
from shiyu.accounts.selectors import department_get, department_list_by_pks
from shiyu.cases.models import Case
from shiyu.cases.selectors import case_by_code_for_user, case_get_for_user
from shiyu.cases.services._core import apply, lock_case, mark_problem_if_needed
from shiyu.cases.services.fields import required as missing
from shiyu.core import errors
from shiyu.core.ids import is_number
from shiyu.core.text import clean

MAX_EXTENSION_DAYS = 60
NOTE_MAX = 5000


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = clean(value)
    if required and not value:
        raise missing(field)
    if len(value) > NOTE_MAX:
        raise errors.InvalidInput(_("The text is longer than %(n)d characters.") % {"n": NOTE_MAX},
                                  field=field)
    return value


def _departments(lead: Department | int | None, assisting: Sequence[Department | int]) -> tuple[
        Department, list[Department]]:
    lead_dept = lead if isinstance(lead, Department) else (
        department_get(pk=int(lead)) if lead is not None and lead != "" else None)
    if lead_dept is None or not lead_dept.is_active:
        raise errors.InvalidInput(_("Choose an existing lead department."), field="lead_department")
    ids = [d.pk if isinstance(d, Department) else int(d) for d in assisting]
    found = department_list_by_pks(pks=ids)
    if len(found) != len(set(ids)):
        raise errors.InvalidInput(_("An assisting department does not exist."),
                                  field="assisting_departments")
    return lead_dept, [d for d in found if d.pk != lead_dept.pk]


@transaction.atomic
def case_accept(*, actor: Any, case_id: int, version: int | None = None, note: str = "") -> Case:
    case = lock_case(case_id, actor=actor, action="accept")
    return apply(actor=actor, case=case, action="accept", version=version, payload={},
                 note=_text(note, "note", required=False), changes=lambda c, s, now: {"accepted_at": now})


@transaction.atomic
def case_reject(*, actor: Any, case_id: int, reason: str, version: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="reject")
    reason = _text(reason, "reason")
    return apply(actor=actor, case=case, action="reject", version=version, payload={"reason": reason},
                 note=reason, changes=lambda c, s, now: {"closed_at": now})


@transaction.atomic
def case_merge(*, actor: Any, case_id: int, target_id: int | str, version: int | None = None,
               note: str = "") -> Case:
    """Merge a duplicate into the case it repeats; the target is given by id or tracking code."""
    case = lock_case(case_id, actor=actor, action="merge")
    try:
        if isinstance(target_id, str) and not is_number(target_id.strip()):
            target = case_by_code_for_user(actor=actor, code=target_id)
        else:
            target = case_get_for_user(actor=actor, case_id=int(target_id))
    except errors.NotFound:
        raise errors.InvalidInput(_("The case to merge into does not exist."), field="target") from None
    if target.pk == case.pk or target.state == "merged":
        raise errors.InvalidInput(_("A case cannot be merged into itself or a merged case."),
                                  field="target")
    return apply(actor=actor, case=case, action="merge", version=version, payload={"target": target.pk},
                 note=_text(note, "note", required=False), data={"target_code": target.code},
                 changes=lambda c, s, now: {"merged_into": target, "closed_at": now})


@transaction.atomic
def case_answer(*, actor: Any, case_id: int, text: str, version: int | None = None) -> Case:
    """Answer on first contact (一次性答复): replied without dispatching."""
    case = lock_case(case_id, actor=actor, action="answer")
    text = _text(text, "text")
    return apply(actor=actor, case=case, action="answer", version=version, payload={"text": text},
                 changes=lambda c, s, now: {"reply_text": text, "replied_at": now, "first_contact": True})


@transaction.atomic
def case_dispatch(*, actor: Any, case_id: int, lead_department: Department | int,
                  assisting_departments: Sequence[Department | int] = (), version: int | None = None,
                  note: str = "") -> Case:
    case = lock_case(case_id, actor=actor, action="dispatch")
    lead, assisting = _departments(lead_department, assisting_departments)
    category = case.category

    def changes(c: Case, state: Any, now: Any) -> dict:
        ack_hours = category.ack_hours if category else 24
        days = category.complete_days if category else 15
        # Calendar time for now; the working-time calendar replaces it (deadlines issue).
        return {"lead_department": lead, "dispatched_at": now, "acknowledged_at": None,
                "ack_due_at": now + timedelta(hours=ack_hours), "reply_due_at": now + timedelta(days=days)}

    case = apply(actor=actor, case=case, action="dispatch", version=version,
                 payload={"lead_department": lead.pk}, note=_text(note, "note", required=False),
                 data={"assisting_departments": [d.pk for d in assisting], "lead_name": lead.name},
                 changes=changes)
    case.assisting_departments.set(assisting)
    return case


@transaction.atomic
def case_transfer(*, actor: Any, case_id: int, lead_department: Department | int,
                  assisting_departments: Sequence[Department | int] = (), version: int | None = None,
                  note: str = "") -> Case:
    case = lock_case(case_id, actor=actor, action="transfer")
    lead, assisting = _departments(lead_department, assisting_departments)
    if lead.pk == case.lead_department_id:
        raise errors.InvalidInput(_("The case is already with this department."), field="lead_department")
    case = apply(actor=actor, case=case, action="transfer", version=version,
                 payload={"lead_department": lead.pk}, note=_text(note, "note", required=False),
                 data={"assisting_departments": [d.pk for d in assisting], "lead_name": lead.name,
                       "from_department": case.lead_department_id},
                 changes=lambda c, s, now: {"lead_department": lead, "dispatched_at": now,
                                            "acknowledged_at": None,
                                            "transfer_count": c.transfer_count + 1})
    case.assisting_departments.set(assisting)
    return mark_problem_if_needed(case)


@transaction.atomic
def case_acknowledge(*, actor: Any, case_id: int, version: int | None = None, note: str = "") -> Case:
    case = lock_case(case_id, actor=actor, action="acknowledge")
    return apply(actor=actor, case=case, action="acknowledge", version=version, payload={},
                 note=_text(note, "note", required=False),
                 changes=lambda c, s, now: {"acknowledged_at": now})


@transaction.atomic
def case_return(*, actor: Any, case_id: int, reason: str, version: int | None = None) -> Case:
    """退回: the unit says the case is not theirs; it goes back to the dispatcher."""
    case = lock_case(case_id, actor=actor, action="return")
    reason = _text(reason, "reason")
    case = apply(actor=actor, case=case, action="return", version=version, payload={"reason": reason},
                 note=reason, data={"from_department": case.lead_department_id},
                 changes=lambda c, s, now: {"lead_department": None, "acknowledged_at": None,
                                            "transfer_count": c.transfer_count + 1})
    case.assisting_departments.clear()
    return mark_problem_if_needed(case)


@transaction.atomic
def case_reply(*, actor: Any, case_id: int, text: str, version: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="reply")
    text = _text(text, "text")
    return apply(actor=actor, case=case, action="reply", version=version, payload={"text": text},
                 changes=lambda c, s, now: {"reply_text": text, "replied_at": now})


@transaction.atomic
def case_follow_up(*, actor: Any, case_id: int, satisfaction: str, comment: str = "",
                   version: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="follow_up")
    comment = _text(comment, "comment", required=False)
    if satisfaction not in Case.Satisfaction.values:
        raise errors.InvalidInput(_("Choose satisfied, unsatisfied or unreachable."), field="satisfaction")
    case = apply(actor=actor, case=case, action="follow_up", version=version,
                 payload={"satisfaction": satisfaction}, note=comment,
                 changes=_follow_up_changes(satisfaction))
    return mark_problem_if_needed(case)


def reopen_changes(c: Case, state: Any, now: Any) -> dict:
    # The old reply stays in the timeline; the case no longer shows it as its answer.
    return {"closed_at": None, "satisfaction": "", "reply_text": "", "reopen_count": c.reopen_count + 1}


def _follow_up_changes(satisfaction: str):
    def changes(c: Case, state: Any, now: Any) -> dict:
        out: dict[str, Any] = {"satisfaction": satisfaction}
        if state == "closed":
            out["closed_at"] = now
        else:
            # The old reply stays in the timeline; the case no longer shows it as its answer.
            out["reopen_count"] = c.reopen_count + 1
            out["reply_text"] = ""
        return out
    return changes


@transaction.atomic
def case_close(*, actor: Any, case_id: int, version: int | None = None, note: str = "") -> Case:
    case = lock_case(case_id, actor=actor, action="close")
    return apply(actor=actor, case=case, action="close", version=version, payload={},
                 note=_text(note, "note", required=False), changes=lambda c, s, now: {"closed_at": now})


@transaction.atomic
def case_reopen(*, actor: Any, case_id: int, reason: str, version: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="reopen")
    reason = _text(reason, "reason")
    case = apply(actor=actor, case=case, action="reopen", version=version, payload={"reason": reason},
                 note=reason, changes=reopen_changes)
    return mark_problem_if_needed(case)


@transaction.atomic
def case_extend_request(*, actor: Any, case_id: int, days: int, reason: str,
                        version: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="extend_request")
    reason = _text(reason, "reason")
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise errors.InvalidInput(_("An extension is 1 to %(n)d days.") % {"n": MAX_EXTENSION_DAYS},
                                  field="days")
    if case.extension_pending_days:
        raise errors.Conflict(_("An extension request is already waiting for approval."))
    return apply(actor=actor, case=case, action="extend_request", version=version,
                 payload={"reason": reason, "days": days}, note=reason,
                 changes=lambda c, s, now: {"extension_pending_days": days})


@transaction.atomic
def case_extend_approve(*, actor: Any, case_id: int, version: int | None = None, note: str = "") -> Case:
    case = lock_case(case_id, actor=actor, action="extend_approve")
    days = case.extension_pending_days
    if not days:
        raise errors.Conflict(_("There is no extension request to decide."))

    def changes(c: Case, state: Any, now: Any) -> dict:
        base = c.reply_due_at or now
        return {"extension_pending_days": None, "reply_due_at": base + timedelta(days=days)}

    return apply(actor=actor, case=case, action="extend_approve", version=version, payload={},
                 note=_text(note, "note", required=False), data={"days": days}, changes=changes)


@transaction.atomic
def case_extend_deny(*, actor: Any, case_id: int, reason: str, version: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="extend_deny")
    if not case.extension_pending_days:
        raise errors.Conflict(_("There is no extension request to decide."))
    reason = _text(reason, "reason")
    return apply(actor=actor, case=case, action="extend_deny", version=version, payload={"reason": reason},
                 note=reason, changes=lambda c, s, now: {"extension_pending_days": None})


@transaction.atomic
def case_urge(*, actor: Any, case_id: int, version: int | None = None, note: str = "") -> Case:
    case = lock_case(case_id, actor=actor, action="urge")
    return apply(actor=actor, case=case, action="urge", version=version, payload={},
                 note=_text(note, "note", required=False),
                 changes=lambda c, s, now: {"urge_count": c.urge_count + 1})


@transaction.atomic
def case_escalate(*, actor: Any, case_id: int, version: int | None = None, note: str = "") -> Case:
    """督办/提级督办: one level up the area ladder (grid → … → city), at most four steps."""
    case = lock_case(case_id, actor=actor, action="escalate")
    if case.escalation_level >= 4:
        raise errors.Conflict(_("The case is already supervised at city level."))
    return apply(actor=actor, case=case, action="escalate", version=version, payload={},
                 note=_text(note, "note", required=False),
                 changes=lambda c, s, now: {"escalation_level": c.escalation_level + 1})


@transaction.atomic
def case_comment(*, actor: Any, case_id: int, text: str, version: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="comment")
    text = _text(text, "text")
    return apply(actor=actor, case=case, action="comment", version=version, payload={"text": text},
                 note=text)
