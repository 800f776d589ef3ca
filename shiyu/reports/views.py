"""Staff pages of the analysis reports: list, generate, the report page, print and XLSX."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shiyu.cases.views import staff_view
from shiyu.core import clock, errors
from shiyu.insights import metrics
from shiyu.reports import charts, export, selectors, services
from shiyu.reports.models import Report


@staff_view
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in Report.Kind.values else ""
    return render(
        request,
        "reports/list.html",
        {
            "reports": selectors.report_list_for_user(actor=request.user, kind=kind)[:200],
            "kind": kind,
            "kinds": Report.Kind.choices,
            "can_generate": selectors.report_can_generate(actor=request.user),
            "today": timezone.localdate(clock.now()).isoformat(),
        },
    )


@staff_view
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    try:
        day = date.fromisoformat(request.POST.get("day", "")[:10])
    except ValueError:
        day = None
    try:
        report = services.report_generate(actor=request.user, kind=request.POST.get("kind", ""), day=day)
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        return render(
            request,
            "reports/list.html",
            {
                "reports": selectors.report_list_for_user(actor=request.user)[:200],
                "kinds": Report.Kind.choices,
                "can_generate": selectors.report_can_generate(actor=request.user),
                "error": exc.message,
                "today": timezone.localdate(clock.now()).isoformat(),
            },
            status=exc.status,
        )
    messages.success(request, _("Report generated."))
    return redirect("reports:detail", report_id=report.pk)


def _context(report: Report) -> dict:
    data = report.data
    rates = set(metrics.RATE_KEYS)
    rows = []
    for key, label, now, before in export.metric_rows(data):
        delta = now - before if isinstance(now, int | float) and isinstance(before, int | float) else None
        rows.append(
            {"key": key, "label": label, "now": now, "before": before, "delta": delta, "rate": key in rates}
        )
    return {"report": report, "data": data, "metric_rows": rows}


def _charts_json(data: dict) -> str:
    """The ECharts data of the page (the print page draws the same figures as SVG instead)."""
    chart_data = {
        "days": data.get("days", []),
        "departments": data.get("departments", [])[:15],
        "categories": data.get("categories", []),
        # "Intake" alone is the intake app's name (诉求受理渠道); a count has the context "count".
        "strings": {
            "intake": str(metrics.LABELS["intake"]),
            "completed": _("Completed"),
            "on_time": _("On-time completion"),
        },
    }
    return json.dumps(chart_data, cls=DjangoJSONEncoder, ensure_ascii=False)


@staff_view
@require_GET
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get_for_user(actor=request.user, report_id=report_id)
    context = {**_context(report), "charts_json": _charts_json(report.data)}
    return render(request, "reports/detail.html", context)


@staff_view
@require_GET
def report_print(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get_for_user(actor=request.user, report_id=report_id)
    context = _context(report)
    data = report.data
    # The print page draws its charts on the server as SVG: no script runs there (see charts.py).
    context["svg"] = {
        "days": charts.daily_chart(
            data.get("days", []),
            title=_("Intake and completion per day"),
            intake=str(metrics.LABELS["intake"]),
            completed=_("Completed"),
        ),
        "departments": charts.rate_chart(data.get("departments", [])[:15], title=_("On-time completion")),
        "categories": charts.count_chart(
            data.get("categories", []), title=_("Category"), element_id="report-svg-categories"
        ),
        "areas": charts.count_chart(data.get("areas", []), title=_("Area"), element_id="report-svg-areas"),
    }
    return render(request, "reports/print.html", context)


@staff_view
@require_GET
def report_xlsx(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_get_for_user(actor=request.user, report_id=report_id)
    response = HttpResponse(
        export.workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"report-{report.kind}-{report.start:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
