"""The scoring formulas on tables of examples (no database)."""

import pytest

from shiyu.goals import scoring
from shiyu.goals.scoring import DECREASE, INCREASE, ItemInput


@pytest.mark.parametrize(
    "value,direction,expected",
    [
        (0.8, INCREASE, 80.0),
        (0.1, DECREASE, 90.0),  # redo rate: lower is better
        (1.3, INCREASE, 100.0),  # clamped
        (-0.2, INCREASE, 0.0),
        (None, INCREASE, None),  # no data: no score
    ],
)
def test_item_score(value, direction, expected):
    assert scoring.item_score(value, direction) == expected


def test_unit_score_weighted_mean():
    result = scoring.unit_score(
        [
            ItemInput("on_time_completion_rate", 3, 0.9),
            ItemInput("satisfaction_rate", 1, 0.5),
            ItemInput("redo_rate", 1, 0.2, DECREASE),
        ]
    )
    # (3·90 + 1·50 + 1·80) / 5 = 80
    assert result.total == pytest.approx(80.0)
    assert [round(i.points, 6) for i in result.items] == [54.0, 10.0, 16.0]
    assert sum(i.effective_weight for i in result.items) == pytest.approx(1.0)


def test_missing_data_spreads_its_weight_over_the_others():
    # The unit had no ratings: satisfaction is not applicable, the other two share its weight.
    result = scoring.unit_score(
        [
            ItemInput("on_time_completion_rate", 2, 0.5),
            ItemInput("satisfaction_rate", 2, None),
            ItemInput("project_progress", 1, 1.0),
        ]
    )
    assert result.total == pytest.approx((2 * 50 + 1 * 100) / 3)
    missing = result.items[1]
    assert missing.score is None and missing.effective_weight == 0 and missing.points == 0


def test_unit_with_no_cases_has_no_total():
    result = scoring.unit_score(
        [ItemInput("on_time_ack_rate", 1, None), ItemInput("satisfaction_rate", 1, None)]
    )
    assert result.total is None
    assert scoring.unit_score([]).total is None
    # A weight of 0 does not count as applicable either.
    assert scoring.unit_score([ItemInput("redo_rate", 0, 0.1, DECREASE)]).total is None


@pytest.mark.parametrize(
    "totals,expected",
    [
        ({"a": 90, "b": 80, "c": 70}, {"a": 1, "b": 2, "c": 3}),
        ({"a": 90, "b": 90, "c": 70}, {"a": 1, "b": 1, "c": 3}),  # tie shares, next rank skips
        ({"a": 80.001, "b": 79.999, "c": 81}, {"c": 1, "a": 2, "b": 2}),  # equal to two decimals
        ({"a": None, "b": 50}, {"b": 1, "a": None}),  # no total: unranked
        ({"a": None, "b": None}, {"a": None, "b": None}),
        ({}, {}),
    ],
)
def test_rank(totals, expected):
    assert scoring.rank(totals) == expected


@pytest.mark.parametrize(
    "baseline,target,current,direction,expected",
    [
        (100, 80, 90, DECREASE, 0.5),  # halfway from 100 complaints a month to 80
        (100, 80, 70, DECREASE, 1.0),  # beyond the target: capped
        (100, 80, 120, DECREASE, 0.0),  # worse than the baseline: 0
        (0.6, 0.9, 0.75, INCREASE, 0.5),
        (0.9, 0.9, 0.95, INCREASE, 1.0),  # target equals baseline: reached or not
        (0.9, 0.9, 0.85, INCREASE, 0.0),
        (10, 10, 9, DECREASE, 1.0),
        (100, 80, None, DECREASE, None),
    ],
)
def test_attainment(baseline, target, current, direction, expected):
    got = scoring.attainment(baseline=baseline, target=target, current=current, direction=direction)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    "children,expected",
    [
        ([(1, 1.0), (1, 0.0)], 0.5),
        ([(3, 1.0), (1, 0.0)], 0.75),
        ([(1, None), (1, 1.0)], 0.5),  # a child without progress counts as 0
        ([(0, 1.0), (1, 0.2)], 0.2),  # weight 0 ignored
        ([], None),
        ([(0, 1.0)], None),
    ],
)
def test_rollup(children, expected):
    got = scoring.rollup(children)
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_every_item_key_has_a_direction():
    assert set(scoring.ITEM_KEYS.values()) <= {INCREASE, DECREASE}
    assert scoring.ITEM_KEYS["redo_rate"] == DECREASE
