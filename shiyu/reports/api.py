"""The reports app's JSON API (mounted under /api/v1/)."""

from datetime import date, datetime

from ninja import Query, Router, Schema
from ninja.responses import Status

from shiyu.core.errors import InvalidInput
from shiyu.reports import selectors, services
from shiyu.reports.models import Report

router = Router(tags=["reports"])


class ReportSummaryOut(Schema):
    id: int
    kind: str
    start: date
    end: date
    version: int
    generated_at: datetime


class ReportOut(ReportSummaryOut):
    data: dict


class ReportQuery(Schema):
    kind: str = ""
    limit: int = 50


class GenerateIn(Schema):
    kind: str
    day: date


def _summary(report: Report) -> dict:
    return {"id": report.pk, "kind": report.kind, "start": report.start, "end": report.end,
            "version": report.version, "generated_at": report.generated_at}


@router.get("/reports", response=list[ReportSummaryOut], url_name="reports")
def report_list(request, query: Query[ReportQuery]):
    """Weekly and monthly analysis reports, newest first (staff; aggregates only)."""
    if query.kind and query.kind not in Report.Kind.values:
        raise InvalidInput(field="kind")
    if not 1 <= query.limit <= 500:
        raise InvalidInput(field="limit")
    qs = selectors.report_list_for_user(actor=request.auth, kind=query.kind)
    return [_summary(r) for r in qs[:query.limit]]


@router.get("/reports/{report_id}", response=ReportOut, url_name="report-detail")
def report_detail(request, report_id: int):
    report = selectors.report_get_for_user(actor=request.auth, report_id=report_id)
    return {**_summary(report), "data": report.data}


@router.post("/reports", response={201: ReportOut}, url_name="report-generate")
def report_generate(request, payload: GenerateIn):
    """Generate (or refresh) the report of the week or month holding `day` (supervisor, leader)."""
    report = services.report_generate(actor=request.auth, kind=payload.kind, day=payload.day)
    return Status(201, {**_summary(report), "data": report.data})
