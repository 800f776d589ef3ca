"""In a real browser: a handler sees the unread notice of a new case, opens it from the inbox,
reads its clocks and light, pauses it waiting for the resident and resumes it."""

import pytest

from shiyu.cases import services
from shiyu.cases.models import Case
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handler_opens_the_notice_and_pauses_the_case(city, submit_case, new_page):
    case = submit_case()
    services.case_accept(actor=city.users["operator"], case_id=case.pk)
    services.case_dispatch(actor=city.users["dispatcher"], case_id=case.pk,
                           lead_department=city.departments["HBJ"])
    page = new_page("zh-Hans")
    sign_in(page, "handler")
    assert page.locator("#inbox-unread").inner_text().strip() == "1"
    page.click("#inbox-link")
    page.wait_for_url("**/staff/inbox/")
    page.locator(".inbox-item.unread .inbox-title").first.click()
    page.wait_for_url(f"**/staff/cases/{case.pk}/")
    assert page.locator("#inbox-unread").count() == 0  # read now
    deadlines = page.locator("#case-deadlines")
    assert deadlines.get_attribute("data-light") in ("on_time", "due_soon", "overdue")
    assert deadlines.locator("[data-clock=ack]").count() == 1
    assert "工作小时" in deadlines.inner_text()

    form = page.locator("#action-pause")
    form.locator("textarea[name=reason]").fill("等待居民补充现场照片")
    form.locator("#do-pause").click()
    page.wait_for_selector("#case-paused")
    assert "等待居民补充现场照片" in page.locator("#case-paused").inner_text()
    assert Case.objects.get(pk=case.pk).paused_at is not None

    page.locator("#action-resume #do-resume").click()
    page.wait_for_function("() => !document.querySelector('#case-paused')")
    assert Case.objects.get(pk=case.pk).paused_at is None
