"""A reception day in a real browser: a resident books a slot on the public page (no personal
data shown back), the operator records the visit, which becomes a case (channel=reception), and
the receiving leader hands it to a unit; the session's report counts it."""

from datetime import timedelta

import pytest

from shiyu.cases.models import Case
from shiyu.core import clock
from shiyu.reception import services
from shiyu.reception.models import Booking
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_book_a_slot_and_the_visit_becomes_a_case(city, new_page):
    start = clock.now() + timedelta(days=2)
    session = services.session_create(
        actor=city.users["operator"],
        leader_id=city.users["leader"].pk,
        leader_title="周市长（市长）",
        place="市民中心三楼",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=5,
        topics="住房、物业",
    )
    resident = new_page("zh-Hans")
    resident.goto("/reception/")
    resident.locator(f"#session-{session.pk} a").click()
    resident.fill("#b-name", "陈美华")
    resident.fill("#b-phone", "13912345678")
    resident.fill("#b-topic", "小区3号楼电梯坏了两个月，物业不修。")
    resident.click("#booking-submit")
    code = resident.locator("#booking-code").inner_text().strip()
    booking = Booking.objects.get(code=code)
    assert booking.status == "active" and booking.name == "陈美华"
    assert "陈美华" not in resident.content() and "13912345678" not in resident.content()
    resident.goto(f"/reception/{session.pk}/")
    assert "4" in resident.locator("#session-remaining").inner_text()

    staff = new_page("zh-Hans")
    sign_in(staff, "operator")
    staff.goto(f"/staff/reception/{session.pk}/")
    row = staff.locator(f"#booking-{booking.pk}")
    assert "陈**" in row.inner_text() and "139****5678" in row.inner_text()
    row.locator(".visit-form input[name=title]").fill("3号楼电梯长期故障")
    row.locator(".visit-form button[type=submit]").click()
    staff.locator(f"#booking-{booking.pk} .booking-case").wait_for()
    booking.refresh_from_db()
    case = Case.objects.get(pk=booking.case_id)
    assert case.channel == "reception" and case.title == "3号楼电梯长期故障"
    assert staff.locator("#report-raised").inner_text().strip() == "1"

    leader = new_page("zh-Hans")
    sign_in(leader, "leader")
    leader.goto(f"/staff/reception/{session.pk}/")
    form = leader.locator(f"#booking-{booking.pk} .assign-form")
    form.locator("select[name=department]").select_option(str(city.departments["ZJJ"].pk))
    form.locator("input[name=note]").fill("请住建局一周内修复")
    form.locator("button[type=submit]").click()
    leader.wait_for_url(f"**/staff/reception/{session.pk}/")
    case.refresh_from_db()
    assert case.state == "dispatched" and case.lead_department_id == city.departments["ZJJ"].pk
    assert city.departments["ZJJ"].name in leader.locator(f"#booking-{booking.pk}").inner_text()
