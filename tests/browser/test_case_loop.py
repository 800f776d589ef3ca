"""The whole loop in the Chinese UI, in a real browser: a resident's form to "closed" with the reply."""

import pytest

from shiyu.cases.models import Case
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "经现场核查，已责令施工单位夜间停工，并安排执法人员每晚巡查。"


def act(page, case_id: int, action: str, fill=None) -> None:
    page.goto(f"/staff/cases/{case_id}/")
    form = page.locator(f"#action-{action}")
    if fill:
        fill(form)
    form.locator(f"#do-{action}").click()
    page.wait_for_function(
        "(a) => !document.querySelector('#action-' + a)", arg=action)


def test_resident_to_closed_in_chinese(city, new_page):
    resident = new_page("zh-Hans")
    resident.goto("/submit/")
    assert resident.locator("html").get_attribute("lang") == "zh-hans"
    resident.fill("#id_title", "工地夜间施工噪音扰民")
    resident.fill("#id_body", "和平街道东苑社区旁的工地每天晚上十一点以后还在施工，噪音很大，影响休息。")
    resident.select_option("#id_category", label="施工噪音")
    resident.fill("#id_contact_phone", "13812345678")
    resident.click("#submit-case")
    code = resident.locator("#tracking-code").inner_text().strip()
    case = Case.objects.get(code=code)
    assert case.state == "submitted" and case.channel == "web"

    operator = new_page()
    sign_in(operator, "operator")
    act(operator, case.pk, "accept")

    dispatcher = new_page()
    sign_in(dispatcher, "dispatcher")
    act(dispatcher, case.pk, "dispatch",
        lambda form: form.locator("select[name=lead_department]").select_option(label="市生态环境局"))

    handler = new_page()
    sign_in(handler, "handler")
    act(handler, case.pk, "acknowledge")
    act(handler, case.pk, "reply", lambda form: form.locator("textarea[name=text]").fill(REPLY))

    act(operator, case.pk, "follow_up",
        lambda form: form.locator("input[name=satisfaction][value=satisfied]").check())

    resident.goto(f"/track/{code}/")
    assert "已办结" in resident.locator("#case-state").inner_text()
    assert REPLY in resident.locator("#case-reply").inner_text()
    assert "13812345678" not in resident.content()
    case.refresh_from_db()
    assert case.state == "closed"
    assert [e.action for e in case.events.order_by("id")] == [
        "submit", "accept", "dispatch", "acknowledge", "reply", "follow_up"]
