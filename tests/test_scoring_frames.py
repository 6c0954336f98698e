"""Scores, zero point, releases, progress and peer comparison as pure functions on small frames."""

import pandas as pd
import pytest
from value_rows import AIR, BROADBAND, network_values

from asker_pipeline.quality import review
from asker_pipeline.quality.outcomes import plausibility_inputs
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.scoring import comparison, scores, zero_point
from asker_pipeline.scoring.targets import load_targets


def _marked(values: pd.DataFrame) -> pd.DataFrame:
    """Selected values as the scoring assets read them: marked for review."""
    return review.under_review(values[values["is_selected"]], *plausibility_inputs())


@pytest.fixture(scope="module")
def setup():
    catalogue = load_catalogue()
    targets = load_targets(catalogue=catalogue)
    values = network_values()
    return {
        "points": scores.data_points(catalogue, targets),
        "versions": scores.provenance(catalogue, targets),
        "sha": targets.sha256,
        "raw": values,
        "values": _marked(values),
    }


def _zero(setup, values=None, year=2019):
    values = setup["values"] if values is None else values
    return zero_point.zero_point(
        values, setup["points"], "3203", year, setup["versions"], setup["sha"]
    )


def test_data_points_form_27_category_nodes(setup):
    assert len(setup["points"]) == 112 and setup["points"]["category_node"].nunique() == 27


def test_scores_are_direction_aware_and_carry_provenance(setup):
    s = scores.score_values(setup["values"], setup["points"], setup["versions"])
    asker = s[(s["municipality_code"] == "3203") & (s["year"] == 2019)].set_index("kpi_code")
    assert asker.loc[BROADBAND, "percent_of_target"] == 75.0 and asker.loc[BROADBAND, "points"] == 3
    assert asker.loc[AIR, "percent_of_target"] == 50.0 and asker.loc[AIR, "points"] == 2
    assert asker.loc[AIR, "percent_formula"].startswith("target / value")
    youth = asker.loc["EC: P: EM: 2C"]  # a target from the top-performers rule
    assert youth["scored"] and youth["target_kind"] == "top performers"
    assert (s["method_version"] == "2026.2").all() and s["catalogue_sha256"].str.len().eq(64).all()
    assert not (s["value"] == 99.0).any()  # the row that lost on precedence is never scored
    wrong_unit = s[(s["municipality_code"] == "1508") & (s["kpi_code"] == AIR)].iloc[0]
    assert not wrong_unit["scored"] and "unit" in wrong_unit["not_scored_reason"]


def test_rollups_per_level(setup):
    s = scores.score_values(setup["values"], setup["points"], setup["versions"])
    r = scores.rollup_scores(s, setup["points"], setup["versions"])
    asker = r[(r["municipality_code"] == "3203") & (r["year"] == 2019)]
    assert set(asker["level"]) == {"category", "sub_dimension", "dimension", "sdg"}
    ict = asker[(asker["level"] == "category") & (asker["node_code"] == "EC: ICT: ICT")].iloc[0]
    assert (ict["points"], ict["max_points"], ict["percent"], ict["band_label"]) == (
        3,
        4,
        75.0,
        "66–95 %",
    )
    assert "SDG 17" in set(
        asker.loc[asker["level"] == "sdg", "node_code"].str.replace("SDG 0", "SDG ")
    )


def test_rollups_in_one_pass_equal_the_method_per_group(setup):
    """The grouped arithmetic is method.rollup's, for every node of every level."""
    import numpy as np

    from asker_pipeline.scoring import method

    rng = np.random.default_rng(7)
    points = setup["points"]
    frame = pd.DataFrame(
        [
            {
                "municipality_code": code,
                "year": year,
                "kpi_code": k,
                "data_point": d,
                "points": int(rng.integers(1, 5)),
                "scored": bool(rng.random() < 0.8),
            }
            for code in ("3203", "3201", "5001")
            for year in (2019, 2023)
            for k, d in zip(points["kpi_code"], points["data_point"], strict=True)
        ]
    )
    rolled = scores.rollup_scores(frame, points, setup["versions"])
    scored = frame[frame["scored"]]
    for level in ("category", "dimension", "sdg"):
        nodes = scores._nodes(points, level)[["kpi_code", "data_point", "node_code"]]
        joined = scored.merge(nodes, on=["kpi_code", "data_point"])
        for (node, code, year), group in joined.groupby(["node_code", "municipality_code", "year"]):
            r = method.rollup(group["points"])
            row = rolled[
                (rolled["level"] == level)
                & (rolled["node_code"] == node)
                & (rolled["municipality_code"] == code)
                & (rolled["year"] == year)
            ]
            assert len(row) == 1
            row = row.iloc[0]
            assert (row["points"], row["max_points"], row["percent"], row["band_label"]) == (
                r.points,
                r.max_points,
                r.percent,
                r.band_label,
            )
    with pytest.raises(method.ScoringInputError):
        scores.rollup_scores(frame.assign(points=3.7), points, setup["versions"])


def test_zero_point_with_no_values_lists_every_data_point_as_not_reported(setup):
    zero = _zero(setup, setup["values"].iloc[0:0])
    assert len(zero) == 112 and zero["kpi_code"].nunique() == 91
    assert (zero["status"] == "not_reported").all() and not zero["scored"].any()
    assert len(zero_point.not_reported(zero)) == 112
    cover = zero_point.coverage(zero)
    assert len(cover) == 27 and cover["n_data_points"].sum() == 112 and cover["n_scored"].sum() == 0


def test_zero_point_scores_the_baseline_year(setup):
    zero = _zero(setup).set_index(["kpi_code", "data_point"])
    assert (
        zero.loc[(BROADBAND, "main"), "value"] == 45.0
        and zero.loc[(BROADBAND, "main"), "year"] == 2019
    )
    assert zero.loc[("EC: P: EM: 1C", "main"), "status"] == "not_reported"
    assert zero.loc[(AIR, "pm2.5"), "band_label"] == "33–66 %"
    cover = zero_point.coverage(zero.reset_index()).set_index("category_node")
    assert (
        cover.loc["EC: ICT: ICT", "n_reported"] == 1 and cover.loc["EC: ICT: ICT", "n_scored"] == 1
    )


def test_nearest_year_stands_in_within_the_window(setup):
    zero = _zero(setup, year=2020).set_index(["kpi_code", "data_point"])
    assert zero.loc[(BROADBAND, "main"), "year"] == 2019  # 2019 and 2022: the nearer one
    far = _zero(setup, year=2016).set_index(["kpi_code", "data_point"])
    assert far.loc[(BROADBAND, "main"), "status"] == "not_reported"


def test_release_id_depends_on_baseline_values_only(setup):
    rid = _zero(setup)["release_id"].iloc[0]
    assert rid.startswith("2019-")
    later_year_added = pd.concat([setup["values"], setup["values"].assign(year=2023)])
    assert _zero(setup, later_year_added)["release_id"].iloc[0] == rid
    changed = setup["values"].copy()
    changed.loc[changed["value"] == 45.0, "value"] = 46.0
    assert _zero(setup, changed)["release_id"].iloc[0] != rid


def test_progress_from_baseline_to_latest_year(setup):
    zero = _zero(setup)
    progress = zero_point.progress(zero, setup["values"]).set_index("kpi_code")
    row = progress.loc[BROADBAND]
    assert (row["baseline_value"], row["latest_year"], row["latest_value"]) == (45.0, 2022, 57.0)
    assert (row["baseline_points"], row["latest_points"], row["change_in_points"]) == (3, 4, 1)
    assert row["trend"] == "improved"


@pytest.mark.parametrize(
    "values, direction, expected",
    [
        ([10, 20, 20, 30], "higher", [4, 2, 2, 1]),
        ([10, 20, 20, 30], "lower", [1, 2, 2, 4]),
        ([5, 5, 5], "higher", [1, 1, 1]),
        ([1, 2], "none", [None, None]),
        ([float("nan"), 30, 10], "higher", [None, 1, 2]),  # missing: no rank, never tied
        ([None, 30, 10], "lower", [None, 2, 1]),
        ([pd.NA, 30, 30], "higher", [None, 1, 1]),
    ],
)
def test_rank_is_direction_aware_and_ties_share_the_best_rank(values, direction, expected):
    assert comparison.rank(values, direction) == expected


def test_position_and_standing():
    assert comparison.position(20, [10, 20, 30], "higher") == 50.0
    assert comparison.position(10, [10, 20, 30], "lower") == 100.0
    assert comparison.position(5, [5, 5], "higher") == 100.0
    assert comparison.standing(8, 10, "lower") == "leads"
    assert comparison.standing(8, 10, "higher") == "lags"
    assert comparison.standing(10, 10, "higher") == "level"


def test_compare_network(setup):
    network = load_municipalities().municipalities
    c = comparison.compare(setup["values"], setup["points"], network, setup["versions"], year=2019)
    bb = c[c["kpi_code"] == BROADBAND].set_index("municipality_name")
    assert len(bb) == 5 and bb.loc["Trondheim", "year_note"] == "nearest year: 2018"
    assert bb.loc["Bærum", "rank"] == bb.loc["Stavanger", "rank"] == 1
    assert (
        bb.loc["Asker", "rank"] == 3 and bb.loc["Asker", "peer_median"] == 45.0
    )  # 19.8, 30, 60, 60
    assert bb.loc["Asker", "standing"] == "level" and bb.loc["Asker", "is_subject"]
    air = c[c["kpi_code"] == AIR].set_index("municipality_name")
    assert "Ålesund" not in air.index  # its value is in another unit
    assert air.loc["Bærum", "rank"] == 1 and air.loc["Asker", "rank"] == 3
    assert air.loc["Asker", "standing"] == "lags" and air.loc["Asker", "position"] == 0.0
    summary = comparison.summarise(c, setup["points"])
    asker_dims = summary[
        (summary["municipality_code"] == "3203") & (summary["level"] == "dimension")
    ]
    assert set(asker_dims["node_code"]) == {"EC", "EN"}


def _extra(setup, rows):
    from value_rows import value_row

    extra = pd.DataFrame([value_row(*r) for r in rows])
    return _marked(pd.concat([setup["raw"], extra], ignore_index=True))


def test_scores_cap_the_percentage_and_keep_the_uncapped_figure(setup):
    values = _extra(setup, [("3201", 2019, "EC: ICT: ICT: 1C", "main", 98.0, "percent")])
    s = scores.score_values(values, setup["points"], setup["versions"])
    bb = s[(s["kpi_code"] == BROADBAND) & (s["municipality_code"] == "3201")].iloc[0]
    assert bb["percent_of_target"] == 100.0 and bb["percent_of_target_uncapped"] == 100.0
    over = s[(s["kpi_code"] == BROADBAND) & (s["municipality_code"] == "3203")]
    assert over["percent_of_target"].max() <= 100.0
    assert "capped at 100" in bb["percent_formula"]


def test_zero_targets_and_parity_are_scored_in_the_zero_point(setup):
    values = _extra(
        setup,
        [
            ("3203", 2019, "SC: SH: SA: 9C", "main", 1.06, "per_100k_inhabitants"),
            ("3203", 2019, "SC: SH: SI: 1C", "main", 0.79, "ratio"),
            ("3203", 2019, "SC: EH: H: 2C", "main", 0.0, "per_100k_live_births"),
        ],
    )
    zero = _zero(setup, values).set_index(["kpi_code", "data_point"])
    traffic = zero.loc[("SC: SH: SA: 9C", "main")]
    assert traffic["scored"] and traffic["target"] == 0 and traffic["points"] == 4
    assert traffic["target_method"] == "goalposts" and "worse bound" in traffic["percent_formula"]
    assert zero.loc[("SC: EH: H: 2C", "main"), "percent_of_target"] == 100.0
    equity = zero.loc[("SC: SH: SI: 1C", "main")]
    assert equity["percent_of_target"] == pytest.approx(79.0) and equity["points"] == 3
    assert pd.isna(equity["percent_of_target_uncapped"])


def test_a_value_the_method_refuses_is_marked_not_scored_not_fatal(setup):
    values = _extra(setup, [("3203", 2019, "EC: ICT: ICT: 1C", "main", -3.0, "percent")])
    s = scores.score_values(values, setup["points"], setup["versions"])
    bad = s[(s["kpi_code"] == "EC: ICT: ICT: 1C")].iloc[0]
    assert not bad["scored"] and "must not be negative" in bad["not_scored_reason"]
    assert s[s["kpi_code"] == BROADBAND]["scored"].any()


def test_zero_point_coverage_by_target_kind(setup):
    zero = _zero(setup)
    kinds = zero_point.target_coverage(zero).set_index("target_kind")
    assert list(kinds.index) == [
        "U4SSC",
        "SDG/UN",
        "EU/EEA",
        "WHO",
        "Norwegian national",
        "top performers",
        "no target",
    ]
    assert kinds["n_data_points"].sum() == 112
    assert kinds.loc["U4SSC", "n_scored"] == 1 and kinds.loc["U4SSC", "points"] == 3  # broadband
    assert kinds.loc["WHO", "n_scored"] == 1  # pm2.5
    assert kinds.loc["top performers", "n_example_targets"] == 1  # youth unemployment
    assert kinds.loc["no target", "n_scored"] == 0
    assert kinds.loc["no target", "n_data_points"] == (~zero["has_target"]).sum()


def test_progress_of_a_parity_value_is_read_as_distance_from_parity(setup):
    values = _extra(
        setup,
        [
            ("3203", 2019, "SC: SH: SI: 1C", "main", 0.79, "ratio"),
            ("3203", 2023, "SC: SH: SI: 1C", "main", 1.15, "ratio"),
        ],
    )
    zero = _zero(setup, values)
    row = zero_point.progress(zero, values).set_index("kpi_code").loc["SC: SH: SI: 1C"]
    assert row["trend"] == "improved"  # 21 % below parity -> 15 % above: closer
    assert row["latest_percent_of_target"] == pytest.approx(85.0)


@pytest.mark.parametrize(
    "orientation, values, expected",
    [
        ("higher", [10, 20, 30], [0.0, 50.0, 100.0]),
        ("lower", [10, 20, 30], [100.0, 50.0, 0.0]),
        ("higher", [10, 20, 20, 30], [0.0, 50.0, 50.0, 100.0]),
        ("higher", [10, None, 30], [0.0, None, 100.0]),
        ("higher", [10, None], [None, None]),
        ("parity", [1.27, 0.79, 1.0], [0.0, 50.0, 100.0]),
    ],
)
def test_percentile_rank_reads_the_same_for_any_number_compared(orientation, values, expected):
    assert comparison.percentile_rank(values, orientation, parity=1.0) == expected


def test_lead_over_the_peer_median_is_positive_when_better():
    assert comparison.lead_over_peer_median(30, 20, "higher") == 10
    assert comparison.lead_over_peer_median(10, 20, "lower") == 10  # lower is better: ahead
    assert comparison.lead_over_peer_median(30, 20, "lower") == -10
    assert comparison.lead_over_peer_median(1.1, 0.79, "parity", 1.0) == pytest.approx(0.11)
    assert comparison.lead_over_peer_median(1.27, 0.79, "parity", 1.0) == pytest.approx(-0.06)
    assert comparison.lead_over_peer_median(5, None, "higher") is None
    assert comparison.standing(1.27, 0.79, "parity", 1.0) == "lags"
    assert comparison.rank([1.27, 0.79, 1.0], "parity", 1.0) == [3, 2, 1]


def test_compare_reads_parity_both_ways_and_summarises_by_percentile(setup):
    values = _extra(
        setup,
        [
            ("3203", 2019, "SC: SH: SI: 1C", "main", 1.27, "ratio"),
            ("3201", 2019, "SC: SH: SI: 1C", "main", 0.79, "ratio"),
            ("5001", 2019, "SC: SH: SI: 1C", "main", 0.95, "ratio"),
        ],
    )
    network = load_municipalities().municipalities
    c = comparison.compare(values, setup["points"], network, setup["versions"], year=2019)
    equity = c[c["kpi_code"] == "SC: SH: SI: 1C"].set_index("municipality_name")
    assert equity.loc["Trondheim", "rank"] == 1 and equity.loc["Asker", "rank"] == 3
    assert (
        equity.loc["Asker", "standing"] == "lags"
        and equity.loc["Asker", "lead_over_peer_median"] < 0
    )
    air = c[c["kpi_code"] == AIR].set_index("municipality_name")  # lower is better
    assert air.loc["Bærum", "lead_over_peer_median"] == 4.0  # 5 against the median of 8 and 10
    assert air.loc["Asker", "lead_over_peer_median"] == -3.5
    assert air.loc["Bærum", "percentile_rank"] == 100.0 and air.loc["Asker", "percentile_rank"] == 0
    summary = comparison.summarise(c, setup["points"])
    assert "mean_rank" not in summary.columns
    asker = summary[(summary["municipality_code"] == "3203") & (summary["level"] == "category")]
    by_node = asker.set_index("node_code")["mean_percentile_rank"]
    assert by_node["EN: EN: AQ"] == 0.0  # worst of three on pm2.5
    assert pd.isna(by_node["EC: P: EM"])  # compared with nobody: no percentile
