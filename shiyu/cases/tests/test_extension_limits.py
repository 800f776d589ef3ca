"""Extensions decided by the approver: the requested days, other days, or an absolute deadline
(issue 6: "with reason and new limit"). 2026-11-23 is a Monday; default working hours."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from shiyu.cases import services
from shiyu.cases.forms import ExtendApproveForm, action_form
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import clock, errors, workcal

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def requested(submit_case, city):
    """A case dispatched Monday 10:00 with a 3-day reply limit (due Thursday 10:00), acknowledged,
    and a request for 2 more working days."""
    u = city.users
    with clock.frozen_at(at(11, 23, 10)):
        case = submit_case()
        Case.objects.filter(pk=case.pk).update(reply_limit_days=3)
        services.case_accept(actor=u["operator"], case_id=case.pk)
        services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                               lead_department=city.departments["HBJ"])
        services.case_acknowledge(actor=u["handler"], case_id=case.pk)
        services.case_extend_request(actor=u["handler"], case_id=case.pk, days=2, reason="需要现场勘查")
    return Case.objects.get(pk=case.pk)


def approve(city, case, **kwargs):
    with clock.frozen_at(at(11, 24, 15)):
        return services.case_extend_approve(actor=city.users["unithead"], case_id=case.pk, **kwargs)


def test_the_requested_days_by_default(city, requested):
    case = approve(city, requested)
    assert case.reply_due_at == at(11, 30, 10) and case.extension_pending_days is None
    data = CaseEvent.objects.get(case=case, action="extend_approve").data
    assert data["days"] == 2 and data["requested_days"] == 2


def test_the_approver_grants_other_days(city, requested):
    case = approve(city, requested, days=1)
    assert case.reply_due_at == at(11, 27, 10)
    assert CaseEvent.objects.get(case=case, action="extend_approve").data["days"] == 1


def test_the_approver_sets_an_absolute_deadline(city, requested):
    case = approve(city, requested, reply_due_at=at(12, 4, 17, 30))
    assert case.reply_due_at == at(12, 4, 17, 30)
    data = CaseEvent.objects.get(case=case, action="extend_approve").data
    assert data["days"] is None and data["requested_days"] == 2
    assert data["reply_due_at"].startswith("2026-12-04T17:30") and data["previous_reply_due_at"]


def test_a_naive_deadline_is_local_time(city, requested):
    case = approve(city, requested, reply_due_at=datetime(2026, 12, 1, 16, 0))  # noqa: DTZ001
    assert case.reply_due_at == at(12, 1, 16)


@pytest.mark.parametrize("kwargs", [
    {"reply_due_at": at(11, 26, 9)},  # before the current deadline
    {"reply_due_at": at(11, 24, 14)},  # in the past
    {"reply_due_at": at(12, 28, 10).replace(year=2027)},  # far beyond the longest extension
    {"days": 0}, {"days": 61},
    {"days": 2, "reply_due_at": at(12, 4, 10)},  # both
])
def test_a_bad_limit_changes_nothing(city, requested, kwargs):
    with pytest.raises(errors.InvalidInput):
        approve(city, requested, **kwargs)
    case = Case.objects.get(pk=requested.pk)
    assert case.version == requested.version and case.reply_due_at == requested.reply_due_at
    assert case.extension_pending_days == 2


def test_the_payload_path_parses_dates_and_times(city, requested):
    """API, CLI and the case page send text: ISO 8601, or a date alone (end of its working day)."""
    with clock.frozen_at(at(11, 24, 15)):
        case = services.case_perform(actor=city.users["unithead"], case_id=requested.pk,
                                     action="extend_approve",
                                     payload={"reply_due_at": "2026-12-02", "days": ""})
    assert case.reply_due_at == workcal.day_end(date(2026, 12, 2)) == at(12, 2, 17, 30)
    with pytest.raises(errors.InvalidInput) as raised:
        services.case_perform(actor=city.users["handler"], case_id=case.pk, action="extend_request",
                              payload={"days": 1, "reason": "再延"})
        services.case_perform(actor=city.users["unithead"], case_id=case.pk, action="extend_approve",
                              payload={"reply_due_at": "next week"})
    assert raised.value.field == "reply_due_at"


def test_day_end_on_a_weekend_is_the_friday_before():
    assert workcal.day_end(date(2026, 11, 28)) == at(11, 27, 17, 30)


def test_the_case_page_form_offers_both(city, requested):
    form = action_form("extend_approve", requested)
    assert isinstance(form, ExtendApproveForm)
    assert form.initial["days"] == 2 and "reply_due_at" in form.fields


def test_the_api_accepts_a_new_deadline(city, requested):
    from django.test import Client
    from django.urls import reverse

    from shiyu.accounts.services import token_issue

    headers = {"Authorization": f"Bearer {token_issue(username='unithead', password='shiyu-demo')}"}
    url = reverse("api:case-action", kwargs={"case_id": requested.pk, "action": "extend_approve"})
    client = Client()
    with clock.frozen_at(at(11, 24, 15)):
        bad = client.post(url, {"reply_due_at": "soon"}, content_type="application/json", headers=headers)
        response = client.post(url, {"reply_due_at": "2026-12-03T16:00+08:00"},
                               content_type="application/json", headers=headers)
    assert bad.status_code == 422 and bad.json()["code"]  # the API's InvalidInput status
    assert response.status_code == 200, response.content
    assert Case.objects.get(pk=requested.pk).reply_due_at == at(12, 3, 16)
