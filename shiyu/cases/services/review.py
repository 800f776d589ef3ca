"""A supervisor's review of a reply held for its quality score: send it out, or return it to the
unit with the reasons (the unit then replies again, and the new reply is scored again)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.cases import deadlines
from shiyu.cases.models import Case
from shiyu.cases.services._core import apply, lock_case
from shiyu.cases.services.actions import _text
from shiyu.core import errors


def _held(case: Case) -> str:
    if not case.held_reply_text:
        raise errors.Conflict(_("There is no held reply to review."))
    return case.held_reply_text


@transaction.atomic
def case_reply_approve(*, actor: Any, case_id: int, version: int | None = None, note: str = "") -> Case:
    case = lock_case(case_id, actor=actor, action="reply_approve")
    text = _held(case)
    return apply(actor=actor, case=case, action="reply_approve", version=version, payload={},
                 note=_text(note, "note", required=False), data={"text": text},
                 changes=lambda c, s, now: {"reply_text": text, "replied_at": now, "held_reply_text": None,
                                            **deadlines.reply_changes(now)})


@transaction.atomic
def case_reply_reject(*, actor: Any, case_id: int, reason: str, version: int | None = None) -> Case:
    case = lock_case(case_id, actor=actor, action="reply_reject")
    _held(case)
    reason = _text(reason, "reason")
    return apply(actor=actor, case=case, action="reply_reject", version=version, payload={"reason": reason},
                 note=reason, changes=lambda c, s, now: {"held_reply_text": None})
