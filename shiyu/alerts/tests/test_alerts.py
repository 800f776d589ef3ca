"""Alert lifecycle, dedupe, the detection job over real cases, notifications."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shiyu.alerts import selectors, services
from shiyu.alerts.models import Alert
from shiyu.alerts.services import detection
from shiyu.audit.models import AuditEvent
from shiyu.core import clock, errors
from shiyu.insights.services import rollups_refresh_all
from shiyu.notifications.models import Notification

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _raise(city, key="k1", **extra):
    district = city.districts[0]
    data = {"kind": Alert.Kind.SPIKE, "dedupe_key": key, "title": "测试预警",
            "day": datetime(2026, 3, 2).date(),
            "area_id": district.pk, "department_id": city.departments["HBJ"].pk, "observed": 9,
            "expected": 2.0, "p_value": 1e-5}
    data.update(extra)
    return services.alert_raise(**data)


def test_raise_is_idempotent_and_notifies_department_and_supervisor(city):
    alert, created = _raise(city)
    again, created_again = _raise(city, title="另一个标题")
    assert created and not created_again and again.pk == alert.pk and Alert.objects.count() == 1
    recipients = set(Notification.objects.filter(key=f"alert:{alert.pk}").values_list(
        "recipient__username", flat=True))
    assert {"supervisor", "handler", "unithead"} <= recipients
    assert "operator_d2" not in recipients and "handler_jtj" not in recipients
    assert AuditEvent.objects.filter(verb="alert.raise", object_id=str(alert.pk)).count() == 1


def test_lifecycle(city):
    u = city.users
    alert, _ = _raise(city)
    with pytest.raises(errors.InvalidInput):
        services.alert_acknowledge(actor=u["unithead"], alert_id=alert.pk, note="  ")
    with pytest.raises(errors.Forbidden):
        services.alert_acknowledge(actor=u["handler"], alert_id=alert.pk, note="看看")
    with pytest.raises(errors.NotFound):
        services.alert_acknowledge(actor=u["operator_d2"], alert_id=alert.pk, note="看看")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN and alert.note == ""

    services.alert_acknowledge(actor=u["unithead"], alert_id=alert.pk, note="已安排排查")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED and alert.note == "已安排排查"
    assert alert.acknowledged_by == u["unithead"]
    with pytest.raises(errors.IllegalTransition):
        services.alert_acknowledge(actor=u["supervisor"], alert_id=alert.pk, note="再次")

    services.alert_resolve(actor=u["supervisor"], alert_id=alert.pk, note="已处理")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESOLVED and alert.closed_by == u["supervisor"]
    with pytest.raises(errors.IllegalTransition):
        services.alert_resolve(actor=u["supervisor"], alert_id=alert.pk, note="x", false_alarm=True)

    other, _ = _raise(city, key="k2")
    with pytest.raises(errors.InvalidInput):  # a false alarm says why
        services.alert_resolve(actor=u["leader"], alert_id=other.pk, false_alarm=True)
    services.alert_resolve(actor=u["leader"], alert_id=other.pk, note="施工临时集中", false_alarm=True)
    other.refresh_from_db()
    assert other.status == Alert.Status.FALSE_ALARM
    verbs = list(AuditEvent.objects.filter(object_type="alerts.alert").values_list("verb", flat=True))
    assert verbs.count("alert.acknowledge") == 1 and "alert.resolve" in verbs and "alert.false_alarm" in verbs


def test_scope(city):
    u = city.users
    alert, _ = _raise(city)
    assert selectors.alert_list_for_user(actor=u["handler"]).filter(pk=alert.pk).exists()
    assert not selectors.alert_list_for_user(actor=u["handler_jtj"]).exists()
    assert not selectors.alert_list_for_user(actor=u["operator_d2"]).exists()
    assert not selectors.alert_list_for_user(actor=u["resident"]).exists()
    assert selectors.alert_list_for_user(actor=u["leader"], status="active").count() == 1
    assert selectors.alert_list_for_user(actor=u["leader"], status="resolved").count() == 0


def test_spike_detection_over_cases_is_deduplicated(city, submit_case):
    """Six weeks of two cases a working day, then twelve on one day: one spike alert, once."""
    grid = city.grids[0]
    first = datetime(2026, 1, 5, 10, 0, tzinfo=TZ)  # a Monday
    day = first
    for _ in range(42):
        if day.weekday() < 5:
            with clock.frozen_at(day):
                submit_case(title="路灯不亮", area=grid.pk)
                submit_case(title="垃圾未清运", area=grid.pk)
        day += timedelta(days=1)
    spike_day = day + timedelta(days=1)
    with clock.frozen_at(spike_day):
        for i in range(12):
            submit_case(title=f"占道经营 {i}", area=grid.pk)
    rollups_refresh_all()

    quiet = detection.detect_spikes(day=(spike_day - timedelta(days=2)).date())
    assert quiet == []
    raised = detection.detect_spikes(day=spike_day.date())
    assert len(raised) == 1
    alert = raised[0]
    assert alert.observed == 12 and alert.expected < 4 and alert.area_id == city.districts[0].pk
    assert alert.department_id is not None  # the category's responsible department
    assert detection.detect_spikes(day=spike_day.date()) == []  # re-run: nothing new
    assert Alert.objects.filter(kind=Alert.Kind.SPIKE).count() == 1
    # The spike goes on the next day: still the one open alert.
    with clock.frozen_at(spike_day + timedelta(days=1)):
        for i in range(12):
            submit_case(title=f"占道经营 次日 {i}", area=grid.pk)
    rollups_refresh_all()
    assert detection.detect_spikes(day=(spike_day + timedelta(days=1)).date()) == []
    assert Alert.objects.filter(kind=Alert.Kind.SPIKE).count() == 1


def test_repeated_complaints_about_one_place(city, submit_case):
    now = datetime(2026, 3, 10, 10, 0, tzinfo=TZ)
    ids = []
    with clock.frozen_at(now - timedelta(days=2)):
        for text in ("幸福花园小区门口垃圾堆放无人清运", "幸福花园小区门口垃圾堆积发臭",
                     "幸福花园小区垃圾堆放好几天没人管", "投诉幸福花园小区门口垃圾堆放"):
            ids.append(submit_case(title=text, body=f"{text}，请尽快处理。").pk)
        submit_case(title="解放路路灯不亮", body="解放路路灯晚上不亮。")
        submit_case(title="学校门口交通拥堵", body="早晚高峰拥堵严重。")
    with clock.frozen_at(now):
        raised = detection.detect_repeats()
        assert len(raised) == 1
        alert = raised[0]
        assert alert.kind == Alert.Kind.REPEAT and sorted(alert.detail["case_ids"]) == sorted(ids)
        assert "幸福花园" in alert.detail["place"]
        assert detection.detect_repeats() == []  # still open: no second alert
    services.alert_resolve(actor=city.users["supervisor"], alert_id=alert.pk, note="已清运")
    with clock.frozen_at(now + timedelta(hours=1)):
        assert detection.detect_repeats() == []  # closed, and nothing new since


def test_the_periodic_job_runs_all_detectors(city):
    from shiyu.alerts.tasks import detect_alerts
    from shiyu.core.periodic import jobs

    assert "alerts.detect" in jobs()
    assert detect_alerts.call() == {"spike": 0, "repeat": 0, "dispute": 0}


def test_hot_issues_page_and_api_are_scoped(city, submit_case, client):
    from shiyu.accounts.services import token_issue

    ids = sorted(submit_case(title=text, body=f"{text}，请尽快处理。").pk for text in (
        "幸福花园小区门口垃圾堆放无人清运", "幸福花园小区门口垃圾堆积发臭", "投诉幸福花园小区门口垃圾堆放"))
    submit_case(title="解放路路灯不亮", body="解放路路灯晚上不亮。")
    token = token_issue(username="leader", password="shiyu-demo")
    body = client.get("/api/v1/hot-issues?days=7&top=3", headers={"Authorization": f"Bearer {token}"}).json()
    assert sorted(body[0]["ids"]) == ids and "幸福花园" in body[0]["place"] and body[0]["rank"] == 1
    token = token_issue(username="handler_jtj", password="shiyu-demo")  # another unit: none of these cases
    body = client.get("/api/v1/hot-issues", headers={"Authorization": f"Bearer {token}"}).json()
    assert all(set(issue["ids"]).isdisjoint(ids) for issue in body)
    bad = client.get("/api/v1/hot-issues?days=0", headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    client.force_login(city.users["supervisor"])
    page = client.get("/staff/alerts/hot-issues/?days=7")
    assert page.status_code == 200 and f"/staff/cases/{ids[0]}/".encode() in page.content
