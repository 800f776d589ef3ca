"""A report as an XLSX workbook (openpyxl): one sheet per section, figures only."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _

from shiyu.insights import metrics
from shiyu.reports.models import Report

RATE_KEYS = set(metrics.RATE_KEYS)


def metric_rows(data: dict) -> list[tuple[str, str, object, object]]:
    """(key, label, this period, previous period) for every metric."""
    now, before = data.get("metrics", {}), data.get("previous_metrics", {})
    return [(key, str(metrics.LABELS.get(key, key)), now.get(key), before.get(key)) for key in metrics.KEYS
            if key in now]


def _fmt(key: str, value: object) -> object:
    if value is None:
        return ""
    if key in RATE_KEYS and isinstance(value, int | float):
        return round(float(value) * 100, 1)
    return value


def workbook(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = report.data
    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    sheet.append([str(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Metric"), _("This period"), _("Previous period"), _("Unit")])
    for key, label, now, before in metric_rows(data):
        sheet.append([label, _fmt(key, now), _fmt(key, before), "%" if key in RATE_KEYS else ""])

    def table(title: str, rows: list[dict], columns: list[tuple[str, str]]) -> None:
        ws = book.create_sheet(title[:31])
        ws.append([label for _key, label in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_fmt(key, row.get(key)) if not isinstance(row.get(key), list)
                       else " ".join(map(str, row.get(key))) for key, _label in columns])

    # "Intake" alone is the intake app's name (诉求受理渠道); here it heads a count (受理量).
    intake = str(metrics.LABELS["intake"])
    unit_cols = [("rank", _("Rank")), ("label", _("Department")), ("intake", intake),
                 ("completed", _("Completed")), ("on_time_completion_rate", _("On-time completion") + " %"),
                 ("satisfaction_rate", _("Satisfaction") + " %"), ("redo_rate", _("Redo rate") + " %"),
                 ("backlog", _("Backlog")), ("overdue", _("Overdue"))]
    table(_("Departments"), data.get("departments", []), unit_cols)
    table(_("Categories"), data.get("categories", []), [("label", _("Category")), ("intake", intake),
                                                         ("completed", _("Completed"))])
    table(_("Areas"), data.get("areas", []), [("label", _("Area")), ("intake", intake),
                                               ("completed", _("Completed"))])
    table(_("Daily"), data.get("days", []), [("day", _("Day")), ("intake", intake),
                                             ("completed", _("Completed"))])
    table(_("Hot issues"), data.get("hot_issues", []), [
        ("rank", _("Rank")), ("heat", _("Heat")), ("place", _("Place")), ("keywords", _("Keywords")),
        ("cases", _("Cases"))])
    table(_("Alerts"), data.get("alerts", {}).get("items", []), [
        ("day", _("Day")), ("kind", _("Kind")), ("title", _("Alert")), ("observed", _("Observed")),
        ("expected", _("Expected")), ("status", _("Status"))])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
