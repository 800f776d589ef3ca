"""A leader opens the dashboard: charts and heat map draw, figures equal the rollups, and a click
on a figure opens the cases behind it."""

import re

import pytest

from shiyu.cases import services as cases
from shiyu.core import clock
from shiyu.insights.metrics import local_day
from shiyu.insights.selectors import MetricFilter, metrics_compute
from shiyu.insights.services import rollups_refresh_all
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def case_links(page) -> set[str]:
    links = page.locator("a[href^='/staff/cases/']")
    return {links.nth(i).get_attribute("href") for i in range(links.count())}


def test_leader_dashboard_and_drill_down(city, submit_case, new_page):
    u = city.users
    made = [submit_case(title=f"路灯不亮{i}", latitude=None, longitude=None) for i in range(3)]
    cases.case_accept(actor=u["operator"], case_id=made[0].pk)
    cases.case_answer(actor=u["operator"], case_id=made[0].pk, text="已答复")
    cases.case_follow_up(actor=u["operator"], case_id=made[0].pk, satisfaction="satisfied")
    rollups_refresh_all()
    today = local_day(clock.now())
    figures = metrics_compute(f=MetricFilter(start=today, end=today))

    page = new_page("zh-Hans")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, "leader")
    page.goto(f"/staff/insights/?start={today.isoformat()}&end={today.isoformat()}")
    page.wait_for_selector("#chart-trend[data-ready='1']", state="attached")
    page.wait_for_selector("#chart-departments[data-ready='1']", state="attached")
    page.wait_for_selector("#chart-trend canvas")
    page.wait_for_selector("#map[data-cells]", state="attached")  # the heat layer answered
    assert page.locator("#card-intake .ins-card-value").inner_text().strip() == str(figures["intake"])
    assert figures["intake"] == 3 and figures["completed"] == 1
    assert page.locator("#card-completed .ins-card-value").inner_text().strip() == "1"
    page.click("#card-intake")
    page.wait_for_url(re.compile(r".*/staff/\?.*date_field=submitted.*"))
    assert case_links(page) == {f"/staff/cases/{c.pk}/" for c in made}
    page.go_back()
    page.click("#card-completed")
    page.wait_for_url(re.compile(r".*state=closed.*"))
    assert case_links(page) == {f"/staff/cases/{made[0].pk}/"}
    assert not errors, errors
