"""Reads of reports. They hold city-wide aggregates only: every staff member may read them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shiyu.accounts import policies
from shiyu.core.errors import NotFound
from shiyu.core.ids import is_valid_id
from shiyu.reports.models import Report


def report_list_for_user(*, actor: Any, kind: str = "") -> QuerySet[Report]:
    if not policies.is_staff_user(actor):
        return Report.objects.none()
    qs = Report.objects.all()
    return qs.filter(kind=kind) if kind else qs


def report_get_for_user(*, actor: Any, report_id: int) -> Report:
    if not is_valid_id(report_id):
        raise NotFound()
    report = report_list_for_user(actor=actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


def report_can_generate(*, actor: Any) -> bool:
    return policies.can(actor, "report_generate", policies.Target())
