"""The supervision ladder, driven by a fake clock: due soon → urge → escalation up to the city.

The case sits in a grid (grid › community › street › district › city). Dispatched and
acknowledged Monday 2026-11-23 10:00 with a three-working-day reply limit, it is due Thursday
10:00; due soon from Wednesday 14:30 (4 working hours before); escalated one level per 7 working
hours overdue: Friday, Monday, Tuesday, Wednesday 10:00.
"""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shiyu.accounts.services import system_user
from shiyu.audit.models import AuditEvent
from shiyu.cases import selectors, services, workflow
from shiyu.cases.models import Case, CaseEvent
from shiyu.cases.services import ladder
from shiyu.core import clock
from shiyu.notifications.models import Notification

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 10, tzinfo=TZ)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def u(city):
    return city.users


@pytest.fixture
def make(submit_case, u, city):
    def build(when: datetime = MONDAY, *, days: int = 3, grid: int = 0) -> Case:
        with clock.frozen_at(when):
            case = submit_case(area=city.grids[grid].pk)
            Case.objects.filter(pk=case.pk).update(ack_limit_hours=8, reply_limit_days=days)
            services.case_accept(actor=u["operator"], case_id=case.pk)
            services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                                   lead_department=city.departments["HBJ"])
            services.case_acknowledge(actor=u["handler"], case_id=case.pk)
        return Case.objects.get(pk=case.pk)

    return build


def sweep_at(moment: datetime, **kwargs) -> ladder.SweepResult:
    with clock.frozen_at(moment):
        return ladder.sweep(**kwargs)


def ladder_events(case: Case) -> list[tuple[str, str]]:
    return [(e.action, e.data.get("step", "")) for e in CaseEvent.objects.filter(
        case=case, action__in=("remind", "urge", "escalate")).order_by("id")]


def inbox(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_the_ladder_from_due_soon_to_the_city(make, u, city):
    case = make()
    assert case.next_check_at == at(11, 25, 14, 30)
    assert sweep_at(at(11, 25, 14)).checked == 0  # nothing is due yet: not even read

    sweep_at(at(11, 25, 14, 30))
    case.refresh_from_db()
    assert ladder_events(case) == [("remind", "due_soon")]
    assert case.next_check_at == at(11, 26, 10)
    with clock.frozen_at(at(11, 25, 14, 30)):
        assert case.deadline_light == "due_soon"
    assert inbox(u["handler"], "reminder") == 1 and inbox(u["unithead"], "reminder") == 1

    sweep_at(at(11, 26, 10))
    case.refresh_from_db()
    assert ladder_events(case)[-1] == ("urge", "overdue")
    urge = CaseEvent.objects.filter(case=case, action="urge").get()
    assert urge.actor_id == system_user().pk and urge.data["automatic"] is True
    assert case.urge_count == 1 and inbox(u["handler"], "urge") == 1

    expected_areas = [city.communities[0], city.streets[0], city.districts[0], city.city]
    for level, (moment, area) in enumerate(zip(
            [at(11, 27, 10), at(11, 30, 10), at(12, 1, 10), at(12, 2, 10)], expected_areas, strict=True),
            start=1):
        sweep_at(moment)
        case.refresh_from_db()
        assert case.escalation_level == level and case.supervising_area_id == area.pk
        assert ladder_events(case)[-1] == ("escalate", f"esc{level}")
        assert inbox(u["supervisor"], "escalation") == level
    assert case.next_check_at is None  # at the city: nothing further to climb
    assert sweep_at(at(12, 20, 10)).checked == 0
    assert [a for a, _ in ladder_events(case)] == ["remind", "urge"] + ["escalate"] * 4
    # The escalated case is in the supervisor's queue; each step is an event that replays.
    queue = selectors.case_list_for_user(actor=u["supervisor"],
                                         filters=selectors.CaseFilters(queue="supervised"))
    assert list(queue.values_list("pk", flat=True)) == [case.pk]
    events = CaseEvent.objects.filter(case=case).order_by("id")
    assert workflow.replay((e.action, e.data) for e in events) == case.state
    assert case.version == events.count()


def test_a_late_sweep_skips_the_reminder_and_takes_each_missed_step_once(make, u):
    case = make()
    sweep_at(at(11, 30, 11))  # the worker was down from Wednesday to Monday
    case.refresh_from_db()
    assert ladder_events(case) == [("urge", "overdue"), ("escalate", "esc1"), ("escalate", "esc2")]
    assert inbox(u["handler"], "reminder") == 0 and case.escalation_level == 2
    assert case.next_check_at == at(12, 1, 10)


def test_sweeping_twice_at_the_same_moment_changes_nothing_the_second_time(make):
    cases = [make() for _ in range(3)]
    first = sweep_at(at(11, 26, 10))

    def state() -> tuple:
        return (CaseEvent.objects.count(), Notification.objects.count(),
                list(Case.objects.order_by("pk").values_list("version", "ladder_stage", "next_check_at")))

    before = state()
    second = sweep_at(at(11, 26, 10))
    assert first.changed == 3 and second.checked == 0 and second.changed == 0
    assert before == state()
    assert all(ladder_events(c) == [("urge", "overdue")] for c in cases)


def test_an_interrupted_sweep_rerun_makes_no_duplicates(make, u, monkeypatch):
    cases = [make() for _ in range(5)]
    real = ladder.notify_users_bulk
    calls = {"n": 0}

    def crash_on_second_batch(items, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(items, **kwargs)

    monkeypatch.setattr(ladder, "notify_users_bulk", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        sweep_at(at(11, 26, 10), batch=2)
    # The first batch committed whole; the second left no trace (event, stage, notice).
    done = [c for c in cases if ladder_events(c)]
    assert len(done) == 2
    assert CaseEvent.objects.filter(action="urge").count() == 2
    assert Notification.objects.filter(kind="urge", recipient=u["handler"]).count() == 2

    monkeypatch.setattr(ladder, "notify_users_bulk", real)
    result = sweep_at(at(11, 26, 10), batch=2)
    assert result.changed == 3
    for case in cases:
        assert ladder_events(case) == [("urge", "overdue")]
    assert CaseEvent.objects.filter(action="urge").count() == 5
    keys = list(Notification.objects.filter(recipient=u["handler"], kind="urge").values_list(
        "key", flat=True))
    assert len(keys) == len(set(keys)) == 5
    assert sweep_at(at(11, 26, 10)).changed == 0


def test_a_paused_case_is_not_swept_and_resuming_reschedules_it(make, u):
    case = make()
    with clock.frozen_at(at(11, 25, 9)):
        services.case_pause(actor=u["handler"], case_id=case.pk, reason="等待居民补充材料")
    assert sweep_at(at(11, 27, 10)).checked == 0
    with clock.frozen_at(at(11, 27, 10)):
        case = services.case_resume(actor=u["handler"], case_id=case.pk)
    # Paused Wednesday 9:00 to Friday 10:00: 15 working hours back; due the next Monday 11:00.
    assert case.reply_due_at == at(11, 30, 11)
    assert case.next_check_at is not None and case.next_check_at > at(11, 27, 10)
    sweep_at(at(11, 30, 11))
    assert ladder_events(case) == [("urge", "overdue")]


def test_an_approved_extension_starts_a_fresh_ladder(make, u):
    case = make()
    sweep_at(at(11, 25, 15))
    services.case_extend_request(actor=u["handler"], case_id=case.pk, days=5, reason="需协调多个部门")
    with clock.frozen_at(at(11, 25, 16)):
        case = services.case_extend_approve(actor=u["unithead"], case_id=case.pk)
    assert case.ladder_stage == "" and case.next_check_at > at(11, 26, 10)
    assert sweep_at(at(11, 26, 10)).changed == 0  # the old deadline no longer applies
    sweep_at(case.reply_due_at)
    assert ladder_events(case) == [("remind", "due_soon"), ("urge", "overdue")]


def test_a_problem_case_reaches_the_supervisor(make, u, city):
    case = make()
    for dept in ("CGJ", "HBJ", "CGJ"):
        case = services.case_transfer(actor=u["dispatcher"], case_id=case.pk,
                                      lead_department=city.departments[dept])
    case.refresh_from_db()
    assert case.is_problem and case.escalation_level == 1
    assert Notification.objects.filter(recipient=u["supervisor"], kind="escalation").count() == 1
    queue = selectors.case_list_for_user(actor=u["supervisor"],
                                         filters=selectors.CaseFilters(queue="supervised"))
    assert case.pk in set(queue.values_list("pk", flat=True))
    counts = selectors.queue_counts_for_user(actor=u["supervisor"])
    assert counts["supervised"] == 1


def test_the_periodic_job_runs_the_sweep(make):
    from shiyu.cases.tasks import deadline_sweep
    from shiyu.core import periodic

    periodic.autodiscover()
    assert periodic.jobs()["cases.deadline_sweep"].every.total_seconds() == 300
    case = make()
    with clock.frozen_at(at(11, 26, 10)):
        result = deadline_sweep.enqueue()  # tests run tasks at once (immediate backend)
    assert result.return_value == {"checked": 1, "changed": 1, "events": {"urge": 1}}
    assert ladder_events(case) == [("urge", "overdue")]


def test_a_case_climbing_two_levels_at_once_records_each_step_and_tells_only_its_new_supervisors(
        make, u, city):
    from shiyu.accounts.services import membership_grant, user_create

    community = user_create(username="sup_community", password="x-Secret-1")
    street = user_create(username="sup_street", password="x-Secret-1")
    membership_grant(user=community, role_code="supervisor", area_id=city.communities[0].pk)
    membership_grant(user=street, role_code="supervisor", area_id=city.streets[0].pk)
    case = make()
    sweep_at(at(11, 30, 11))  # overdue since Thursday: urged, then community, then street
    case.refresh_from_db()
    # Every step is its own event, in order, each with the level it reached.
    assert ladder_events(case) == [("urge", "overdue"), ("escalate", "esc1"), ("escalate", "esc2")]
    levels = [e.data["level"] for e in CaseEvent.objects.filter(case=case, action="escalate").order_by("id")]
    assert levels == [1, 2]
    assert case.escalation_level == 2 and case.supervising_area_id == city.streets[0].pk
    # One escalation notice, to the level whose queue now holds the case; the community level it
    # passed through is not told of a case that has already moved above it.
    assert inbox(street, "escalation") == 1
    assert inbox(community, "escalation") == 0
    assert inbox(u["handler"], "urge") == 1
    key = Notification.objects.get(recipient=street, kind="escalation").key
    assert key == f"ladder:{case.pk}:{case.ladder_stage}" and case.ladder_stage.endswith(":esc2")


def test_batches_cover_every_due_case_once_in_id_order_and_skip_what_is_no_longer_due(make, u):
    cases = [make() for _ in range(5)]
    with clock.frozen_at(at(11, 26, 9)):
        services.case_pause(actor=u["handler"], case_id=cases[3].pk, reason="等待居民补充材料")
    result = sweep_at(at(11, 26, 10), batch=2)
    assert result.batches == 2 and result.checked == 4 and result.changed == 4
    assert [bool(ladder_events(c)) for c in cases] == [True, True, True, False, True]
    audit = list(AuditEvent.objects.filter(verb="case.ladder_sweep").order_by("id").values_list(
        "data", flat=True))
    # Each batch's cases are neighbours in id order (what keeps a batch's writes on few pages).
    assert [a["cases"] for a in audit] == [[cases[0].pk, cases[1].pk], [cases[2].pk, cases[4].pk]]
    assert all(a["events"]["urge"] == 2 for a in audit)


def test_the_event_data_is_stored_as_django_would_store_it(make):
    case = make()
    sweep_at(at(11, 30, 11))
    stored = list(CaseEvent.objects.filter(case=case, action__in=("urge", "escalate")).order_by("id")
                  .values_list("data", flat=True))
    assert [d["step"] for d in stored] == ["overdue", "esc1", "esc2"]
    assert all(d["automatic"] is True and d["clock"] == "reply" for d in stored)
    assert stored[1]["reason"] == "overdue" and stored[1]["level"] == 1
    assert datetime.fromisoformat(stored[0]["due"]) == at(11, 26, 10)


def test_event_json_matches_json_dumps():
    samples = [
        {"automatic": True, "clock": "reply", "step": "overdue", "stage": "reply@1764122400:overdue",
         "due": "2026-11-26T10:00:00+08:00"},
        {"automatic": True, "clock": "reply", "step": "esc3", "stage": "reply@1764122400:esc3",
         "due": "2026-11-26T10:00:00.250000+08:00", "reason": "overdue", "level": 3},
        {"automatic": True, "clock": "ack", "step": "due_soon", "stage": "ack@1:due_soon", "due": "x",
         "extra": "引号\""},  # an unexpected key: json.dumps itself
        # What JSON escapes, in the names an administrator gives steps: json.dumps itself.
        {"automatic": True, "clock": "reply", "step": '督办 "一级"', "stage": "a\\b", "due": "d\n"},
    ]
    for data in samples:
        assert ladder._event_json(data) == json.dumps(data) and json.loads(ladder._event_json(data)) == data


def test_a_case_no_longer_due_when_its_batch_comes_is_left_alone(make, u, monkeypatch):
    cases = [make() for _ in range(3)]
    real = ladder._due_ids
    snapshot = {}

    def due_then_paused(now):
        # The ids are read; then, before the batch locks its rows, a handler pauses one case.
        snapshot["ids"] = real(now)
        with clock.frozen_at(at(11, 26, 9)):
            services.case_pause(actor=u["handler"], case_id=cases[1].pk, reason="等待居民补充材料")
        return snapshot["ids"]

    monkeypatch.setattr(ladder, "_due_ids", due_then_paused)
    result = sweep_at(at(11, 26, 10))
    assert snapshot["ids"] == [c.pk for c in cases]
    assert result.checked == 2 and result.changed == 2
    assert [bool(ladder_events(c)) for c in cases] == [True, False, True]


def test_staff_with_an_email_get_one_outbox_row_per_notice_and_a_rerun_adds_none(make, u, mailoutbox):
    from shiyu.notifications.models import Outbox
    from shiyu.notifications.services import outbox_deliver

    type(u["handler"]).objects.filter(pk=u["handler"].pk).update(email="handler@example.org")
    cases = [make(), make()]
    sweep_at(at(11, 30, 11))  # urge + two escalations each: the handler hears of the urges only
    rows = list(Outbox.objects.filter(recipient=u["handler"], key__startswith="ladder:").order_by("key"))
    expected = []
    for case in cases:
        case.refresh_from_db()
        stage = f"{case.ladder_stage.rpartition(':')[0]}:overdue"
        expected.append(f"ladder:{case.pk}:{stage}:email:{u['handler'].pk}")
    assert [r.key for r in rows] == sorted(expected)
    by_case = {int(r.key.split(":")[1]): r for r in rows}
    for case in cases:  # each row reads back whole (the tokens are shared within the batch)
        row = by_case[case.pk]
        assert row.address == "handler@example.org" and row.channel == "email"
        assert row.body == case.title and row.status == "pending" and row.attempts == 0
        assert case.code in row.subject
    assert sweep_at(at(11, 30, 11)).checked == 0
    assert Outbox.objects.filter(recipient=u["handler"], key__startswith="ladder:").count() == 2
    with clock.frozen_at(at(11, 30, 11)):
        assert outbox_deliver(rows[0].pk) == "sent"
    assert [m.to for m in mailoutbox] == [["handler@example.org"]]

