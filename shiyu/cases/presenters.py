"""Shapes of a case for the outside world, shared by the API, pages and CLI. Reads only."""

from typing import Any

from django.utils.translation import gettext as _

from shiyu.accounts.selectors import department_get, department_label
from shiyu.cases import deadlines, selectors
from shiyu.cases.models import Case, CaseEvent
from shiyu.core.i18n import localized_name
from shiyu.core.masking import scrub_names, scrub_public


def _ref(obj) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.pk, "code": obj.code, "name": localized_name(obj)}


def case_dict(case: Case, *, actor: Any) -> dict:
    contact = None
    if selectors.case_can_view_contact(actor=actor, case=case) and (
            case.contact_name or case.contact_phone or case.contact_email):
        contact = selectors.case_contact_masked(case)
    return {
        "id": case.pk, "code": case.code, "title": case.title, "body": case.body, "kind": case.kind,
        "channel": case.channel, "urgency": case.urgency, "state": case.state, "version": case.version,
        "category": _ref(case.category), "area": _ref(case.area),
        "lead_department": _ref(case.lead_department),
        "assisting_departments": [_ref(d) for d in case.assisting_departments.all()],
        "suggested_department": _ref(case.suggested_department),
        "address": case.address,
        "location": {"lat": case.latitude, "lon": case.longitude} if case.latitude is not None else None,
        "reply_text": case.reply_text, "satisfaction": case.satisfaction,
        "reopen_count": case.reopen_count, "transfer_count": case.transfer_count,
        "urge_count": case.urge_count, "escalation_level": case.escalation_level,
        "is_problem": case.is_problem, "first_contact": case.first_contact,
        "extension_pending_days": case.extension_pending_days, "merged_into": case.merged_into_id,
        "contact_masked": contact,
        "submitted_at": case.submitted_at, "updated_at": case.updated_at,
        "accepted_at": case.accepted_at, "dispatched_at": case.dispatched_at,
        "acknowledged_at": case.acknowledged_at, "replied_at": case.replied_at,
        "closed_at": case.closed_at, "ack_due_at": case.ack_due_at, "reply_due_at": case.reply_due_at,
        **deadline_dict(case),
        "actions": selectors.case_actions_for_user(actor=actor, case=case),
    }


def deadline_dict(case: Case, now: Any = None) -> dict:
    """The clocks as pages and the API show them: deadlines, working hours left and the light."""
    clocks = deadlines.clock_views(case, now)
    return {
        "followup_due_at": case.followup_due_at,
        "deadline_light": deadlines.light_of(case, now),
        "clocks": [{"clock": c.clock, "due": c.due, "light": c.light, "remaining_hours": c.remaining_hours}
                   for c in clocks],
        "paused": case.paused_at is not None, "paused_at": case.paused_at,
        "pause_reason": case.pause_reason, "paused_hours": round(case.paused_hours or 0.0, 2),
        "supervising_area": _ref(case.supervising_area) if case.supervising_area_id else None,
    }


def action_label(action: str) -> str:
    labels = {
        "submit": _("Submitted"), "accept": _("Accepted"), "reject": _("Not accepted"),
        "merge": _("Merged with another case"), "answer": _("Answered"),
        "dispatch": _("Sent to the responsible department"), "acknowledge": _("Department took it on"),
        "return": _("Returned to the dispatcher"), "transfer": _("Transferred"), "reply": _("Replied"),
        "follow_up": _("Follow-up"), "close": _("Closed"), "reopen": _("Reopened"),
        "extend_request": _("Extension requested"), "extend_approve": _("Extension approved"),
        "extend_deny": _("Extension refused"), "urge": _("Urged"), "escalate": _("Escalated"),
        "comment": _("Comment"), "pause": _("Paused, waiting for the resident"),
        "resume": _("Resumed"), "remind": _("Reminder"),
        "reply_hold": _("Reply held for review"), "reply_approve": _("Replied"),
        "reply_reject": _("Reply returned for revision"),
    }
    return labels.get(action, action)


def state_label(state: str) -> str:
    return str(dict(Case.STATE_CHOICES).get(state, state))


def public_event(event: CaseEvent) -> dict:
    """A timeline entry a resident may see: no staff names, no internal notes, no PII, and never
    another case's tracking code (a merge says only that it happened)."""
    text = ""
    if event.action in ("reply", "answer"):
        text = event.data.get("text", "")
    elif event.action == "reject":
        text = event.note
    elif event.action in ("dispatch", "transfer"):
        # The unit's name in the reader's language; the name stored at the time as a fallback.
        lead = event.data.get("lead_department")
        dept = department_get(pk=lead) if isinstance(lead, int) else None
        text = department_label(dept) if dept else event.data.get("lead_name", "")
    elif event.action == "follow_up":
        text = str(dict(Case.Satisfaction.choices).get(event.data.get("satisfaction", ""), ""))
    return {"action": event.action, "label": action_label(event.action), "at": event.created_at,
            "text": text}


def track_dict(case: Case) -> dict:
    # The tracking code is a capability anyone holding it (or guessing a shared link) may use: the
    # title a resident typed is shown with their phone, e-mail and name masked.
    names = (case.contact_name,)
    return {
        "code": case.code, "title": scrub_public(case.title, names=names), "kind": case.kind,
        "state": case.state,
        "state_label": state_label(case.state), "submitted_at": case.submitted_at,
        "category": (_ref(case.category) or {}).get("name") if case.category else None,
        "department": (_ref(case.lead_department) or {}).get("name") if case.lead_department else None,
        "reply_text": scrub_names(case.reply_text, names),
        "timeline": [public_event(e) for e in selectors.case_public_events(case)],
    }


def event_dict(event: CaseEvent, *, staff: bool) -> dict:
    """An event for the API: everything for staff; for a resident, the public entry only."""
    if staff:
        return {"id": event.pk, "action": event.action, "from_state": event.from_state,
                "to_state": event.to_state, "actor": str(event.actor) if event.actor else None,
                "note": event.note, "data": event.data, "is_public": event.is_public,
                "created_at": event.created_at}
    public = public_event(event)
    return {"id": event.pk, "action": event.action, "from_state": event.from_state,
            "to_state": event.to_state, "actor": None, "note": public["text"], "data": {},
            "is_public": True, "created_at": event.created_at}
