"""The U4SSC method as pure functions: worked examples, band edges, directions, goalposts."""

import pytest

from asker_pipeline.scoring import method


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
        (140, 4),
    ],
)
def test_band_edges_belong_to_the_band_above(percent, points):
    assert method.band(percent) == points


def test_band_of_nothing_is_nothing():
    assert method.band(None) is None and method.band(float("nan")) is None


def test_percent_of_target_by_direction():
    assert method.percent_of_target(30, 60, "higher") == 50.0
    assert method.percent_of_target(90, 60, "higher") == 150.0  # not capped: value / target
    assert method.percent_of_target(10, 5, "lower") == 50.0  # target / value
    assert method.percent_of_target(4, 5, "lower") == 100.0  # at or below target: capped
    assert method.percent_of_target(0, 5, "lower") == 100.0
    assert method.percent_of_target(10, 5, "none") is None
    assert method.percent_of_target(None, 5, "higher") is None
    with pytest.raises(ValueError):
        method.percent_of_target(1, 0, "lower")
    assert "target / value" in method.PERCENT_FORMULAS["lower"]


def test_rollup_leaves_out_values_without_points():
    r = method.rollup([4, None, float("nan"), 2])
    assert (r.n_scored, r.points, r.max_points, r.percent) == (2, 6, 8, 75.0)
    assert method.rollup([None]).percent is None


def test_goalposts_clipped_both_directions():
    assert method.goalposts(30, 0, 60) == 50.0
    assert method.goalposts(90, 0, 60) == 100.0
    assert method.goalposts(-5, 0, 60) == 0.0
    assert method.goalposts(15, 25, 5) == 50.0  # lower is better: lower bound above target
    assert method.goalposts(30, 25, 5) == 0.0
    assert method.goalposts(10, None, 5) is None
