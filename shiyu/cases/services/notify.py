"""Who is told what when a case moves. Called inside the move's transaction (outbox pattern):
the notices commit with the event or not at all, and their keys make a repeat a no-op.

Staff: the lead unit's handlers and unit heads hear of a new case, a reminder, an urge and an
extension request (unit heads); the supervisors of the supervising area hear of an escalation
and a problem case. Residents who left an email hear when their case is accepted, replied to,
closed or reopened; every change also shows on the tracking page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.accounts.models import Department
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import citysettings
from shiyu.geo.models import Area
from shiyu.notifications import selectors as recipients
from shiyu.notifications.services import Message, notify_address, notify_users

RESIDENT_STATES = ("accepted", "replied", "closed", "reopened")
RESIDENT_SMS = citysettings.declare(
    "notifications.resident_sms", False, _("Text residents who gave a phone but no email"),
    gettext_lazy("Through the SMS gateway (settings.SHIYU_SMS_GATEWAY)."))


@dataclass
class Resolver:
    """Recipient look-ups, remembered for one batch (a sweep asks the same units many times)."""

    units: dict[tuple[int | None, tuple[str, ...]], list[int]] = field(default_factory=dict)
    areas: dict[tuple[int | None, tuple[str, ...]], list[int]] = field(default_factory=dict)
    paths: dict[tuple[str, int], str] = field(default_factory=dict)

    def _path(self, model: Any, pk: int | None) -> str | None:
        if pk is None:
            return None
        key = (model.__name__, pk)
        if key not in self.paths:
            self.paths[key] = model.objects.filter(pk=pk).values_list("path", flat=True).first() or ""
        return self.paths[key] or None

    def unit(self, department_id: int | None, roles: tuple[str, ...] = recipients.UNIT_ROLES) -> list[int]:
        key = (department_id, roles)
        if key not in self.units:
            self.units[key] = recipients.unit_staff_ids(
                department_path=self._path(Department, department_id), roles=roles)
        return self.units[key]

    def area(self, area_id: int | None, roles: tuple[str, ...] = ("supervisor",)) -> list[int]:
        key = (area_id, roles)
        if key not in self.areas:
            self.areas[key] = recipients.area_supervisor_ids(area_path=self._path(Area, area_id), roles=roles)
        return self.areas[key]


_PLACEHOLDER = 987654321


@lru_cache(maxsize=1)
def _link_pattern() -> str:
    return reverse("cases:case", kwargs={"case_id": _PLACEHOLDER})


def _link(case_id: int) -> str:
    # reverse() once per process: a sweep links tens of thousands of notices.
    return _link_pattern().replace(str(_PLACEHOLDER), str(case_id))


def _key(case_id: int, event: Any) -> str:
    stage = (event.data or {}).get("stage")
    # Ladder steps: one per case, deadline and step, whatever event row a re-run would write.
    return f"ladder:{case_id}:{stage}" if stage else f"case:{case_id}:event:{event.pk}"


def staff_messages(case: Any, event: Any, resolver: Resolver) -> list[tuple[list[int], Message]]:
    """The staff notices one event causes, in the city's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _staff_messages(case, event, resolver)


def _staff_messages(case: Any, event: Any, resolver: Resolver,
                    _: Any = _) -> list[tuple[list[int], Message]]:
    # `_` is a parameter so the batch can pass a memoised gettext; the name keeps the msgids
    # visible to makemessages.
    action, data = event.action, event.data or {}
    code, title = case.code, case.title
    key, link = _key(case.pk, event), _link(case.pk)
    out: list[tuple[list[int], Message]] = []
    if action in ("dispatch", "transfer"):
        out.append((resolver.unit(case.lead_department_id), Message(
            key, "assigned", _("New case %(code)s for your unit") % {"code": code}, title, link)))
    elif action == "remind":
        if data.get("clock") == "followup":  # the operators' clock: call the resident back
            who = resolver.area(case.area_id, ("operator",))
            text = (_("Case %(code)s: the follow-up call is overdue") if data.get("step") == "overdue"
                    else _("Case %(code)s: the follow-up call is due soon")) % {"code": code}
        else:
            who = resolver.unit(case.lead_department_id)
            text = (_("Case %(code)s must be acknowledged soon") if data.get("clock") == "ack"
                    else _("Case %(code)s must be replied to soon")) % {"code": code}
        out.append((who, Message(key, "reminder", text, title, link)))
    elif action == "urge":
        out.append((resolver.unit(case.lead_department_id), Message(
            key, "urge", _("Case %(code)s is overdue: urged") % {"code": code}, title, link)))
    elif action == "escalate":
        where = getattr(case, "supervising_area_id", None) or case.area_id
        text = (_("Problem case %(code)s needs supervision") if str(data.get("reason", "")).startswith(
            "problem_case") else _("Case %(code)s escalated for supervision")) % {"code": code}
        out.append((resolver.area(where), Message(key, "escalation", text, title, link)))
    elif action == "reply_hold":
        out.append((resolver.area(getattr(case, "supervising_area_id", None) or case.area_id), Message(
            key, "reply_review", _("Case %(code)s: a reply is held for your review") % {"code": code},
            title, link)))
    elif action == "reply_reject":
        out.append((resolver.unit(case.lead_department_id), Message(
            key, "reply_returned", _("Case %(code)s: the reply was returned for revision") % {"code": code},
            event.note, link)))
    elif action == "extend_request":
        out.append((resolver.unit(case.lead_department_id, ("unithead",)), Message(
            key, "extension", _("Case %(code)s: extension requested") % {"code": code},
            event.note, link)))
    return [(who, msg) for who, msg in out if who]


def resident_message(case: Any, event: Any) -> tuple[str, str, str, str, str] | None:
    """(key, channel, address, subject, body) for the resident, or None. No personal data in it
    beyond the address it goes to; the tracking page has the detail."""
    if event.to_state == event.from_state or event.to_state not in RESIDENT_STATES:
        return None
    if case.contact_email:
        channel, address = "email", case.contact_email
    elif case.contact_phone and RESIDENT_SMS.get():
        channel, address = "sms", case.contact_phone
    else:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        state = str(dict(Case.STATE_CHOICES).get(event.to_state, event.to_state))
        subject = _("Your case %(code)s: %(state)s") % {"code": case.code, "state": state}
        url = reverse("portal:track-detail", kwargs={"code": case.code})
        base = getattr(settings, "SHIYU_BASE_URL", "")
        body = _("Your case %(code)s is now: %(state)s. Follow it at %(url)s") % {
            "code": case.code, "state": state, "url": f"{base}{url}"}
    return f"case:{case.pk}:event:{event.pk}:resident", channel, address, subject, body


def follower_message(follower: Any, event: Any) -> tuple[str, str, str, str, str] | None:
    """The same news for a resident whose own report was merged into this case (a duplicate):
    their tracking code follows the surviving case, so the link is theirs. None as above."""
    if event.to_state == event.from_state or event.to_state not in RESIDENT_STATES:
        return None
    if follower.contact_email:
        channel, address = "email", follower.contact_email
    elif follower.contact_phone and RESIDENT_SMS.get():
        channel, address = "sms", follower.contact_phone
    else:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        state = str(dict(Case.STATE_CHOICES).get(event.to_state, event.to_state))
        subject = _("Your case %(code)s: %(state)s") % {"code": follower.code, "state": state}
        url = reverse("portal:track-detail", kwargs={"code": follower.code})
        base = getattr(settings, "SHIYU_BASE_URL", "")
        body = _("Your report %(code)s was joined to a case about the same matter, which is now: "
                 "%(state)s. Follow it at %(url)s") % {"code": follower.code, "state": state,
                                                       "url": f"{base}{url}"}
    return f"case:{follower.pk}:event:{event.pk}:follower", channel, address, subject, body


def after_event(case: Case, event: CaseEvent, resolver: Resolver | None = None) -> None:
    resolver = resolver or Resolver()
    for who, message in staff_messages(case, event, resolver):
        notify_users(user_ids=who, message=message)
    resident = resident_message(case, event)
    if resident is not None:
        key, channel, address, subject, body = resident
        notify_address(key=key, channel=channel, address=address, subject=subject, body=body)
    if event.to_state != event.from_state and event.to_state in RESIDENT_STATES:
        # Residents whose duplicates were merged into this case hear what its submitter hears.
        for follower in Case.objects.filter(merged_into_id=case.pk, state="merged").only(
                "pk", "code", "contact_email", "contact_phone"):
            news = follower_message(follower, event)
            if news is not None:
                key, channel, address, subject, body = news
                notify_address(key=key, channel=channel, address=address, subject=subject, body=body)


def batch_messages(pairs: Iterable[tuple[Any, Any]], resolver: Resolver) -> list[tuple[list[int], Message]]:
    """The batch form, for the sweep: the same notices, one language switch, shared look-ups, and
    each text translated once (gettext's per-call cost, through the thread-local language, was a
    sixth of a sweep)."""
    with translation.override(settings.LANGUAGE_CODE):
        tr = lru_cache(maxsize=64)(_)
        return [item for case, event in pairs for item in _staff_messages(case, event, resolver, tr)]
