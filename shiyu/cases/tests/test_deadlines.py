"""Case clocks in working time: dispatch, urgency, pause/resume, extensions, the traffic light.

Expected instants are worked out by hand on the default working hours (09:00–12:00, 13:30–17:30,
7 h a day). 2026-11-23 is a Monday.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from shiyu.cases import deadlines, presenters, services
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import clock, errors, workcal

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def u(city):
    return city.users


@pytest.fixture
def make(submit_case, u, city):
    """A case with the given limits and urgency, accepted and dispatched to HBJ at `when`."""

    def build(when: datetime, *, ack: int = 8, days: int = 3, urgency: str = "normal",
              acknowledge: bool = False) -> Case:
        with clock.frozen_at(when):
            case = submit_case(urgency=urgency)
            Case.objects.filter(pk=case.pk).update(ack_limit_hours=ack, reply_limit_days=days)
            services.case_accept(actor=u["operator"], case_id=case.pk)
            services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                                   lead_department=city.departments["HBJ"])
            if acknowledge:
                services.case_acknowledge(actor=u["handler"], case_id=case.pk)
        return Case.objects.get(pk=case.pk)

    return build


def test_dispatch_counts_limits_in_working_time(make):
    case = make(at(11, 23, 10))
    assert case.ack_due_at == at(11, 24, 11)  # 2 h Monday morning, 4 h afternoon, 2 h Tuesday
    assert case.reply_due_at == at(11, 26, 10)  # three working days, from dispatch
    assert case.followup_due_at is None


def test_dispatch_before_a_weekend_skips_it(make):
    case = make(at(11, 27, 16))  # Friday 16:00
    assert case.ack_due_at == at(11, 30, 17)  # 1.5 h Friday, then Monday 9–12 and 13:30–17:00
    assert case.reply_due_at == at(12, 2, 16)  # Wednesday, same working-time offset


@pytest.mark.parametrize(("urgency", "ack_due", "reply_due"), [
    ("urgent", at(11, 23, 15, 30), at(11, 25, 10)),  # 8 × 0.5 = 4 h; 3 × 0.5 → 2 days
    ("critical", at(11, 23, 12), at(11, 24, 10)),  # 2 h ends at the lunch break; 0.75 → 1 day
])
def test_urgency_shortens_the_limits(make, urgency, ack_due, reply_due):
    case = make(at(11, 23, 10), urgency=urgency)
    assert (case.ack_due_at, case.reply_due_at) == (ack_due, reply_due)


def test_shorten_rounds_up_and_never_reaches_zero():
    assert deadlines.shorten(15, "urgent") == 8
    assert deadlines.shorten(1, "critical") == 1
    assert deadlines.shorten(24, "normal") == 24


def test_category_defaults_apply_without_case_limits(submit_case, u, city):
    with clock.frozen_at(at(11, 23, 10)):
        case = submit_case()
        Case.objects.filter(pk=case.pk).update(ack_limit_hours=None, reply_limit_days=None)
        services.case_accept(actor=u["operator"], case_id=case.pk)
        case = services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                                      lead_department=city.departments["HBJ"])
    category = Case.objects.get(pk=case.pk).category
    assert case.ack_due_at == workcal.add_working_hours(at(11, 23, 10), category.ack_hours)
    assert case.reply_due_at == workcal.add_working_days(at(11, 23, 10), category.complete_days)


def test_national_day_holiday_is_not_counted(make):
    case = make(at(9, 30, 10), days=3)
    assert case.reply_due_at == workcal.add_working_days(at(9, 30, 10), 3)
    # Three working days from 30 September end after the holiday week, not on 3 October.
    assert case.reply_due_at.astimezone(TZ).date() > date(2026, 10, 7)
    assert all(workcal.is_working_day(date(2026, 10, d)) is False for d in (1, 2, 5))


def test_pause_stops_the_clocks_and_resume_adds_the_paused_working_time(make, u):
    case = make(at(11, 23, 10), acknowledge=True)
    with clock.frozen_at(at(11, 23, 14)):
        case = services.case_pause(actor=u["handler"], case_id=case.pk, reason="等待居民提供照片")
    assert case.paused_at == at(11, 23, 14) and case.next_check_at is None
    with clock.frozen_at(at(11, 27, 10)):  # long after the old deadline: paused, so not overdue
        assert Case.objects.get(pk=case.pk).deadline_light == deadlines.ON_TIME
    with clock.frozen_at(at(11, 24, 10)):
        case = services.case_resume(actor=u["handler"], case_id=case.pk)
    # Paused Monday 14:00–17:30 (3.5 h) and Tuesday 9:00–10:00 (1 h): Thursday 10:00 + 4.5 h.
    assert case.reply_due_at == at(11, 26, 16)
    assert case.paused_at is None and case.paused_hours == pytest.approx(4.5)
    event = CaseEvent.objects.filter(case_id=case.pk, action="resume").get()
    assert event.data["paused_hours"] == pytest.approx(4.5)


def test_pause_before_acknowledging_moves_the_ack_deadline_too(make, u):
    case = make(at(11, 23, 10))
    with clock.frozen_at(at(11, 23, 11)):
        services.case_pause(actor=u["handler"], case_id=case.pk, reason="等待居民补充地址")
    with clock.frozen_at(at(11, 23, 15)):
        case = services.case_resume(actor=u["unithead"], case_id=case.pk)
    # 11:00–12:00 and 13:30–15:00: 2.5 h back on both clocks.
    assert case.ack_due_at == workcal.add_working_hours(at(11, 24, 11), 2.5) == at(11, 24, 15)
    assert case.reply_due_at == at(11, 26, 14)


def test_pause_and_resume_guards(make, u):
    case = make(at(11, 23, 10), acknowledge=True)
    with pytest.raises(errors.Conflict):
        services.case_resume(actor=u["handler"], case_id=case.pk)
    with pytest.raises(errors.InvalidInput):
        services.case_pause(actor=u["handler"], case_id=case.pk, reason="  ")
    services.case_pause(actor=u["handler"], case_id=case.pk, reason="等待")
    before = Case.objects.get(pk=case.pk).version
    with pytest.raises(errors.Conflict):
        services.case_pause(actor=u["handler"], case_id=case.pk, reason="再次")
    with pytest.raises(errors.Forbidden):
        services.case_pause(actor=u["operator"], case_id=case.pk, reason="x")
    assert Case.objects.get(pk=case.pk).version == before


def test_approved_extension_moves_the_reply_deadline_in_working_days(make, u):
    case = make(at(11, 23, 10), acknowledge=True)
    services.case_extend_request(actor=u["handler"], case_id=case.pk, days=2, reason="需要现场勘查")
    case = services.case_extend_approve(actor=u["unithead"], case_id=case.pk)
    assert case.reply_due_at == at(11, 30, 10)  # Thursday + 2 working days: Monday, over the weekend
    event = CaseEvent.objects.get(case_id=case.pk, action="extend_approve")
    assert event.data["days"] == 2 and event.data["previous_reply_due_at"].startswith("2026-11-26T")


def test_refused_extension_keeps_the_deadline(make, u):
    case = make(at(11, 23, 10), acknowledge=True)
    services.case_extend_request(actor=u["handler"], case_id=case.pk, days=2, reason="需要现场勘查")
    case = services.case_extend_deny(actor=u["supervisor"], case_id=case.pk, reason="理由不足")
    assert case.reply_due_at == at(11, 26, 10) and case.extension_pending_days is None


def test_transfer_gives_the_new_unit_fresh_clocks(make, u, city):
    case = make(at(11, 23, 10), acknowledge=True)
    with clock.frozen_at(at(11, 24, 10)):
        case = services.case_transfer(actor=u["dispatcher"], case_id=case.pk,
                                      lead_department=city.departments["CGJ"])
    assert case.ack_due_at == at(11, 25, 11) and case.reply_due_at == at(11, 27, 10)


def test_reply_starts_the_follow_up_clock(make, u):
    case = make(at(11, 23, 10), acknowledge=True)
    with clock.frozen_at(at(11, 24, 15)):
        case = services.case_reply(actor=u["handler"], case_id=case.pk, text="已处理完毕。")
    assert case.followup_due_at == workcal.add_working_days(at(11, 24, 15), 3) == at(11, 27, 15)
    assert deadlines.running(case) == [("followup", at(11, 27, 15))]


@pytest.mark.parametrize(("moment", "light"), [
    (at(11, 23, 10), deadlines.ON_TIME),
    (at(11, 24, 9, 30), deadlines.DUE_SOON),  # 1.5 working hours left to acknowledge
    (at(11, 24, 11), deadlines.OVERDUE),
])
def test_traffic_light_follows_the_most_pressing_clock(make, moment, light):
    case = make(at(11, 23, 10))
    with clock.frozen_at(moment):
        assert Case.objects.get(pk=case.pk).deadline_light == light


def test_light_is_overdue_over_a_weekend_even_with_no_working_time_left(make):
    case = make(at(11, 23, 10), acknowledge=True)  # reply due Thursday 10:00
    with clock.frozen_at(at(11, 28, 12)):  # Saturday
        assert Case.objects.get(pk=case.pk).deadline_light == deadlines.OVERDUE


def test_case_dict_shows_deadlines_remaining_time_and_light(make, u):
    case = make(at(11, 23, 10))
    with clock.frozen_at(at(11, 23, 10)):
        data = presenters.case_dict(Case.objects.get(pk=case.pk), actor=u["handler"])
    assert data["deadline_light"] == "on_time"
    clocks = {c["clock"]: c for c in data["clocks"]}
    assert clocks["ack"]["remaining_hours"] == 8.0 and clocks["reply"]["remaining_hours"] == 21.0
    assert data["paused"] is False and data["followup_due_at"] is None


def test_the_api_shows_the_clocks_and_pauses_a_case(make):
    from django.test import Client
    from django.urls import reverse

    from shiyu.accounts.services import token_issue

    case = make(at(11, 23, 10))
    headers = {"Authorization": f"Bearer {token_issue(username='handler', password='shiyu-demo')}"}
    client = Client()
    with clock.frozen_at(at(11, 24, 9, 30)):
        body = client.get(reverse("api:case-detail", kwargs={"case_id": case.pk}), headers=headers).json()
    assert body["deadline_light"] == "due_soon"
    assert [(c["clock"], c["light"], c["remaining_hours"]) for c in body["clocks"]] == [
        ("ack", "due_soon", 1.5), ("reply", "on_time", 14.5)]
    url = reverse("api:case-action", kwargs={"case_id": case.pk, "action": "pause"})
    response = client.post(url, {"reason": "等待居民补充材料", "version": body["version"]},
                           content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    assert response.json()["paused"] is True and response.json()["pause_reason"] == "等待居民补充材料"
