"""The U4SSC method as pure functions: worked examples, band edges, directions, goalposts, parity,
refused inputs; and properties (Hypothesis) for band edges, monotonicity and direction symmetry."""

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from asker_pipeline.scoring import method
from asker_pipeline.scoring.method import ScoringInputError


def test_worked_example_education_1_3_4_1():
    r = method.rollup([1, 3, 4, 1])
    assert (r.points, r.max_points, r.percent) == (9, 16, 56.25)
    assert r.points_band == 2 and r.band_label == "33–66 %"


def test_worked_example_3_4_2():
    r = method.rollup([3, 4, 2])
    assert (r.percent, r.points_band, r.band_label) == (75.0, 3, "66–95 %")


def test_fixed_broadband_band_limits():
    assert method.band_limits(60.0) == (19.8, 39.6, 57.0)
    assert [
        method.band(method.percent_of_target(v, 60.0, "higher")) for v in (19.79, 19.8, 39.6, 57.0)
    ] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "percent, points",
    [
        (0, 1),
        (32.999, 1),
        (33, 2),
        (33.0000000001, 2),
        (65.999, 2),
        (66, 3),
        (94.999, 3),
        (95, 4),
        (100, 4),
    ],
)
def test_band_edges_belong_to_the_band_above(percent, points):
    assert method.band(percent) == points


def test_band_of_nothing_is_nothing_and_of_nonsense_an_error():
    assert method.band(None) is None and method.band(float("nan")) is None
    assert method.band(pd.NA) is None
    for bad in (140, -1, math.inf, "50", True):
        with pytest.raises(ScoringInputError):
            method.band(bad)


def test_percent_of_target_is_capped_where_it_feeds_the_band():
    assert method.percent_of_target(30, 60, "higher") == 50.0
    assert method.percent_of_target(180, 60, "higher") == 100.0  # capped ...
    assert method.uncapped_percent_of_target(180, 60, "higher") == 300.0  # ... its own figure
    assert method.percent_of_target(10, 5, "lower") == 50.0  # target / value
    assert method.percent_of_target(4, 5, "lower") == 100.0  # at or below target: capped
    assert method.uncapped_percent_of_target(4, 5, "lower") == 125.0
    assert method.percent_of_target(0, 5, "lower") == 100.0
    assert method.uncapped_percent_of_target(0, 5, "lower") is None
    assert method.percent_of_target(10, 5, "none") is None
    assert method.percent_of_target(None, 5, "higher") is None
    assert method.percent_of_target(np.float64(30), np.int64(60), "higher") == 50.0
    assert "capped at 100" in method.formula("higher")
    assert "target / value" in method.formula("lower")
    assert method.formula("none") is None


@pytest.mark.parametrize(
    "value, target",
    [
        (-1, 5),  # a negative value used to score 100 % when lower is better
        (5, -1),
        (math.inf, 5),  # used to crash deep inside
        (5, math.inf),
        (-math.inf, 5),
        ("12", 5),
        (True, 5),
        (Decimal("1"), 5),
        ([1], 5),
    ],
)
def test_negative_non_finite_and_non_numeric_inputs_are_refused(value, target):
    for direction in ("higher", "lower"):
        with pytest.raises(ScoringInputError, match="value|target"):
            method.percent_of_target(value, target, direction)


def test_a_ratio_needs_a_positive_target_and_a_known_direction_and_method():
    with pytest.raises(ScoringInputError, match="positive"):
        method.percent_of_target(1, 0, "lower")
    with pytest.raises(ScoringInputError, match="direction"):
        method.percent_of_target(1, 5, "up")
    with pytest.raises(ScoringInputError, match="target_method"):
        method.percent_of_target(1, 5, "higher", "ranking")


def test_zero_targets_are_scored_by_goalposts():
    # traffic deaths: target 0 (Vision Zero), worse bound 33.7 per 100 000
    assert method.percent_of_target(0, 0, "lower", "goalposts", 33.7) == 100.0
    assert method.percent_of_target(33.7, 0, "lower", "goalposts", 33.7) == 0.0
    assert method.percent_of_target(40, 0, "lower", "goalposts", 33.7) == 0.0  # clipped
    assert method.percent_of_target(1.06, 0, "lower", "goalposts", 33.7) == pytest.approx(96.85460)
    assert method.band(method.percent_of_target(1.06, 0, "lower", "goalposts", 33.7)) == 4
    assert "worse bound" in method.formula("lower", "goalposts")
    with pytest.raises(ScoringInputError, match="lower_bound"):
        method.percent_of_target(1, 0, "lower", "goalposts")
    with pytest.raises(ScoringInputError, match="worse side"):
        method.percent_of_target(1, 5, "lower", "goalposts", 2)


def test_parity_is_scored_by_distance_from_parity_either_way():
    above = method.percent_of_target(1.27, 1.0, "higher", "parity")
    below = method.percent_of_target(0.79, 1.0, "higher", "parity")
    assert above == pytest.approx(73.0) and below == pytest.approx(79.0)
    assert method.band(above) == method.band(below) == 3  # not 4 and 3
    assert method.percent_of_target(1.0, 1.0, "higher", "parity") == 100.0
    assert method.percent_of_target(2.5, 1.0, "higher", "parity") == 0.0
    assert method.uncapped_percent_of_target(1.27, 1.0, "higher", "parity") is None


def test_rollup_leaves_out_values_without_points():
    r = method.rollup([4, None, float("nan"), pd.NA, 2])
    assert (r.n_scored, r.points, r.max_points, r.percent) == (2, 6, 8, 75.0)
    assert method.rollup([None]).percent is None
    assert method.rollup(pd.array([3, None], dtype="Int64")).points == 3
    assert method.rollup([3.0, np.int64(4)]).points == 7  # whole numbers in any numeric type


@pytest.mark.parametrize("bad", [3.7, 5, 0, -1, "3", True, math.inf])
def test_rollup_accepts_only_whole_points_1_to_4(bad):
    with pytest.raises(ScoringInputError, match="whole number 1-4"):
        method.rollup([4, bad])


def test_goalposts_clipped_both_directions():
    assert method.goalposts(30, 0, 60) == 50.0
    assert method.goalposts(90, 0, 60) == 100.0
    assert method.goalposts(0, 10, 60) == 0.0
    assert method.goalposts(15, 25, 5) == 50.0  # lower is better: lower bound above target
    assert method.goalposts(30, 25, 5) == 0.0
    assert method.goalposts(10, None, 5) is None
    with pytest.raises(ScoringInputError):
        method.goalposts(-5, 0, 60)


# ---- properties ---------------------------------------------------------------------------

values = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
targets = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
percents = st.floats(min_value=0, max_value=100, allow_nan=False)
directions = st.sampled_from(["higher", "lower"])


@given(percents)
def test_band_is_the_band_whose_edges_hold_the_percentage(percent):
    points = method.band(percent)
    edges = {1: (0, 33), 2: (33, 66), 3: (66, 95), 4: (95, 100.0000001)}
    low, high = edges[points]
    rounded = round(percent, method.PERCENT_DECIMALS)
    assert low <= rounded < high


@given(percents, percents)
def test_band_never_falls_when_the_percentage_rises(a, b):
    assert method.band(min(a, b)) <= method.band(max(a, b))


@given(st.sampled_from([33.0, 66.0, 95.0]), st.floats(min_value=1e-8, max_value=1))
def test_an_edge_belongs_to_the_band_above_and_just_below_it_to_the_band_below(edge, below):
    # "just below" means below after rounding to PERCENT_DECIMALS (9): 33 - 1e-10 counts as 33
    assert method.band(edge) == method.band(edge - below) + 1
    assert method.band(edge - 1e-10) == method.band(edge)


@given(values, targets, directions)
def test_percent_of_target_stays_within_0_and_100(value, target, direction):
    percent = method.percent_of_target(value, target, direction)
    assert 0 <= percent <= 100
    uncapped = method.uncapped_percent_of_target(value, target, direction)
    if uncapped is not None:
        assert percent == pytest.approx(min(100.0, uncapped))


@given(values, values, targets)
def test_percent_of_target_is_monotone_in_the_better_direction(a, b, target):
    low, high = min(a, b), max(a, b)
    assert method.percent_of_target(low, target, "higher") <= method.percent_of_target(
        high, target, "higher"
    )
    assert method.percent_of_target(low, target, "lower") >= method.percent_of_target(
        high, target, "lower"
    )


@given(
    st.floats(min_value=1e-3, max_value=1e6, allow_nan=False),
    st.floats(min_value=1e-3, max_value=1e6, allow_nan=False),
)
def test_directions_mirror_each_other(value, target):
    # lower is better for a value is higher is better for its reciprocal: twice the target
    # scores like half the target
    lower = method.percent_of_target(value, target, "lower")
    higher = method.percent_of_target(1 / value, 1 / target, "higher")
    assert lower == pytest.approx(higher, rel=1e-6, abs=1e-6)


@given(st.floats(min_value=0, max_value=1, allow_nan=False), targets)
def test_parity_is_symmetric_around_the_target(distance, target):
    above = method.percent_of_target(target * (1 + distance), target, "higher", "parity")
    below = method.percent_of_target(target * (1 - distance), target, "higher", "parity")
    assert above == pytest.approx(below, abs=1e-6)


@given(values, values, st.floats(min_value=1, max_value=1e6, allow_nan=False))
def test_goalposts_to_zero_are_monotone_and_bounded(a, b, worse):
    low, high = sorted((a, b))
    p_low = method.percent_of_target(low, 0, "lower", "goalposts", worse)
    p_high = method.percent_of_target(high, 0, "lower", "goalposts", worse)
    assert 0 <= p_high <= p_low <= 100


@given(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=40))
def test_rollup_percent_is_points_over_four_n_and_bands_like_a_value(points):
    r = method.rollup(points)
    assert r.percent == pytest.approx(100 * sum(points) / (4 * len(points)))
    assert 25 <= r.percent <= 100 and r.points_band == method.band(r.percent)
