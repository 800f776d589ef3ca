"""Pure scoring functions of goals, projects and scorecards (no Django, no database).

Formulas (each unit sees them in its breakdown):

- **Item score** of a unit on an item with value v (a rate in 0..1, clamped to it):
  ``s = 100·v`` when higher is better, ``s = 100·(1 − v)`` when lower is better (redo rate).
- **Total** of a unit: the weighted mean of its item scores over the items that HAVE a value,
  ``T = Σ wᵢ·sᵢ / Σ wᵢ``. An item without a value (a unit with no cases has no on-time rate)
  is "not applicable": it is left out and its weight is spread over the unit's other items, so a
  unit is neither rewarded nor punished for having no cases. A unit with no applicable item has
  no total and is not ranked.
- **Ranking**: totals are compared rounded to 2 decimals, higher first; equal totals share a rank
  and the next rank skips (1, 1, 3: "standard competition ranking"); unranked units come last.
- **Attainment** of an indicator: how far the current value has moved from the baseline toward the
  target, ``a = (current − baseline) / (target − baseline)`` clamped to 0..1; when the target
  equals the baseline, 1 if the current value is at least as good, else 0. No value: no attainment.
- **Roll-up** of progress: the weighted mean ``Σ wᵢ·pᵢ / Σ wᵢ`` of the children's progress
  (weights ≤ 0 are ignored); no child: no progress.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

INCREASE = "increase"
DECREASE = "decrease"

# What a scheme item may measure → whether higher is better. Rates from the insights metrics
# (per lead unit), project progress and goal attainment of the unit's own projects and goals, and
# the mediation success rate of the unit's area (disputes figures).
ITEM_KEYS: dict[str, str] = {
    "on_time_ack_rate": INCREASE,
    "on_time_completion_rate": INCREASE,
    "satisfaction_rate": INCREASE,
    "redo_rate": DECREASE,
    "first_contact_rate": INCREASE,
    "project_progress": INCREASE,
    "goal_attainment": INCREASE,
    "mediation_success_rate": INCREASE,
}


def clamp01(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else float(value)


def item_score(value: float | None, direction: str) -> float | None:
    """0..100, or None when there is no value."""
    if value is None:
        return None
    v = clamp01(value)
    return 100.0 * (1.0 - v if direction == DECREASE else v)


@dataclass(frozen=True)
class ItemInput:
    key: str
    weight: float
    value: float | None
    direction: str = INCREASE


@dataclass(frozen=True)
class ItemResult:
    key: str
    weight: float
    value: float | None
    score: float | None
    effective_weight: float  # the share of the total this item carried (0 when not applicable)
    points: float  # effective_weight × score: what it added to the total


@dataclass(frozen=True)
class UnitScore:
    total: float | None
    items: list[ItemResult] = field(default_factory=list)


def unit_score(items: Sequence[ItemInput]) -> UnitScore:
    scored = [(i, item_score(i.value, i.direction)) for i in items]
    applicable = sum(i.weight for i, s in scored if s is not None and i.weight > 0)
    results = []
    total = 0.0
    for i, s in scored:
        share = i.weight / applicable if (s is not None and i.weight > 0 and applicable) else 0.0
        points = share * s if s is not None else 0.0
        total += points
        results.append(
            ItemResult(
                key=i.key, weight=i.weight, value=i.value, score=s, effective_weight=share, points=points
            )
        )
    return UnitScore(total=total if applicable else None, items=results)


def rank(totals: Mapping[object, float | None]) -> dict[object, int | None]:
    """Standard competition ranking of totals (higher first); None: unranked."""
    ranked = sorted(((round(t, 2), k) for k, t in totals.items() if t is not None), key=lambda pair: -pair[0])
    out: dict[object, int | None] = {k: None for k, t in totals.items() if t is None}
    previous: float | None = None
    current = 0
    for position, (total, key) in enumerate(ranked, start=1):
        if total != previous:
            current, previous = position, total
        out[key] = current
    return out


def attainment(
    *, baseline: float, target: float, current: float | None, direction: str = INCREASE
) -> float | None:
    if current is None:
        return None
    if target == baseline:
        better = current >= target if direction == INCREASE else current <= target
        return 1.0 if better else 0.0
    return clamp01((current - baseline) / (target - baseline))


def rollup(children: Iterable[tuple[float, float | None]]) -> float | None:
    """Weighted mean of (weight, progress) pairs; children without progress count as 0."""
    pairs = [(w, p or 0.0) for w, p in children if w > 0]
    weight = sum(w for w, _p in pairs)
    if not weight:
        return None
    return clamp01(sum(w * p for w, p in pairs) / weight)


def mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
