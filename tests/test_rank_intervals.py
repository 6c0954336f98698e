"""Rank intervals from the data-quality levels: reproducible, honest about certainty (a value
without uncertainty gives a point interval, a clear leader is best in nearly every draw), and
silent where there is nothing to rank."""

from __future__ import annotations

import numpy as np
import pytest

from asker_pipeline.scoring.comparison import rank
from asker_pipeline.scoring.rank_intervals import (
    LEVELS,
    UncertaintyTableError,
    competition_ranks,
    load_uncertainty,
    rank_intervals,
    relative_sd,
)

TABLE = load_uncertainty()
NOISY = np.array([[10.0, 9.5, 9.0, 8.5, 8.0]])
HIGHER = np.array(["higher"])


def test_the_table_has_every_u4ssc_level_and_a_default_growing_with_doubt():
    assert set(TABLE) == {*LEVELS, ""}
    ordered = [TABLE[level] for level in LEVELS]  # the template's order: most to least reliable
    assert ordered == sorted(ordered) and ordered[0] > 0
    sd = relative_sd(np.array([["accurate_measurement", None, ""]]), TABLE)
    assert sd.tolist() == [[TABLE["accurate_measurement"], TABLE[""], TABLE[""]]]
    with pytest.raises(UncertaintyTableError, match="guess"):
        relative_sd(np.array(["guess"]), TABLE)


def test_an_incomplete_table_is_refused(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("level,relative_sd\naccurate_measurement,0.02\n", encoding="utf-8")
    with pytest.raises(UncertaintyTableError, match="no row for"):
        load_uncertainty(path)


def test_the_same_seed_gives_the_same_intervals_and_another_seed_other_draws():
    sd = np.full(NOISY.shape, 0.2)
    first, again = (rank_intervals(NOISY, sd, HIGHER, seed=7) for _ in range(2))
    for field in ("median", "low", "high", "p_best"):
        assert np.array_equal(getattr(first, field), getattr(again, field), equal_nan=True)
    other = rank_intervals(NOISY, sd, HIGHER, seed=8)
    assert not np.array_equal(first.p_best, other.p_best)


def test_a_result_does_not_depend_on_the_other_data_points_or_the_chunking(monkeypatch):
    values = np.vstack([NOISY, NOISY * 2, NOISY[:, ::-1]])
    sd = np.full(values.shape, 0.2)
    orientation = np.array(["higher", "lower", "higher"])
    whole = rank_intervals(values, sd, orientation)
    monkeypatch.setattr("asker_pipeline.scoring.rank_intervals.CHUNK_ELEMENTS", 1)
    one_by_one = rank_intervals(values, sd, orientation)
    assert np.array_equal(whole.p_best, one_by_one.p_best)
    assert np.array_equal(whole.median, one_by_one.median)


def test_values_without_uncertainty_give_a_point_interval_at_the_nominal_rank():
    result = rank_intervals(NOISY, np.zeros(NOISY.shape), HIGHER)
    assert result.nominal.tolist() == [[1, 2, 3, 4, 5]]
    for field in (result.median, result.low, result.high):
        assert np.array_equal(field, result.nominal)
    assert result.p_best.tolist() == [[1, 0, 0, 0, 0]]


def test_a_clear_leader_is_best_in_nearly_every_draw_and_close_values_share_it():
    values = np.array([[100.0, 50.0, 48.0, 47.0]])
    result = rank_intervals(values, np.full(values.shape, 0.1), HIGHER)
    assert result.p_best[0, 0] > 0.99
    assert (result.low[0, 0], result.high[0, 0]) == (1, 1)
    close = rank_intervals(values[:, 1:], np.full((1, 3), 0.1), HIGHER)
    assert 0.2 < close.p_best[0, 0] < 0.8  # 50 vs 48 vs 47 at ±10 %: not sure at all
    assert close.low[0, 0] == 1 and close.high[0, 0] >= 2
    assert abs(close.p_best.sum() - 1) < 1e-9  # no ties in continuous draws


def test_a_less_reliable_value_gets_a_wider_interval():
    values = np.array([[10.0, 9.0, 8.0, 7.0, 6.0, 5.0]] * 2)
    sd = relative_sd(
        np.array([["accurate_measurement"] * 6, ["unknown_methodology"] * 6]), TABLE
    )
    result = rank_intervals(values, sd, np.array(["higher", "higher"]))
    width = result.high - result.low
    assert width[0].sum() < width[1].sum()
    assert (result.low <= result.nominal).all() and (result.nominal <= result.high).all()


def test_missing_values_get_no_rank_and_do_not_count():
    values = np.array([[3.0, np.nan, 1.0, 2.0]])
    result = rank_intervals(values, np.full(values.shape, 0.05), np.array(["lower"]))
    assert np.isnan(result.nominal[0, 1]) and np.isnan(result.median[0, 1])
    assert np.isnan(result.p_best[0, 1]) and np.isnan(result.low[0, 1])
    assert result.nominal[0, [0, 2, 3]].tolist() == [3, 1, 2]  # out of three, not four


def test_directions_follow_the_peer_comparison_including_parity():
    values = np.array([[0.80, 0.95, 1.10, np.nan]] * 3)
    orientation = np.array(["higher", "lower", "parity"])
    parity = np.array([np.nan, np.nan, 1.0])
    result = rank_intervals(values, np.zeros(values.shape), orientation, parity)
    for row, (o, p) in enumerate(zip(orientation, parity, strict=True)):
        expected = rank(list(values[row]), o, None if np.isnan(p) else p)
        assert [None if np.isnan(r) else int(r) for r in result.nominal[row]] == expected
    none = rank_intervals(values[:1], np.zeros((1, 4)), np.array(["none"]))
    assert np.isnan(none.nominal).all() and np.isnan(none.p_best).all()


def test_ties_share_the_best_rank_as_in_the_comparison():
    merit = np.array([[5.0, 7.0, 7.0, 1.0, np.nan]])
    assert competition_ranks(merit).tolist()[0][:4] == [3, 1, 1, 4]
    tied = rank_intervals(np.array([[2.0, 2.0, 1.0]]), np.zeros((1, 3)), HIGHER)
    assert tied.p_best.tolist() == [[1.0, 1.0, 0.0]]  # both best in every draw
