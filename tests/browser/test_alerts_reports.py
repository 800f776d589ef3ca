"""Early warning and reports in a real browser: the unit head opens the alert list, opens the
alert, acknowledges it with a note; the leader generates a weekly report and sees its charts,
then its print version's server-drawn SVG charts on screen, in print media and in a PDF."""

from datetime import date, timedelta

import pytest

from shiyu.alerts.models import Alert
from shiyu.alerts.services import alert_raise
from shiyu.insights.services import rollups_refresh_all
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_alert_list_to_acknowledge(city, new_page):
    alert, _ = alert_raise(
        kind=Alert.Kind.SPIKE,
        dedupe_key="browser:1",
        title="示范区 · 市容管理: 12 / 2.0",
        day=date(2026, 3, 2),
        area_id=city.districts[0].pk,
        department_id=city.departments["HBJ"].pk,
        observed=12,
        expected=2.0,
        p_value=1e-6,
    )
    page = new_page()
    sign_in(page, "unithead")
    page.click("#nav-alerts")
    page.wait_for_url("**/staff/alerts/")
    row = page.locator("#alert-table tr.alert-row", has_text="市容管理")
    assert row.count() == 1
    row.locator("a").click()
    page.wait_for_url(f"**/staff/alerts/{alert.pk}/")
    page.fill("#ack-note", "已派人现场核查")
    page.click("#alert-acknowledge")
    page.wait_for_url(f"**/staff/alerts/{alert.pk}/")
    assert page.locator("#alert-status").inner_text() == "已签收"
    assert page.locator("#alert-note").inner_text() == "已派人现场核查"
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED and alert.acknowledged_by == city.users["unithead"]


def test_leader_generates_a_report_and_sees_its_charts(city, submit_case, new_page):
    submit_case(title="路灯不亮")
    submit_case(title="垃圾未清运")
    rollups_refresh_all()
    page = new_page()
    sign_in(page, "leader")
    page.goto("/staff/reports/")
    page.select_option("#g-kind", "weekly")
    page.fill("#g-day", (date.today() - timedelta(days=0)).isoformat())  # noqa: DTZ011
    page.click("#report-generate")
    page.wait_for_url("**/staff/reports/*/")
    assert "运行分析报告" in page.locator("#report-title").inner_text()
    page.wait_for_selector("#report-chart-days[data-ready='1']")
    assert page.locator("#metric-intake td").nth(1).inner_text() == "2"
    with page.expect_download() as info:
        page.click("#report-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")

    # The print version: its charts are server-drawn SVG, so they show with no script at all and
    # come out in the PDF that Chromium prints.
    page.click("#report-print")
    page.wait_for_url("**/staff/reports/*/print/")
    chart = page.locator("#report-svg-days")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80
    assert page.locator("#report-svg-days rect.bar").count() == 7
    page.emulate_media(media="print")
    assert chart.is_visible()
    # Pixels, not only DOM: the chart's area holds the bars' grey in a screenshot.
    png = chart.screenshot()
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert sum(n for n, rgb in colours if rgb == (0x8A, 0x8A, 0x8A)) > 50  # the bars' fill
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
