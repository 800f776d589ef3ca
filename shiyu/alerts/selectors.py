"""Reads of alerts, scoped by the actor: an alert they may not see is "not found"."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shiyu.accounts import policies
from shiyu.alerts.models import Alert
from shiyu.core.errors import NotFound
from shiyu.core.ids import is_valid_id


def visible_alerts_q(actor: Any) -> Q:
    if not policies.is_staff_user(actor):
        return Q(pk__in=[])
    return policies.visible_q(actor, area_field="area__path", lead_field="department__path",
                              owner_field="acknowledged_by_id", assisting_q=lambda path: Q(pk__in=[]))


def alert_list_for_user(*, actor: Any, status: str = "", kind: str = "") -> QuerySet[Alert]:
    qs = Alert.objects.filter(visible_alerts_q(actor)).select_related("area", "category", "department")
    if status == "active":
        qs = qs.filter(status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED])
    elif status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def alert_get_for_user(*, actor: Any, alert_id: int) -> Alert:
    if not is_valid_id(alert_id):
        raise NotFound()
    alert = alert_list_for_user(actor=actor).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return alert


def alert_can_handle(*, actor: Any, alert: Alert) -> bool:
    from shiyu.alerts.services.lifecycle import target_of

    return policies.can(actor, "alert_handle", target_of(alert))


def alert_dict(alert: Alert) -> dict:
    """The alert as the API and the reports show it (no personal data is ever stored on it)."""
    return {
        "id": alert.pk, "kind": alert.kind, "status": alert.status, "title": alert.title,
        "day": alert.day, "area": alert.area.name if alert.area_id else None, "area_id": alert.area_id,
        "category": alert.category.name if alert.category_id else None, "category_id": alert.category_id,
        "department": alert.department.name if alert.department_id else None,
        "department_id": alert.department_id, "observed": alert.observed, "expected": alert.expected,
        "p_value": alert.p_value, "note": alert.note, "resolution": alert.resolution,
        "case_ids": list(alert.detail.get("case_ids", [])), "place": alert.detail.get("place", ""),
        "created_at": alert.created_at, "acknowledged_at": alert.acknowledged_at,
        "closed_at": alert.closed_at,
    }
