"""Route a named action with a JSON-like payload to its verb (API, bulk actions, CLI)."""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from shiyu.cases.models import Case
from shiyu.cases.services import actions, review
from shiyu.cases.services.fields import required as missing
from shiyu.core import errors, workcal
from shiyu.core.ids import is_number


def _int(payload: Mapping[str, Any], name: str) -> int:
    try:
        return int(payload[name])
    except (KeyError, TypeError, ValueError):
        raise missing(name) from None


def _ids(payload: Mapping[str, Any], name: str) -> list[int]:
    raw = payload.get(name) or []
    if isinstance(raw, str):
        raw = [p for p in raw.replace(",", " ").split() if p]
    try:
        return [int(v) for v in raw]
    except (TypeError, ValueError):
        raise errors.InvalidInput(_("Expected a list of ids: %(field)s") % {"field": name},
                                  field=name) from None


def _target(payload: Mapping[str, Any]) -> int | str:
    value = payload.get("target")
    if isinstance(value, str) and value.strip() and not is_number(value.strip()):
        return value.strip()
    return _int(payload, "target")


def _given(payload: Mapping[str, Any], name: str) -> bool:
    return payload.get(name) not in (None, "")


def _datetime(payload: Mapping[str, Any], name: str) -> datetime:
    """ISO 8601: a date and time with or without an offset (without: local time), or a date alone
    (the end of that day's working hours)."""
    value = payload.get(name)
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text) if ("T" in text or " " in text) else None
            if parsed is None:
                day = date.fromisoformat(text)
                parsed = workcal.day_end(day)
        except ValueError:
            parsed = None
    if parsed is None:
        raise errors.InvalidInput(_("Give a date and time such as 2026-12-01T17:30."), field=name)
    return parsed


def _s(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise errors.InvalidInput(_("Expected text: %(field)s") % {"field": name}, field=name)
    return value


VERBS: dict[str, Callable[..., Case]] = {
    "accept": lambda a, cid, v, p: actions.case_accept(actor=a, case_id=cid, version=v, note=_s(p, "note")),
    "reject": lambda a, cid, v, p: actions.case_reject(
        actor=a, case_id=cid, version=v, reason=_s(p, "reason")),
    "merge": lambda a, cid, v, p: actions.case_merge(actor=a, case_id=cid, version=v,
                                                     target_id=_target(p), note=_s(p, "note")),
    "answer": lambda a, cid, v, p: actions.case_answer(actor=a, case_id=cid, version=v, text=_s(p, "text")),
    "dispatch": lambda a, cid, v, p: actions.case_dispatch(
        actor=a, case_id=cid, version=v, lead_department=_int(p, "lead_department"),
        assisting_departments=_ids(p, "assisting_departments"), note=_s(p, "note")),
    "transfer": lambda a, cid, v, p: actions.case_transfer(
        actor=a, case_id=cid, version=v, lead_department=_int(p, "lead_department"),
        assisting_departments=_ids(p, "assisting_departments"), note=_s(p, "note")),
    "acknowledge": lambda a, cid, v, p: actions.case_acknowledge(actor=a, case_id=cid, version=v,
                                                                 note=_s(p, "note")),
    "return": lambda a, cid, v, p: actions.case_return(
        actor=a, case_id=cid, version=v, reason=_s(p, "reason")),
    "reply": lambda a, cid, v, p: actions.case_reply(actor=a, case_id=cid, version=v, text=_s(p, "text")),
    "follow_up": lambda a, cid, v, p: actions.case_follow_up(
        actor=a, case_id=cid, version=v, satisfaction=_s(p, "satisfaction"), comment=_s(p, "comment")),
    "close": lambda a, cid, v, p: actions.case_close(actor=a, case_id=cid, version=v, note=_s(p, "note")),
    "reopen": lambda a, cid, v, p: actions.case_reopen(
        actor=a, case_id=cid, version=v, reason=_s(p, "reason")),
    "extend_request": lambda a, cid, v, p: actions.case_extend_request(
        actor=a, case_id=cid, version=v, days=_int(p, "days"), reason=_s(p, "reason")),
    "extend_approve": lambda a, cid, v, p: actions.case_extend_approve(
        actor=a, case_id=cid, version=v, note=_s(p, "note"),
        days=_int(p, "days") if _given(p, "days") else None,
        reply_due_at=_datetime(p, "reply_due_at") if _given(p, "reply_due_at") else None),
    "extend_deny": lambda a, cid, v, p: actions.case_extend_deny(actor=a, case_id=cid, version=v,
                                                                 reason=_s(p, "reason")),
    "urge": lambda a, cid, v, p: actions.case_urge(actor=a, case_id=cid, version=v, note=_s(p, "note")),
    "escalate": lambda a, cid, v, p: actions.case_escalate(
        actor=a, case_id=cid, version=v, note=_s(p, "note")),
    "pause": lambda a, cid, v, p: actions.case_pause(actor=a, case_id=cid, version=v, reason=_s(p, "reason")),
    "resume": lambda a, cid, v, p: actions.case_resume(actor=a, case_id=cid, version=v, note=_s(p, "note")),
    "comment": lambda a, cid, v, p: actions.case_comment(actor=a, case_id=cid, version=v, text=_s(p, "text")),
    "reply_approve": lambda a, cid, v, p: review.case_reply_approve(actor=a, case_id=cid, version=v,
                                                                    note=_s(p, "note")),
    "reply_reject": lambda a, cid, v, p: review.case_reply_reject(actor=a, case_id=cid, version=v,
                                                                  reason=_s(p, "reason")),
}


def case_perform(*, actor: Any, case_id: int, action: str, payload: Mapping[str, Any],
                 version: int | None = None) -> Case:
    verb = VERBS.get(action)
    if verb is None:
        raise errors.NotFound(_("Unknown action."))
    if version is None and payload.get("version") not in (None, ""):
        version = _int(payload, "version")
    return verb(actor, case_id, version, payload)
