"""Analysis reports: content from real cases, idempotent generation, downloads, no personal data."""

import json
import re
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
        cases = [
            submit_case(title=f"幸福小区垃圾堆放 {i}", contact_name="张三丰", contact_phone="13900001111")
            for i in range(3)
        ]
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
        again = services.report_generate(
            actor=city.users["supervisor"], kind="weekly", day=MON.date() + timedelta(days=3)
        )
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
    html = printed.content.decode()
    # Charts that print without JavaScript: inline SVG from the report's own figures.
    assert "<script" not in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="report-svg" id="report-svg-days"' in html
    assert html.count('class="bar"') >= 7 + 1  # 7 days of intake bars + at least one department
    assert 'id="report-svg-departments"' in html and 'id="report-svg-categories"' in html
    # "Intake" as a count is 受理量; alone it is the intake app's name (诉求受理渠道, a channel).
    assert html.count("受理量") >= 2 and "诉求受理渠道" not in html  # the chart legend, the table
    assert "受理量" in page.content.decode() and "诉求受理渠道" not in page.content.decode()
    download = client.get(reverse("reports:xlsx", args=[report.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    book = load_workbook(BytesIO(download.content))
    assert len(book.sheetnames) >= 6
    summary = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert any(row[1] == 3 for row in summary[2:] if row and len(row) > 1)  # intake 3
    headers = {cell for sheet in book.worksheets for row in sheet.iter_rows(max_row=3, values_only=True)
               for cell in row}
    assert "受理量" in headers and "诉求受理渠道" not in headers
    client.force_login(city.users["resident"])
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404


def test_svg_charts_scale_escape_and_handle_empty_data():
    from shiyu.reports import charts

    days = [
        {"day": f"2026-03-0{i}", "intake": v, "completed": c}
        for i, (v, c) in enumerate([(10, 2), (0, 0), (5, 5)], start=1)
    ]
    svg = str(charts.daily_chart(days, title="日<受理>", intake="受理", completed="办结"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "日&lt;受理&gt;" in svg and "<受理>" not in svg  # labels are data: escaped
    bars = [float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([0-9.]+)"', svg)]  # day order
    assert len(bars) == 3
    assert bars[0] > bars[2] > bars[1] == 0.0 and abs(bars[0] - 2 * bars[2]) < 0.2
    assert svg.count("<circle") == 3  # one completion dot per day
    ranked = [
        {"label": "环保局", "on_time_completion_rate": 0.9},
        {"label": "<b>城管</b>", "on_time_completion_rate": None},
    ]
    svg = str(charts.rate_chart(ranked, title="按时办结率"))
    assert "90.0%" in svg and "&lt;b&gt;城管" in svg and "—" in svg
    counts = str(
        charts.count_chart(
            [{"label": "市容", "intake": 47}, {"label": "路灯", "intake": 3}], title="类别", element_id="c"
        )
    )
    assert ">47</text>" in counts and ">3</text>" in counts
    assert charts.daily_chart([], title="t", intake="a", completed="b") == ""
    assert charts.rate_chart([], title="t") == ""
