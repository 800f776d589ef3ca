"""The working-time calendar in a real browser: an administrator is warned on the workbench that a
year's official holidays are unknown, follows the link to the calendar overrides, enters a typhoon
day, and deadlines skip it at once; other staff never see the warning."""

from datetime import date

import pytest

from shiyu.core import workcal
from shiyu.core.models import CalendarOverride
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_is_warned_and_enters_a_typhoon_day(city, new_page, monkeypatch):
    # As on an installation whose chinese-calendar release predates this year and the next
    # (the live server runs in this process, so it sees the same module). The per-process official
    # table is built first, from the real data, so later tests in this process are not affected.
    workcal.is_working_day(date(2026, 1, 1))
    monkeypatch.setattr(workcal, "covered_years", lambda: frozenset())
    this_year = workcal.this_and_next_year()[0]
    typhoon = date(this_year, 12, 8) if date(this_year, 12, 8).weekday() < 5 else date(this_year, 12, 9)

    page = new_page("zh-Hans")
    sign_in(page, "admin")
    banner = page.locator("#workcal-warning")
    assert str(this_year) in banner.inner_text() and "官方节假日" in banner.inner_text()
    banner.locator("a").click()
    page.wait_for_url("**/admin/core/calendaroverride/")
    assert "workcal.confirmed_years" in page.locator(".messagelist").inner_text()
    page.goto("/admin/core/calendaroverride/add/")
    page.fill("#id_date", typhoon.isoformat())
    page.fill("#id_reason", "台风红色预警，全市停工")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/core/calendaroverride/")
    assert "台风红色预警" in page.content()
    assert CalendarOverride.objects.get(date=typhoon).is_working is False
    assert not workcal.is_working_day(typhoon)

    other = new_page("zh-Hans")
    sign_in(other, "handler")
    assert other.locator("#workcal-warning").count() == 0
