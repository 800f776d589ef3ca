"""From a goal to the cases behind its indicator, in a real browser: the leader opens the goal,
sees the progress chart drawn, and one click later the workbench lists exactly the cases counted."""

from datetime import date

import pytest

from shiyu.goals import services
from shiyu.insights.services import rollups_refresh_all
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_goal_to_the_cases_behind_an_indicator(city, submit_case, new_page):
    noise = submit_case(title="工地夜间施工噪音扰民", category="C020101")
    vending = submit_case(title="小区门口占道经营", category="C010101")
    rollups_refresh_all()
    leader = city.users["leader"]
    today = date.today()  # noqa: DTZ011  (the period only needs to hold the cases made just now)
    goal = services.goal_create(
        actor=leader,
        title="噪音投诉下降两成",
        year=today.year,
        owner_department_id=city.departments["HBJ"].pk,
    )
    services.indicator_create(
        actor=leader,
        goal_id=goal.pk,
        name="噪音投诉量",
        source="computed",
        metric="intake",
        category_id=city.categories["C0201"].pk,
        start=date(today.year, 1, 1),
        end=date(today.year, 12, 31),
        baseline=10,
        target=8,
        direction="decrease",
    )

    page = new_page()
    sign_in(page, "leader")
    page.goto("/staff/goals/")
    page.click("text=噪音投诉下降两成")
    page.wait_for_url(f"**/staff/goals/{goal.pk}/")
    page.wait_for_selector(".goal-chart canvas")  # ECharts drew the progress chart
    page.click("a.cases-link")
    page.wait_for_url("**/staff/?*")
    table = page.locator("main").inner_text()
    assert noise.code in table
    assert vending.code not in table
