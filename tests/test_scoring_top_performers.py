"""The SDSN top-performers rule (pure function), its recomputation of targets.csv rows, and the
command that freezes them, run against a real (temporary) DuckDB warehouse."""

import shutil

import pandas as pd
import pytest
from value_rows import value_row, write_kpi_values

from asker_pipeline.paths import ASSETS_DIR
from asker_pipeline.reference.catalogue import read_csv
from asker_pipeline.scoring import top_performers as tp
from asker_pipeline.scoring.method import ScoringInputError
from asker_pipeline.scoring.targets import load_targets

PEERS = {"3203": "Asker", "3201": "Bærum", "5001": "Trondheim", "1103": "Stavanger"}


def test_mean_of_the_best_five_in_the_better_direction():
    values = [10, 20, 30, 40, 50, 60, 70]
    high = tp.top_performers_target(values, "higher")
    assert (high.target, high.n_used, high.lower_bound, high.target_method) == (50, 5, 10, "ratio")
    low = tp.top_performers_target(values, "lower")
    assert (low.target, low.lower_bound) == (30, 70)


def test_fewer_than_five_peers_are_all_averaged_and_too_few_give_no_target():
    assert tp.top_performers_target([1, 2, 3, None, float("nan")], "higher").target == 2
    assert tp.top_performers_target([1, 2, 3], "higher").n_used == 3
    with pytest.raises(tp.NotEnoughPeers, match="2 peer values, at least 3"):
        tp.top_performers_target([1, 2, None], "higher")


def test_a_lower_is_better_mean_of_zero_becomes_goalposts_to_the_worst_peer():
    result = tp.top_performers_target([0, 0, 0, 0, 0, 2.5], "lower")
    assert (result.target, result.target_method, result.lower_bound) == (0, "goalposts", 2.5)
    with pytest.raises(tp.NotEnoughPeers, match="every peer value is 0"):
        tp.top_performers_target([0, 0, 0], "lower")
    with pytest.raises(tp.NotEnoughPeers, match="every peer value is 0"):
        tp.top_performers_target([0, 0, 0], "higher")


def test_all_equal_peers_give_no_worse_bound_and_bad_values_are_refused():
    assert tp.top_performers_target([4, 4, 4], "higher").lower_bound is None
    with pytest.raises(ScoringInputError):
        tp.top_performers_target([1, 2, -3], "higher")
    with pytest.raises(ScoringInputError):
        tp.top_performers_target([1, 2, 3], "none")


def _values(example=True):
    rows = [
        value_row(code, 2023, "EC: P: EM: 1C", "main", v, "percent")
        for code, v in zip(PEERS, (1.8, 2.4, 1.9, 2.7), strict=True)
    ]
    rows += [
        value_row("3203", 2023, "EC: I: T: 6A", "main", 90.0, "per_100k_inhabitants"),
        value_row("9999", 2023, "EC: P: EM: 1C", "main", 0.1, "percent"),  # not a peer
        value_row("3201", 2019, "EC: P: EM: 1C", "main", 0.2, "percent"),  # another year
    ]
    return pd.DataFrame(rows).assign(is_example=example)


def _recompute(example=True):
    targets = read_csv(ASSETS_DIR / "targets.csv")
    directions = {("EC: P: EM: 1C", "main"): "lower", ("EC: I: T: 6A", "main"): "higher"}
    directions.update(
        {k: "higher" for k in zip(targets["kpi_code"], targets["data_point"], strict=True)}
        | directions
    )
    out = tp.recompute(targets, _values(example), directions, PEERS, 2023)
    return targets, out.set_index(["kpi_code", "data_point"])


def test_recompute_fills_the_computed_rows_and_says_where_the_numbers_came_from():
    before, after = _recompute(example=True)
    row = after.loc[("EC: P: EM: 1C", "main")]
    assert row["target"] == "2.2"  # fewer than 5 peers in 2023: the mean of all 4
    assert row["lower_bound"] == "2.7" and row["target_method"] == "ratio"
    assert row["peer_year"] == "2023" and row["certainty"] == "example data"
    assert (
        "4 of 4 reported in 2019–2023 (latest value each)" in row["peer_set"]
        and "Asker" in row["peer_set"]
    )
    assert row["target_source"].startswith(tp.EXAMPLE_NOTICE)
    assert "--year 2023" in row["target_source"]
    too_few = after.loc[("EC: I: T: 6A", "main")]
    assert too_few["target"] == "" and "1 peer values, at least 3 needed" in too_few["peer_set"]
    # published and hand-written rows are not touched
    fixed = before.set_index(["kpi_code", "data_point"]).loc[("EC: ICT: ICT: 2C", "main")]
    assert after.loc[("EC: ICT: ICT: 2C", "main")].equals(fixed)
    life = before.set_index(["kpi_code", "data_point"]).loc[("SC: EH: H: 1C", "main")]
    assert after.loc[("SC: EH: H: 1C", "main")].equals(life)


def test_recompute_from_real_data_is_marked_computed_without_the_notice():
    _, after = _recompute(example=False)
    row = after.loc[("EC: P: EM: 1C", "main")]
    assert row["certainty"] == "computed" and not row["target_source"].startswith("EXAMPLE")


def test_the_command_freezes_valid_targets_and_check_reports_changes(tmp_path, capsys):
    assets = tmp_path / "assets"
    shutil.copytree(ASSETS_DIR, assets)
    warehouse = tmp_path / "w.duckdb"
    write_kpi_values(warehouse, _values())
    args = ["--assets", str(assets), "--warehouse", str(warehouse), "--year", "2023"]
    assert tp.main([*args, "--check"]) == 1  # the shipped targets came from other values
    assert tp.main(args) == 0
    assert tp.main([*args, "--check"]) == 0  # frozen: a second run changes nothing
    frame = load_targets(assets).frame.set_index(["kpi_code", "data_point"])  # still valid
    assert frame.loc[("EC: P: EM: 1C", "main"), "target"] == 2.2
    assert not frame.loc[("EC: I: T: 6A", "main"), "has_target"]
    assert "from example data" in capsys.readouterr().out


def test_the_command_names_a_missing_warehouse(tmp_path):
    with pytest.raises(FileNotFoundError, match="make run"):
        tp.main(["--warehouse", str(tmp_path / "none.duckdb"), "--check"])


def test_each_peer_counts_with_its_latest_value_in_the_window():
    """As the SDR takes each country's latest available year: a peer that reported only in 2020
    counts; one whose only value is older than the window does not; a newer value replaces an
    older one of the same peer."""
    targets = read_csv(ASSETS_DIR / "targets.csv")
    directions = {k: "higher" for k in zip(targets["kpi_code"], targets["data_point"], strict=True)}
    codes = list(PEERS)
    rows = [
        value_row(codes[0], 2023, "EC: I: T: 6A", "main", 90.0, "per_100k_inhabitants"),
        value_row(codes[0], 2021, "EC: I: T: 6A", "main", 10.0, "per_100k_inhabitants"),
        value_row(codes[1], 2020, "EC: I: T: 6A", "main", 60.0, "per_100k_inhabitants"),
        value_row(codes[2], 2019, "EC: I: T: 6A", "main", 30.0, "per_100k_inhabitants"),
        value_row(codes[3], 2017, "EC: I: T: 6A", "main", 500.0, "per_100k_inhabitants"),
    ]
    values = pd.DataFrame(rows).assign(is_example=True)
    out = tp.recompute(targets, values, directions, PEERS, 2023).set_index(
        ["kpi_code", "data_point"]
    )
    row = out.loc[("EC: I: T: 6A", "main")]
    assert row["target"] == "60"  # (90 + 60 + 30) / 3: not 10 (older), not 500 (too old)
    assert "3 of 4 reported in 2019–2023" in row["peer_set"]
