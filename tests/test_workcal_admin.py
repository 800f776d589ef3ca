"""Calendar overrides edited in the admin and saved through accounts.services.config_save: audited,
refused when bad, and used by the working-time calendar at once (its cache is dropped)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.test import Client

from shiyu.accounts.services import config_delete, config_save, system_user
from shiyu.audit.models import AuditEvent
from shiyu.core import clock, workcal
from shiyu.core.models import CalendarOverride, CitySetting

TZ = ZoneInfo("Asia/Shanghai")
NOV_2026 = datetime(2026, 11, 26, 10, tzinfo=TZ)  # 2027 is beyond chinese-calendar 1.11's data


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="shiyu-demo")
    return client


def test_an_override_added_in_the_admin_is_audited_and_used_at_once(city):
    typhoon = date(2026, 12, 8)  # a Tuesday
    assert workcal.is_working_day(typhoon)
    response = signed_in("admin").post("/admin/core/calendaroverride/add/", {
        "date": typhoon.isoformat(), "reason": "台风红色预警停工"})  # unchecked box: a day off
    assert response.status_code == 302, response.content[:2000]
    row = CalendarOverride.objects.get(date=typhoon)
    assert AuditEvent.objects.filter(verb="config.create", object_id=str(row.pk)).exists()
    assert not workcal.is_working_day(typhoon)
    monday_close = datetime(2026, 12, 7, 17, tzinfo=TZ)
    assert workcal.add_working_hours(monday_close, 1) == datetime(2026, 12, 9, 9, 30, tzinfo=TZ)

    response = signed_in("admin").post(f"/admin/core/calendaroverride/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="config.delete", object_id=str(row.pk)).exists()
    assert workcal.is_working_day(typhoon)


def test_an_extra_working_saturday_from_the_admin(city):
    saturday = date(2027, 1, 9)
    response = signed_in("admin").post("/admin/core/calendaroverride/add/", {
        "date": saturday.isoformat(), "is_working": "on", "reason": "补班"})
    assert response.status_code == 302
    assert workcal.is_working_day(saturday)


def test_a_duplicate_date_or_a_missing_reason_is_refused_and_changes_nothing(city):
    client = signed_in("admin")
    client.post("/admin/core/calendaroverride/add/", {"date": "2026-12-08", "reason": "台风"})
    for data in ({"date": "2026-12-08", "reason": "again"}, {"date": "2026-12-09", "reason": ""},
                 {"date": "not a date", "reason": "x"}):
        response = client.post("/admin/core/calendaroverride/add/", data)
        assert response.status_code == 200  # the form again, with its error
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [date(2026, 12, 8)]


def test_only_administrators_may_edit_overrides(city):
    response = signed_in("handler").get("/admin/core/calendaroverride/add/")
    assert response.status_code == 302  # to the admin's sign-in: not staff
    assert not CalendarOverride.objects.exists()


def test_an_override_saved_or_deleted_through_the_service_applies_at_once(migration_data):
    day = date(2026, 11, 24)
    assert workcal.is_working_day(day)
    row = CalendarOverride(date=day, is_working=False, reason="台风停工")
    config_save(actor=system_user(), obj=row)
    assert not workcal.is_working_day(day)
    assert workcal.working_hours_between(datetime(2026, 11, 23, 17, tzinfo=TZ),
                                         datetime(2026, 11, 25, 10, tzinfo=TZ)) == 1.5
    config_delete(actor=system_user(), obj=row)
    assert workcal.is_working_day(day)


def test_the_override_list_in_the_admin_repeats_the_warning(city):
    with clock.frozen_at(NOV_2026):
        page = signed_in("admin").get("/admin/core/calendaroverride/").content.decode()
    assert "2027" in page and "workcal.confirmed_years" in page


def test_the_hours_and_the_confirmed_years_saved_through_config_save_apply_at_once(migration_data):
    config_save(actor=system_user(), obj=CitySetting(key="workcal.hours", value=[["08:00", "12:00"]]))
    assert workcal.hours_per_day() == 4.0
    with clock.frozen_at(NOV_2026):
        assert workcal.coverage_warning() is not None
        config_save(actor=system_user(), obj=CitySetting(key="workcal.confirmed_years", value=[2027]))
        assert workcal.coverage_warning() is None
