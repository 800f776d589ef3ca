"""The only code that writes reports: generate one period's report (scheduled or on demand)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiyu.accounts import policies
from shiyu.audit.services import audit_record
from shiyu.core import clock
from shiyu.core.errors import InvalidInput, NotFound
from shiyu.reports import content
from shiyu.reports.models import Report

# The default policy of the reports app (seeded by migration 0002, editable like every permission).
DEFAULT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "report_generate": ("supervisor", "leader"),
}
EARLIEST = date(2000, 1, 1)


def _check_period(kind: str, day: Any) -> tuple[date, date]:
    if kind not in Report.Kind.values:
        raise InvalidInput(_("Choose weekly or monthly."), field="kind")
    if not isinstance(day, date):
        raise InvalidInput(_("Give a valid date."), field="day")
    today = timezone.localdate(clock.now())
    if day < EARLIEST or day > today:
        raise InvalidInput(_("The date must be in the past."), field="day")
    return content.period_of(kind, day)


@transaction.atomic
def report_generate(*, actor: Any, kind: str, day: date) -> Report:
    """Generate (or refresh) the report of the week or month holding `day`. actor None: the
    scheduler. One row per period whatever the number of calls."""
    if actor is not None:
        if not policies.is_staff_user(actor):
            raise NotFound()
        policies.require(actor, "report_generate", policies.Target())
    start, end = _check_period(kind, day)
    data = content.build(kind, start, end)
    now = clock.now()
    report = Report.objects.select_for_update().filter(kind=kind, start=start).first()
    if report is None:
        report = Report.objects.create(kind=kind, start=start, end=end, data=data, generated_at=now,
                                       generated_by=actor if actor is not None else None)
    else:
        report.data, report.generated_at, report.version = data, now, report.version + 1
        report.generated_by = actor if actor is not None else None
        report.save(update_fields=["data", "generated_at", "version", "generated_by"])
    audit_record(actor=actor, verb="report.generate", obj=report,
                 data={"kind": kind, "start": start.isoformat()})
    return report


def reports_due(*, today: date | None = None) -> list[Report]:
    """The scheduled run: the last complete week and month, each generated once (an existing
    report of that period is left as it is)."""
    today = today or timezone.localdate(clock.now())
    made = []
    for kind in Report.Kind.values:
        start, _end = content.previous_period(kind, content.period_of(kind, today)[0])
        if not Report.objects.filter(kind=kind, start=start).exists():
            made.append(report_generate(actor=None, kind=kind, day=start))
    return made
