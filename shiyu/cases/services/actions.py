"""One service per workflow verb. Each locks the case, checks policy, moves it and records it."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiyu.accounts.models import Department
from shiyu.accounts.selectors import department_get, department_list_by_pks
from shiyu.cases import deadlines
from shiyu.cases.models import Case, Category
from shiyu.cases.selectors import case_by_code_for_user, case_get_for_user
from shiyu.cases.services import quality
from shiyu.cases.services._core import apply, lock_case, mark_problem_if_needed
from shiyu.cases.services.fields import required as missing
from shiyu.cases.services.submit import _category as submit_category
from shiyu.core import clock, errors
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


def _recategorise(case: Case, category: Category | int | str | None, ack_limit_hours: int | None,
                  reply_limit_days: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A category given with accept or dispatch: set on the locked case (so what the verb computes
    from it, the deadlines, sees it) and returned as (row changes, event data)."""
    if category is None or category == "":
        return {}, {}
    found = category if isinstance(category, Category) else submit_category(category)
    if found is None or not found.is_active:
        raise errors.InvalidInput(_("Choose an existing category."), field="category")
    for value, name in ((ack_limit_hours, "ack_limit_hours"), (reply_limit_days, "reply_limit_days")):
        if value is not None and (not isinstance(value, int) or value < 1):
            raise errors.InvalidInput(_("A limit must be a positive whole number."), field=name)
    recat: dict[str, Any] = {"category": found, "ack_limit_hours": ack_limit_hours,
                             "reply_limit_days": reply_limit_days}
    data: dict[str, Any] = {"category": found.code}
    if case.category_id != found.pk:
        data["from_category"] = case.category.code if case.category else None
    for name, value in recat.items():
        setattr(case, name, value)
    return recat, data


def _also(extra: dict[str, Any], changes: Any) -> Any:
    if not extra:
        return changes
    return lambda c, s, now: {**extra, **changes(c, s, now)}


@transaction.atomic
def case_accept(*, actor: Any, case_id: int, version: int | None = None, note: str = "",
                category: Category | int | str | None = None, ack_limit_hours: int | None = None,
                reply_limit_days: int | None = None) -> Case:
    """With `category`, the case is (re)classified as it is accepted (the routing suggestion a
    dispatcher or the automatic router confirms), with the catalog's limits for it."""
    case = lock_case(case_id, actor=actor, action="accept")
    recat, recat_data = _recategorise(case, category, ack_limit_hours, reply_limit_days)
    return apply(actor=actor, case=case, action="accept", version=version, payload={},
                 note=_text(note, "note", required=False), data=recat_data,
                 changes=_also(recat, lambda c, s, now: {"accepted_at": now}))


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
                 changes=lambda c, s, now: {"reply_text": text, "replied_at": now, "first_contact": True,
                                            **deadlines.reply_changes(now)})


@transaction.atomic
def case_dispatch(*, actor: Any, case_id: int, lead_department: Department | int,
                  assisting_departments: Sequence[Department | int] = (), version: int | None = None,
                  note: str = "", category: Category | int | str | None = None,
                  ack_limit_hours: int | None = None, reply_limit_days: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="dispatch")
    # Before the deadlines are computed: they follow the (new) category and limits.
    recat, recat_data = _recategorise(case, category, ack_limit_hours, reply_limit_days)
    lead, assisting = _departments(lead_department, assisting_departments)

    def changes(c: Case, state: Any, now: Any) -> dict:
        return {"lead_department": lead, **deadlines.dispatch_changes(c, now)}

    case = apply(actor=actor, case=case, action="dispatch", version=version,
                 payload={"lead_department": lead.pk}, note=_text(note, "note", required=False),
                 data={"assisting_departments": [d.pk for d in assisting], "lead_name": lead.name,
                       **recat_data},
                 changes=_also(recat, changes))
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
                 # The receiving unit gets fresh clocks, as on a dispatch.
                 changes=lambda c, s, now: {"lead_department": lead, **deadlines.dispatch_changes(c, now),
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
    """The unit's reply, scored for quality (the event keeps the score and its reasons). When the
    hold is on and the score is low, the reply waits for a supervisor (reply_hold) instead."""
    case = lock_case(case_id, actor=actor, action="reply")
    text = _text(text, "text")
    score = quality.assess_safely(case, text, clock.now())
    data = {"quality": score.as_data()} if score is not None else {}
    if score is not None and quality.should_hold(score):
        return apply(actor=actor, case=case, action="reply_hold", version=version, payload={"text": text},
                     data=data, changes=lambda c, s, now: {"held_reply_text": text})
    return apply(actor=actor, case=case, action="reply", version=version, payload={"text": text},
                 data=data, changes=lambda c, s, now: {"reply_text": text, "replied_at": now,
                                                       "held_reply_text": None,
                                                       **deadlines.reply_changes(now)})


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
    days = _extension_days(days)
    if case.extension_pending_days:
        raise errors.Conflict(_("An extension request is already waiting for approval."))
    return apply(actor=actor, case=case, action="extend_request", version=version,
                 payload={"reason": reason, "days": days}, note=reason,
                 changes=lambda c, s, now: {"extension_pending_days": days})


@transaction.atomic
def case_extend_approve(*, actor: Any, case_id: int, version: int | None = None, note: str = "",
                        days: int | None = None, reply_due_at: datetime | None = None) -> Case:
    """Grant an extension as the approver decides: the requested working days (default), another
    number of working days (`days`), or an absolute new reply deadline (`reply_due_at`; a naive
    value is local time). The new deadline must lie after the current one and in the future."""
    case = lock_case(case_id, actor=actor, action="extend_approve")
    requested = case.extension_pending_days
    if not requested:
        raise errors.Conflict(_("There is no extension request to decide."))
    now = clock.now()
    if days is not None and reply_due_at is not None:
        raise errors.InvalidInput(_("Give either extra working days or a new deadline, not both."),
                                  field="reply_due_at")
    if reply_due_at is not None:
        due = reply_due_at if timezone.is_aware(reply_due_at) else timezone.make_aware(reply_due_at)
        if due <= now or (case.reply_due_at is not None and due <= case.reply_due_at):
            raise errors.InvalidInput(
                _("The new deadline must be later than the current one and in the future."),
                field="reply_due_at")
        if deadlines.extended_reply_due(case, MAX_EXTENSION_DAYS, now) < due:
            raise errors.InvalidInput(_("An extension is 1 to %(n)d days.") % {"n": MAX_EXTENSION_DAYS},
                                      field="reply_due_at")
        granted = None
    else:
        granted = requested if days is None else _extension_days(days)
        # The granted working days move the reply deadline (a paused case also gets its paused
        # time back on resume).
        due = deadlines.extended_reply_due(case, granted, now)
    return apply(actor=actor, case=case, action="extend_approve", version=version, payload={},
                 note=_text(note, "note", required=False),
                 data={"days": granted, "requested_days": requested, "reply_due_at": due.isoformat(),
                       "previous_reply_due_at": case.reply_due_at.isoformat() if case.reply_due_at else None},
                 changes=lambda c, s, now: {"extension_pending_days": None, "reply_due_at": due})


def _extension_days(days: Any) -> int:
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise errors.InvalidInput(_("An extension is 1 to %(n)d days.") % {"n": MAX_EXTENSION_DAYS},
                                  field="days")
    return days


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
def case_pause(*, actor: Any, case_id: int, reason: str, version: int | None = None) -> Case:
    """挂起: the unit waits for the resident (documents, access); the clocks stop."""
    case = lock_case(case_id, actor=actor, action="pause")
    reason = _text(reason, "reason")
    if case.paused_at:
        raise errors.Conflict(_("The case is already paused."))
    return apply(actor=actor, case=case, action="pause", version=version, payload={"reason": reason},
                 note=reason, changes=lambda c, s, now: {"paused_at": now, "pause_reason": reason})


@transaction.atomic
def case_resume(*, actor: Any, case_id: int, version: int | None = None, note: str = "") -> Case:
    """The clocks run again, each deadline later by the working time the case was paused."""
    case = lock_case(case_id, actor=actor, action="resume")
    if not case.paused_at:
        raise errors.Conflict(_("The case is not paused."))
    changes = deadlines.resume_changes(case, clock.now())
    paused = round(changes["paused_hours"] - (case.paused_hours or 0.0), 2)
    return apply(actor=actor, case=case, action="resume", version=version, payload={},
                 note=_text(note, "note", required=False),
                 data={"paused_hours": paused, "paused_since": case.paused_at.isoformat()},
                 changes=lambda c, s, now: changes)


@transaction.atomic
def case_comment(*, actor: Any, case_id: int, text: str, version: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="comment")
    text = _text(text, "text")
    return apply(actor=actor, case=case, action="comment", version=version, payload={"text": text},
                 note=text)
