"""The demo plan: texts, contacts, channels, each case's path and every timestamp, decided from a
seed without touching the database (so the same seed gives the same plan)."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from shiyu.demo import texts
from shiyu.demo.city import CATEGORIES, City

BATCH = 200  # cases per transaction: SQLite commits are the cost, not the statements

# Leaf code → (default department code, complete days), read from the city's category table.
LEAVES: dict[str, tuple[str, int]] = {
    leaf: (dept2, days)
    for _c, _n, _e, _dept, _ack, days, children in CATEGORIES
    for _c2, _n2, _e2, dept2, leaves in children
    for leaf, _n3, _e3 in leaves
}
# How often each leaf comes up (noise, fumes, parking and property dominate real hotlines).
LEAF_WEIGHTS = {"C010101": 7, "C010102": 4, "C010201": 8, "C010202": 4, "C010301": 5, "C010302": 4,
                "C020101": 7, "C020102": 6, "C020201": 7, "C020202": 2, "C030101": 3, "C030102": 2,
                "C030201": 7, "C030202": 2, "C040101": 5, "C040102": 3, "C040201": 3, "C040202": 2,
                "C050101": 3, "C050102": 2, "C060101": 3, "C060102": 1, "C070101": 3, "C070102": 4}
# Units that are wrongly sent a case before it reaches the right one (return / transfer),
# and units that assist (协办). "GOV" is the district government of the case's area.
WRONG_UNITS = {"CGJ": ["ZJJ", "SZJ", "GOV"], "ZJJ": ["CGJ", "GOV"], "SZJ": ["CGJ", "SWJ"],
               "HBJ": ["CGJ", "GOV"], "JTJ": ["JJD"], "JJD": ["JTJ", "CGJ"], "RSJ": ["GOV", "SCJ"],
               "YBJ": ["WJW", "RSJ"], "JYJ": ["GOV"], "WJW": ["YBJ", "SCJ"], "SCJ": ["WJW", "GOV"]}
ASSISTING_UNITS = {"CGJ": ["GOV", "GAJ"], "ZJJ": ["GOV"], "SZJ": ["GOV", "SWJ"], "HBJ": ["GOV", "CGJ", "GAJ"],
                   "JTJ": ["JJD"], "JJD": ["CGJ", "GOV"], "RSJ": ["GOV"], "YBJ": ["WJW"], "JYJ": ["GOV"],
                   "WJW": ["YBJ"], "SCJ": ["GOV", "WJW"]}

CHANNELS = [("hotline", 45), ("web", 27), ("api", 8), ("import", 10), ("open311", 4), ("reception", 6)]

# Outcome → weight. An outcome is the path a case takes; several end in the same state.
OUTCOMES = {
    "closed": 52.0, "closed_redo": 3.0, "closed_unsatisfied": 2.0, "closed_reopen_redo": 0.8,
    "answered": 0.0, "reopened": 1.6, "rejected": 4.0, "merged": 2.6, "submitted": 2.0, "accepted": 1.6,
    "dispatched": 3.0, "in_progress": 8.0, "replied": 3.5, "answered_open": 0.0,
}
KIND_OUTCOMES = {  # adjustments by kind: first-contact answers for questions and thanks
    "inquiry": {"answered": 30.0, "answered_open": 2.0, "closed": 30.0},
    "praise": {"answered": 80.0, "answered_open": 4.0, "closed": 8.0, "merged": 0.0, "rejected": 0.5,
               "closed_redo": 0.0, "closed_unsatisfied": 0.0, "reopened": 0.0, "closed_reopen_redo": 0.0},
    "suggestion": {"answered": 10.0, "answered_open": 1.0},
}
# One case of each of these comes first, so that even a small seed has every state.
EVERY_STATE = ["closed", "submitted", "accepted", "dispatched", "in_progress", "replied", "reopened",
               "rejected", "merged", "closed_unsatisfied", "closed_redo"]
MIN_FOR_EVERY_STATE = 30
FINAL_STATE = {
    "closed": "closed", "closed_redo": "closed", "closed_unsatisfied": "closed",
    "closed_reopen_redo": "closed",
    "answered": "closed", "reopened": "reopened", "rejected": "rejected", "merged": "merged",
    "submitted": "submitted", "accepted": "accepted", "dispatched": "dispatched",
    "in_progress": "in_progress", "replied": "replied", "answered_open": "replied",
}
# How long an open case has been waiting in its state, in hours (low, high, mode).
OPEN_WAIT = {"submitted": (0.05, 10, 1), "accepted": (0.1, 14, 2), "dispatched": (0.1, 40, 4),
             "in_progress": (1, 240, 48), "replied": (1, 90, 20), "reopened": (1, 48, 8)}
# Local hour of submission: the day-time peak of a city hotline.
HOUR_WEIGHTS = [1, 1, 0.5, 0.5, 0.5, 1, 2, 4, 8, 10, 10, 9, 6, 7, 9, 9, 8, 7, 6, 6, 6, 5, 3, 2]


@dataclass(frozen=True)
class Place:
    """A grid and the names residents use for where it is."""

    grid_code: str
    district_code: str
    district: str
    street: str
    community: str  # without the street's prefix: 东苑社区


@dataclass
class Step:
    at: datetime
    action: str
    actor: str  # operator | dispatcher | supervisor | lead (a handler of the current lead unit)
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class CasePlan:
    index: int
    submitted_at: datetime
    category: str
    place: Place
    kind: str
    channel: str
    title: str
    body: str
    address: str
    urgency: str
    contact_name: str
    contact_phone: str
    external_ref: str
    by_resident: bool
    outcome: str
    steps: list[Step]
    merge_target: int | None = None

    @property
    def final_state(self) -> str:
        return FINAL_STATE[self.outcome]


def _weighted(rng: random.Random, items: Sequence[tuple[str, float]]) -> str:
    return rng.choices([k for k, _w in items], weights=[w for _k, w in items])[0]


def _hours(rng: random.Random, low: float, high: float, mode: float) -> timedelta:
    return timedelta(hours=rng.triangular(low, high, mode))


class _Path:
    """Builds one case's steps as offsets from its submission."""

    def __init__(self, rng: random.Random, *, dept: str, complete_days: int, has_phone: bool) -> None:
        self.rng, self.dept, self.days, self.has_phone = rng, dept, complete_days, has_phone
        self.t = timedelta(0)
        self.steps: list[tuple[timedelta, str, str, dict[str, Any]]] = []

    def add(self, delay: timedelta, action: str, actor: str, **args: Any) -> None:
        self.t += max(delay, timedelta(minutes=1))
        self.steps.append((self.t, action, actor, args))

    def accept(self) -> None:
        self.add(_hours(self.rng, 0.05, 8, 0.5), "accept", "operator")

    def dispatch(self, *, modifiers: bool) -> None:
        """Send to the unit; sometimes first to a wrong unit that returns it or gets it transferred."""
        rng = self.rng
        assisting = []
        if rng.random() < 0.15:
            assisting = [rng.choice(ASSISTING_UNITS.get(self.dept, ["GOV"]))]
        detour = rng.random() if modifiers else 1.0
        wrong = rng.choice(WRONG_UNITS.get(self.dept, ["GOV"]))
        if detour < 0.03:  # 退回: the wrong unit sends it back, the dispatcher sends it on
            self.add(_hours(rng, 0.1, 6, 1), "dispatch", "dispatcher", lead=wrong)
            if rng.random() < 0.5:
                self.add(_hours(rng, 0.5, 20, 3), "acknowledge", "lead")
            self.add(_hours(rng, 0.5, 24, 4), "return", "lead", reason=rng.choice(texts.RETURN_REASONS))
            self.add(_hours(rng, 0.2, 8, 1), "dispatch", "dispatcher", lead="default", assisting=assisting)
        elif detour < 0.07:  # 转办: the dispatcher moves it to the right unit
            self.add(_hours(rng, 0.1, 6, 1), "dispatch", "dispatcher", lead=wrong)
            self.add(_hours(rng, 1, 30, 4), "transfer", "dispatcher", lead="default", assisting=assisting,
                     note=rng.choice(texts.TRANSFER_NOTES))
        else:
            self.add(_hours(rng, 0.1, 6, 1), "dispatch", "dispatcher", lead="default", assisting=assisting)

    def acknowledge(self) -> None:
        late = self.rng.random() < 0.06
        delay = _hours(self.rng, 24, 44, 28) if late else _hours(self.rng, 0.2, 22, 2)
        self.add(delay, "acknowledge", "lead")

    def work(self, *, modifiers: bool, open_end: bool = False) -> None:
        """While in progress: sometimes urged, escalated, or given more time."""
        rng = self.rng
        if modifiers and rng.random() < 0.08:
            self.add(_hours(rng, 12, 72, 24), "urge", "supervisor", note=rng.choice(texts.URGE_NOTES))
            if rng.random() < 0.12:
                self.add(_hours(rng, 12, 48, 24), "escalate", "supervisor")
        if modifiers and rng.random() < 0.05:
            self.add(_hours(rng, 24, 96, 48), "extend_request", "lead", days=rng.choice([5, 7, 10, 15]),
                     reason=rng.choice(texts.EXTEND_REASONS))
            if not (open_end and rng.random() < 0.3):  # some requests still wait for a decision
                if rng.random() < 0.8:
                    self.add(_hours(rng, 1, 24, 4), "extend_approve", "supervisor")
                else:
                    self.add(_hours(rng, 1, 24, 4), "extend_deny", "supervisor",
                             reason="办理时限内应可完成，不予延期")

    def reply(self, text: str) -> None:
        rng = self.rng
        limit = self.days * 24
        delay = _hours(rng, limit, limit * 1.4, limit * 1.05) if rng.random() < 0.05 else _hours(
            rng, 3, limit * 0.9, 60)
        self.add(delay, "reply", "lead", text=text)

    def follow_up(self, satisfaction: str) -> None:
        if satisfaction != "unsatisfied" and not self.has_phone:
            satisfaction = "unreachable"
        comment = self.rng.choice(texts.FOLLOW_UP_COMMENTS[satisfaction])
        self.add(_hours(self.rng, 2, 96, 20), "follow_up", "operator", satisfaction=satisfaction,
                 comment=comment)

    def cycle(self, text: str, *, modifiers: bool) -> None:
        self.dispatch(modifiers=modifiers)
        self.acknowledge()
        self.work(modifiers=modifiers)
        self.reply(text)


def _build_steps(rng: random.Random, outcome: str, *, dept: str, complete_days: int, has_phone: bool,
                 reply_text: str, answer_text: str) -> list[tuple[timedelta, str, str, dict[str, Any]]]:
    p = _Path(rng, dept=dept, complete_days=complete_days, has_phone=has_phone)
    if outcome == "submitted":
        return p.steps
    if outcome == "rejected":
        if rng.random() < 0.3:
            p.accept()
        p.add(_hours(rng, 0.1, 8, 1), "reject", "operator", reason=rng.choice(texts.REJECT_REASONS))
        return p.steps
    if outcome == "merged":
        if rng.random() < 0.5:
            p.accept()
        p.add(_hours(rng, 0.1, 6, 1), "merge", "operator", note="重复诉求，并入原工单办理")
        return p.steps
    p.accept()
    if outcome == "accepted":
        return p.steps
    if outcome in ("answered", "answered_open"):
        p.add(_hours(rng, 0.05, 4, 0.3), "answer", "operator", text=answer_text)
        if outcome == "answered":
            p.follow_up("satisfied" if rng.random() < 0.93 else "unreachable")
        return p.steps
    if outcome == "dispatched":
        p.dispatch(modifiers=True)
        if rng.random() < 0.1:
            p.add(_hours(rng, 4, 20, 8), "urge", "supervisor", note=rng.choice(texts.URGE_NOTES))
        return p.steps
    if outcome == "in_progress":
        p.dispatch(modifiers=True)
        p.acknowledge()
        p.work(modifiers=True, open_end=True)
        return p.steps
    p.cycle(reply_text, modifiers=True)
    if outcome == "replied":
        return p.steps
    if outcome == "closed":
        p.follow_up("satisfied" if rng.random() < 0.9 else "unreachable")
    elif outcome == "reopened":
        if rng.random() < 0.7:
            p.follow_up("unsatisfied")
        else:
            p.follow_up("satisfied")
            p.add(_hours(rng, 24, 240, 72), "reopen", "supervisor", reason=rng.choice(texts.REOPEN_REASONS))
    elif outcome == "closed_redo":
        p.follow_up("unsatisfied")
        p.cycle("经重新核查处理，" + reply_text, modifiers=False)
        p.follow_up("satisfied")
    elif outcome == "closed_unsatisfied":
        p.follow_up("unsatisfied")
        p.cycle("经再次核实，" + reply_text, modifiers=False)
        p.add(_hours(rng, 2, 48, 12), "close", "operator", note=rng.choice(texts.CLOSE_NOTES))
    elif outcome == "closed_reopen_redo":
        p.follow_up("satisfied")
        p.add(_hours(rng, 24, 240, 72), "reopen", "supervisor", reason=rng.choice(texts.REOPEN_REASONS))
        p.cycle("经重新办理，" + reply_text, modifiers=False)
        p.follow_up("satisfied")
    return p.steps


def _start(rng: random.Random, *, now: datetime, span: timedelta, total: timedelta, wait: timedelta | None,
           tz: tzinfo) -> tuple[datetime, float]:
    """When the case came in, and a factor (≤ 1) that squeezes its steps to fit the window."""
    if wait is not None:  # still open: it has been waiting `wait` in its current state
        if total + wait <= span:
            return now - wait - total, 1.0
        scale = span / (total + wait)
        return now - span, scale
    latest = now - total - timedelta(minutes=30)
    earliest = now - span
    if latest <= earliest:
        scale = (span * 0.9) / (total + timedelta(minutes=30))
        return earliest, scale
    start = earliest + (latest - earliest) * rng.random()
    # Move to a plausible hour of that local day, if it still fits the window.
    local = start.astimezone(tz)
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    moved = local.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
    return (moved if earliest <= moved <= latest else start), 1.0


def plan_cases(*, n: int, days: int, seed: int, now: datetime, places: Sequence[Place],
               tz: tzinfo) -> list[CasePlan]:
    """The whole demo history, decided from `seed` alone (plus `now` for the timestamps)."""
    rng = random.Random(seed)
    span = timedelta(days=days)
    leaves = sorted(LEAVES)
    leaf_weights = [LEAF_WEIGHTS.get(code, 1) for code in leaves]
    plans: list[CasePlan] = []
    for index in range(n):
        leaf = rng.choices(leaves, weights=leaf_weights)[0]
        dept, complete_days = LEAVES[leaf]
        place = rng.choice(places)
        ctx = texts.context(rng, district=place.district, street=place.street, community=place.community)
        kind, title_t, body_t = rng.choice(texts.CASE_TEMPLATES[leaf])
        channel = _weighted(rng, CHANNELS)
        has_phone = channel in ("hotline", "reception") or rng.random() < 0.85
        name, phone = texts.contact(rng)
        if rng.random() < 0.12:
            name = ""
        if not has_phone:
            phone = ""
        weights = dict(OUTCOMES)
        weights.update(KIND_OUTCOMES.get(kind, {}))
        outcome = _weighted(rng, list(weights.items()))
        if n >= MIN_FOR_EVERY_STATE and index < len(EVERY_STATE):
            outcome = EVERY_STATE[index]  # a small seed still shows every state and path
        if kind == "praise":
            answer = rng.choice(texts.PRAISE_ANSWERS)
        elif kind == "suggestion" and rng.random() < 0.5:
            answer = rng.choice(texts.SUGGESTION_ANSWERS)
        else:
            answer = rng.choice(texts.REPLIES[leaf])
        reply = texts.fill(rng.choice(texts.REPLIES[leaf]), ctx)
        steps = _build_steps(rng, outcome, dept=dept, complete_days=complete_days, has_phone=has_phone,
                             reply_text=reply, answer_text=texts.fill(answer, ctx))
        total = steps[-1][0] if steps else timedelta(0)
        state = FINAL_STATE[outcome]
        wait = _hours(rng, *OPEN_WAIT[state]) if state in OPEN_WAIT else None
        start, scale = _start(rng, now=now, span=span, total=total, wait=wait, tz=tz)
        urgency = "normal"
        roll = rng.random()
        if roll < 0.015:
            urgency = "critical"
        elif roll < 0.06 or (kind == "help" and roll < 0.3):
            urgency = "urgent"
        plans.append(CasePlan(
            index=index, submitted_at=start, category=leaf, place=place, kind=kind, channel=channel,
            title=texts.fill(title_t, ctx)[:200], body=texts.fill(body_t, ctx),
            address=f"{place.district}{place.street}{ctx['road']}{ctx['no']}号", urgency=urgency,
            contact_name=name, contact_phone=phone, external_ref="",
            by_resident=channel == "web" and rng.random() < 0.05, outcome=outcome,
            steps=[Step(at=start + offset * scale, action=action, actor=actor, args=args)
                   for offset, action, actor, args in steps]))
    plans.sort(key=lambda p: (p.submitted_at, p.index))
    _link_merges(rng, plans)
    for position, plan in enumerate(plans):
        plan.index = position
        if plan.channel == "hotline":
            plan.external_ref = f"RX{plan.submitted_at.astimezone(tz):%Y%m%d}{position:05d}"
        elif plan.channel == "import":
            plan.external_ref = f"IMP{position:06d}"
        elif plan.channel == "open311":
            plan.external_ref = f"311-{seed}-{position}"
    return plans


def _link_merges(rng: random.Random, plans: list[CasePlan]) -> None:
    """A merged case duplicates an earlier one (same matter, another caller)."""
    for position, plan in enumerate(plans):
        if plan.outcome != "merged":
            continue
        candidates = [i for i in range(position - 1, max(-1, position - 400), -1)
                      if plans[i].outcome not in ("merged", "rejected")]
        same = [i for i in candidates if plans[i].category == plan.category]
        if not candidates:
            # Nothing earlier to merge into: the operator rejects it as a repeat call instead.
            plan.outcome = "rejected"
            merge = next(s for s in plan.steps if s.action == "merge")
            merge.action, merge.args = "reject", {"reason": texts.REJECT_REASONS[0]}
            continue
        pool = same or candidates
        plan.merge_target = pool[0] if rng.random() < 0.8 else rng.choice(pool)
        target = plans[plan.merge_target]
        plan.category, plan.place, plan.title, plan.body, plan.address = (
            target.category, target.place, target.title, target.body, target.address)


def places_of(city: City) -> list[Place]:
    return places_from(grids=city.grids, communities=city.communities, streets=city.streets,
                       districts=city.districts)


def places_from(*, grids: Sequence[Any], communities: Sequence[Any], streets: Sequence[Any],
                districts: Sequence[Any]) -> list[Place]:
    """Each grid with the names of the community, street and district it lies in."""
    by_community = {a.pk: a for a in communities}
    by_street = {a.pk: a for a in streets}
    by_district = {a.pk: a for a in districts}
    out = []
    for grid in grids:
        community = by_community[grid.parent_id]
        street = by_street[community.parent_id]
        district = by_district[street.parent_id]
        prefix = street.name[:-2]
        short = community.name[len(prefix):] if community.name.startswith(prefix) else community.name
        out.append(Place(grid_code=grid.code, district_code=district.code, district=district.name,
                         street=street.name, community=short))
    return out
