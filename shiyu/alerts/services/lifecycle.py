"""Alert lifecycle: open → acknowledged (with a note) → resolved | false alarm."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.accounts import policies
from shiyu.accounts.models import Membership
from shiyu.alerts.models import Alert
from shiyu.alerts.settings_defaults import FALSE_ALARM_RATE_DEFAULT
from shiyu.audit.services import audit_record
from shiyu.core import citysettings, clock
from shiyu.core.errors import IllegalTransition, InvalidInput, NotFound
from shiyu.notifications.services import Message, notify_users

# The default policy of the alerts app (seeded by migration 0002, editable like every permission).
DEFAULT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "alert_handle": ("supervisor", "leader", "unithead"),
}

FALSE_ALARM_RATE = citysettings.declare(
    "alerts.false_alarm_rate", FALSE_ALARM_RATE_DEFAULT,
    gettext_lazy("Early warning: false-alarm rate per series and day"),
    help=gettext_lazy("The chance that a quiet day of one area × category series raises a spike "
                      "alert. Lower: fewer alerts, later detection."),
    minimum=1e-6, maximum=0.05)
NOTE_MAX = 2000
S = Alert.Status


def target_of(alert: Alert) -> policies.Target:
    area, department = alert.area, alert.department
    return policies.Target(area_path=area.path if area is not None else None,
                           lead_department_path=department.path if department is not None else None)


def _note(value: Any, *, required: bool) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise InvalidInput(_("The input is not valid."), field="note")
    if required and not text:
        raise InvalidInput(_("Please write a note."), field="note")
    if len(text) > NOTE_MAX:
        raise InvalidInput(_("At most %(n)d characters.") % {"n": NOTE_MAX}, field="note")
    return text


def _locked_for(actor: Any, alert_id: int) -> Alert:
    # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
    alert = (Alert.objects.select_for_update(of=("self",)).select_related("area", "department")
             .filter(pk=alert_id).first())
    if alert is None or not policies.is_staff_user(actor) or not policies.can_see(actor, target_of(alert)):
        raise NotFound()
    policies.require(actor, "alert_handle", target_of(alert))
    return alert


def _recipients(alert: Alert) -> list[int]:
    """The responsible department's staff and every supervisor."""
    q = Membership.objects.filter(role__code="supervisor")
    users = set(q.values_list("user_id", flat=True))
    if alert.department_id:
        users |= set(Membership.objects.filter(department_id=alert.department_id).values_list(
            "user_id", flat=True))
    return sorted(users)


@transaction.atomic
def alert_raise(*, kind: str, dedupe_key: str, title: str, day: date, area_id: int | None = None,
                category_id: int | None = None, department_id: int | None = None, observed: int = 0,
                expected: float | None = None, p_value: float | None = None,
                detail: dict | None = None) -> tuple[Alert, bool]:
    """Create the alert of a finding unless one with the same key exists (system, no actor).
    Returns (alert, created). Notifies the responsible department and the supervisors."""
    existing = Alert.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    now = clock.now()
    alert = Alert.objects.create(
        kind=kind, dedupe_key=dedupe_key[:200], title=title[:200], day=day, area_id=area_id,
        category_id=category_id, department_id=department_id, observed=observed, expected=expected,
        p_value=p_value, detail=detail or {}, created_at=now, updated_at=now)
    audit_record(actor=None, verb="alert.raise", obj=alert, data={"kind": kind, "key": dedupe_key})
    notify_users(user_ids=_recipients(alert), message=Message(
        key=f"alert:{alert.pk}", kind="alert", title=_("Early warning: %(title)s") % {"title": alert.title},
        body=_("A new alert needs your attention."), link=f"/staff/alerts/{alert.pk}/"))
    return alert, True


@transaction.atomic
def alert_acknowledge(*, actor: Any, alert_id: int, note: str) -> Alert:
    alert = _locked_for(actor, alert_id)
    text = _note(note, required=True)
    if alert.status != S.OPEN:
        raise IllegalTransition(_("Only an open alert can be acknowledged."))
    now = clock.now()
    alert.status, alert.note, alert.acknowledged_at, alert.acknowledged_by = S.ACKNOWLEDGED, text, now, actor
    alert.updated_at = now
    alert.save(update_fields=["status", "note", "acknowledged_at", "acknowledged_by", "updated_at"])
    audit_record(actor=actor, verb="alert.acknowledge", obj=alert)
    return alert


@transaction.atomic
def alert_resolve(*, actor: Any, alert_id: int, note: str = "", false_alarm: bool = False) -> Alert:
    """Close an open or acknowledged alert: resolved, or dismissed as a false alarm."""
    alert = _locked_for(actor, alert_id)
    text = _note(note, required=false_alarm)
    if alert.is_closed:
        raise IllegalTransition(_("This alert is already closed."))
    now = clock.now()
    alert.status = S.FALSE_ALARM if false_alarm else S.RESOLVED
    alert.resolution, alert.closed_at, alert.closed_by, alert.updated_at = text, now, actor, now
    alert.save(update_fields=["status", "resolution", "closed_at", "closed_by", "updated_at"])
    audit_record(actor=actor, verb="alert.false_alarm" if false_alarm else "alert.resolve", obj=alert)
    return alert
