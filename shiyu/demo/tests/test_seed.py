"""The demo seed: a deterministic plan, played through the real services into real states."""

import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from shiyu.cases import workflow
from shiyu.cases.models import Case, CaseEvent
from shiyu.demo import texts
from shiyu.demo.seed import FINAL_STATE, LEAVES, Place, places_from, plan_cases
from shiyu.geo.models import Area
from shiyu.routing.classifier import storage

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
PLACES = [Place(grid_code=f"D01S1C{i}G1", district_code="D01", district="长安区", street="和平街道",
                community=name) for i, name in enumerate(["东苑社区", "西苑社区", "南湖社区"], start=1)]
ALL_STATES = {s.value for s in workflow.State}


def _plan(seed: int, n: int = 300, days: int = 90):
    return plan_cases(n=n, days=days, seed=seed, now=NOW, places=PLACES, tz=TZ)


def test_every_leaf_category_has_texts():
    assert set(texts.CASE_TEMPLATES) == set(LEAVES) == set(texts.REPLIES)
    for leaf, templates in texts.CASE_TEMPLATES.items():
        assert 3 <= len(templates) <= 5, leaf
        for kind, title, body in templates:
            assert kind in Case.Kind.values
            assert title and body


def test_plan_is_deterministic_for_a_seed():
    first, second = _plan(7), _plan(7)
    assert [(p.title, p.outcome, p.submitted_at, len(p.steps)) for p in first] == [
        (p.title, p.outcome, p.submitted_at, len(p.steps)) for p in second]
    assert Counter(p.final_state for p in first) == Counter(p.final_state for p in second)
    assert [p.title for p in _plan(8)] != [p.title for p in first]


def test_plan_covers_every_state_with_most_cases_closed():
    plans = _plan(42, n=2000)
    counts = Counter(p.final_state for p in plans)
    assert set(counts) == ALL_STATES
    assert counts["closed"] / len(plans) > 0.6
    assert {p.kind for p in plans} == set(Case.Kind.values)
    assert {p.channel for p in plans} >= {"web", "api", "hotline"}
    satisfaction = Counter(s.args["satisfaction"] for p in plans for s in p.steps if s.action == "follow_up")
    assert set(satisfaction) == {"satisfied", "unsatisfied", "unreachable"}
    actions = {s.action for p in plans for s in p.steps}
    assert actions >= {"accept", "dispatch", "acknowledge", "reply", "follow_up", "reopen", "reject", "merge",
                       "answer", "transfer", "return", "urge", "extend_request", "extend_approve", "close"}


def test_plan_times_are_plausible():
    for plan in _plan(3, days=30):
        assert NOW - timedelta(days=30) <= plan.submitted_at <= NOW
        times = [plan.submitted_at] + [s.at for s in plan.steps]
        assert times == sorted(times)
        assert times[-1] <= NOW
        for step in plan.steps:
            if step.action == "accept":
                assert step.at - plan.submitted_at <= timedelta(hours=8, minutes=1)


def test_contacts_look_like_people():
    import random

    rng = random.Random(1)
    for _ in range(50):
        name, phone = texts.contact(rng)
        assert name[0] in texts.SURNAMES and name[1:] in ("先生", "女士")
        assert len(phone) == 11 and phone.isdigit() and phone.startswith("1")


@pytest.mark.django_db
def test_seed_demo_plays_every_case_through_the_services(tmp_path, settings):
    settings.SHIYU_ROUTING_MODEL_DIR = str(tmp_path / "models")
    out = io.StringIO()
    call_command("seed_demo", cases=300, seed=11, days=60, quiet=True, stdout=out)
    assert "Seeded 300 cases" in out.getvalue()
    # A routing classifier trained on the seeded closed cases is active from the start.
    assert "Trained the routing classifier on" in out.getvalue()
    active = storage.list_versions()[0]
    assert active["active"] and active["source"] == "cases" and active["hints"] > 0
    assert active["n"] >= 30 and len(active["labels"]) >= 5 and active["metrics"]["macro_f1"] > 0
    assert Case.objects.count() == 300
    counts = Counter(Case.objects.values_list("state", flat=True))
    assert set(counts) == ALL_STATES
    # The same seed plans the same states (the plan is what was played).
    levels = {level: list(Area.objects.filter(level=level).order_by("id"))
              for level in ("grid", "community", "street", "district")}
    places = places_from(grids=levels["grid"], communities=levels["community"], streets=levels["street"],
                         districts=levels["district"])
    planned = Counter(FINAL_STATE[p.outcome] for p in plan_cases(
        n=300, days=60, seed=11, now=NOW, places=places, tz=TZ))
    assert planned == counts

    events: dict[int, list[tuple[str, dict]]] = {}
    for case_id, action, data in CaseEvent.objects.order_by("id").values_list("case_id", "action", "data"):
        events.setdefault(case_id, []).append((action, data))
    now = datetime.now(UTC)
    for case in Case.objects.all():
        assert workflow.replay(events[case.pk]) == case.state, case.code
        assert case.submitted_at <= now
        assert case.submitted_at >= now - timedelta(days=61)
    assert not CaseEvent.objects.filter(created_at__gt=now).exists()
    # Every kind and several channels, with Chinese text and a caller.
    assert set(Case.objects.values_list("kind", flat=True)) == set(Case.Kind.values)
    assert Case.objects.filter(channel="hotline").exclude(contact_phone="").exists()
    closed = Case.objects.filter(state="closed")
    assert set(closed.values_list("satisfaction", flat=True)) >= {"satisfied", "unsatisfied", "unreachable"}
    merged = Case.objects.filter(state="merged").first()
    assert merged is not None
    assert merged.merged_into is not None and merged.merged_into.state != "merged"
    dispatched = Case.objects.exclude(lead_department=None).select_related("category__parent")
    for case in dispatched.filter(state="closed", transfer_count=0)[:50]:
        assert case.lead_department_id == case.suggested_department_id

    again = io.StringIO()
    call_command("seed_demo", cases=300, seed=11, if_empty=True, quiet=True, stdout=again)
    assert "left it as it is" in again.getvalue()
    assert Case.objects.count() == 300


@pytest.mark.django_db
def test_seed_demo_can_leave_the_classifier_out(tmp_path, settings):
    settings.SHIYU_ROUTING_MODEL_DIR = str(tmp_path / "models")
    out = io.StringIO()
    call_command("seed_demo", cases=20, seed=3, quiet=True, no_model=True, stdout=out)
    assert "routing classifier" not in out.getvalue() and storage.list_versions() == []


@pytest.mark.django_db
def test_seed_demo_refuses_without_demo_mode():
    with override_settings(SHIYU_DEMO=False), pytest.raises(CommandError, match="SHIYU_DEMO"):
        call_command("seed_demo", cases=10, quiet=True, stdout=io.StringIO())
    assert not Area.objects.exists()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_seed_demo_will_not_build_over_existing_data(city):
    with pytest.raises(CommandError, match="empty database"):
        call_command("seed_demo", cases=10, quiet=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", cases=10, if_empty=True, quiet=True, stdout=out)
    assert "left it as it is" in out.getvalue()
    assert not Case.objects.exists()
