"""The resident's "this may already be reported" hint, in a real browser: typing a matter that was
reported nearby shows the earlier report (no code, no contact), following it joins the request
to it, and the tracking page then shows that case's progress."""

import pytest

from shiyu.cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_TITLE = "解放路口路灯不亮"


def test_resident_sees_the_earlier_report_and_follows_it(city, submit_case, new_page):
    first = submit_case(
        title=FIRST_TITLE,
        body="解放路和和平街交叉口的路灯已经一周不亮了，晚上很危险。",
        category="C010302",
        area=city.grids[0].pk,
        contact_name="王女士",
    )
    page = new_page("zh-Hans")
    page.goto("/submit/")
    page.select_option("#id_category", label="路灯不亮")
    page.select_option("#id_area", value=str(city.grids[0].pk))
    page.fill("#id_title", "解放路口的路灯坏了")
    page.fill("#id_body", "和平街与解放路交叉口路灯一周都不亮，夜里走路很危险。")
    page.locator("#id_body").blur()
    hint = page.locator("#similar-hint")
    hint.wait_for()
    text = hint.inner_text()
    assert FIRST_TITLE in text and first.code not in text and "王女士" not in text
    hint.locator("button[name=follow]").first.click()
    code = page.locator("#tracking-code").inner_text().strip()
    mine = Case.objects.get(code=code)
    assert mine.state == "merged" and mine.merged_into_id == first.pk
    page.goto(f"/track/{code}/")
    assert page.locator("#survivor").is_visible()
    assert first.code not in page.content()
