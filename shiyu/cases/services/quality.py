"""Reply quality at reply time: score the unit's reply (cases/replyquality.py) and decide whether
it is held for a supervisor's review. Both the hold and its threshold are city settings."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from shiyu.cases import replyquality
from shiyu.cases.models import Case
from shiyu.core import citysettings, workcal

log = logging.getLogger(__name__)

HOLD_ENABLED = citysettings.declare(
    "replyquality.hold", False, _("Hold low-scoring replies for a supervisor's review"),
    _("When on, a reply scoring below the threshold waits for a supervisor before the resident sees it."))
HOLD_THRESHOLD = citysettings.declare(
    "replyquality.threshold", 0.5, _("Reply quality below which a reply is held (0 to 1)"),
    minimum=0.0, maximum=1.0)


def assess(case: Case, text: str, now: datetime) -> replyquality.ReplyScore:
    hours = limit = None
    if case.submitted_at is not None:
        hours = workcal.working_hours_between(case.submitted_at, now)
        if case.reply_due_at is not None and case.reply_due_at > case.submitted_at:
            limit = workcal.working_hours_between(case.submitted_at, case.reply_due_at)
    return replyquality.score_reply(title=case.title, body=case.body, reply=text, working_hours=hours,
                                    limit_hours=limit)


def assess_safely(case: Case, text: str, now: datetime) -> replyquality.ReplyScore | None:
    """The score, or None if scoring fails: a scorer's bug must never stop a reply."""
    try:
        return assess(case, text, now)
    except Exception:  # noqa: BLE001
        log.exception("reply quality scoring failed for case %s", case.pk)
        return None


def should_hold(score: replyquality.ReplyScore) -> bool:
    return bool(HOLD_ENABLED.get()) and score.overall < float(HOLD_THRESHOLD.get())
