"""Analysis reports: content from real cases, idempotent generation, downloads, no personal data."""

import json
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from shiyu.audit.models import AuditEvent
from shiyu.core import clock, errors
from shiyu.insights.services import rollups_refresh_all
from shiyu.reports import services
from shiyu.reports.content import period_of
from shiyu.reports.models import Report

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MON = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


@pytest.fixture
def week(city, submit_case):
    u, hbj = city.users, city.departments["HBJ"]
    with clock.frozen_at(MON):
        cases = [submit_case(title=f"幸福小区垃圾堆放 {i}", contact_name="张三丰",
                             contact_phone="13900001111") for i in range(3)]
        for case in cases[:2]:
            from shiyu.cases import services as case_services

            case_services.case_accept(actor=u["operator"], case_id=case.pk)
            case_services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=hbj)
    rollups_refresh_all()
    return cases


def test_periods():
    assert period_of("weekly", date(2026, 3, 4)) == (date(2026, 3, 2), date(2026, 3, 8))
    assert period_of("monthly", date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_of("monthly", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_generate_is_idempotent_per_period_and_holds_no_personal_data(city, week):
    with clock.frozen_at(MON + timedelta(days=10)):
        first = services.report_generate(actor=city.users["leader"], kind="weekly", day=MON.date())
        again = services.report_generate(actor=city.users["supervisor"], kind="weekly",
                                         day=MON.date() + timedelta(days=3))
    assert first.pk == again.pk and Report.objects.count() == 1 and again.version == 2
    assert (again.start, again.end) == (date(2026, 3, 2), date(2026, 3, 8))
    data = again.data
    assert data["metrics"]["intake"] == 3 and len(data["days"]) == 7 and data["days"][0]["intake"] == 3
    assert data["departments"] and data["departments"][0]["rank"] == 1
    assert data["previous"] == {"start": "2026-02-23", "end": "2026-03-01"}
    text = json.dumps(data, ensure_ascii=False)
    for private in ("张三丰", "13900001111", "1111", "幸福小区垃圾堆放 0"):
        assert private not in text
    assert AuditEvent.objects.filter(verb="report.generate").count() == 2


def test_schedule_makes_each_period_once(city, week):
    from shiyu.reports.tasks import generate_due_reports

    with clock.frozen_at(MON + timedelta(days=40)):
        made = services.reports_due()
        assert {r.kind for r in made} == {"weekly", "monthly"}
        assert generate_due_reports.call() == 0  # a second run: nothing new
    monthly = Report.objects.get(kind="monthly")
    assert (monthly.start, monthly.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert monthly.generated_by is None and monthly.data["metrics"]["intake"] == 3


def test_permissions_and_bad_input(city, week):
    u = city.users
    with clock.frozen_at(MON + timedelta(days=10)):
        with pytest.raises(errors.Forbidden):
            services.report_generate(actor=u["operator"], kind="weekly", day=MON.date())
        with pytest.raises(errors.NotFound):
            services.report_generate(actor=u["resident"], kind="weekly", day=MON.date())
        with pytest.raises(errors.InvalidInput):
            services.report_generate(actor=u["leader"], kind="daily", day=MON.date())
        with pytest.raises(errors.InvalidInput):
            services.report_generate(actor=u["leader"], kind="weekly", day=MON.date() + timedelta(days=30))
    assert Report.objects.count() == 0


def test_pages_and_downloads(city, week, client):
    from openpyxl import load_workbook

    with clock.frozen_at(MON + timedelta(days=10)):
        report = services.report_generate(actor=None, kind="weekly", day=MON.date())
    client.force_login(city.users["handler"])
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert page.status_code == 200 and b"report-chart-days" in page.content
    printed = client.get(reverse("reports:print", args=[report.pk]))
    assert printed.status_code == 200 and b"print.css" in printed.content
    download = client.get(reverse("reports:xlsx", args=[report.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    book = load_workbook(BytesIO(download.content))
    assert len(book.sheetnames) >= 6
    summary = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert any(row[1] == 3 for row in summary[2:] if row and len(row) > 1)  # intake 3
    client.force_login(city.users["resident"])
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
