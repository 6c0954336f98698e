"""Values under review (til kontroll): which, and why, and what the comparison does with them.

Pure functions on small frames (example data, invented for the tests); the example run's marks
are asserted in test_example_data.py."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from value_rows import BROADBAND, network_values, value_row, write_kpi_values

from asker_pipeline.quality import plausibility, review
from asker_pipeline.quality.outcomes import plausibility_inputs
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.scoring import comparison, scores, zero_point
from asker_pipeline.scoring.targets import load_targets
from asker_pipeline.spreadsheets import examples

RULES, POINTS = plausibility_inputs()
RULE = {r["check"]: r for r in RULES}
FRACTION = RULE["share_not_typed_as_fraction"]
INTERNET = "EC: ICT: ICT: 1C"
UNEMPLOYMENT = "EC: P: EM: 1C"
#: Flags as the workbook reader writes them (asker_pipeline/spreadsheets/rows.py), in a note.
FRACTION_FLAG = (
    "FLAG: 0,87 ser ut som en andel skrevet som brøk av 1; prosent skrives 0-100: beholdt som "
    "skrevet, kontroller / 0.87 looks like a share typed as a fraction of 1; percent is written "
    "0-100: kept as typed, please check"
)
DISAGREEMENT_FLAG = (
    "FLAG: verdien 80 stemmer ikke med teller 600 / nevner 1 000 × 100 = 60 (G4/H4): beholdt "
    "som skrevet, kontroller / value 80 disagrees with numerator 600 / denominator 1 000 × 100 "
    "= 60 (G4/H4): kept as typed, please check"
)
READER_FLAG = f"{FRACTION_FLAG}; source: SSB; comment: from the 2023 survey"


def _frame(*rows: tuple, notes: dict[int, str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame([value_row(*r) for r in rows])
    for i, note in (notes or {}).items():
        frame.loc[i, "note"] = note
    return frame


def _marked(frame: pd.DataFrame) -> pd.DataFrame:
    return review.under_review(frame, RULES, POINTS)


def _reason(marked: pd.DataFrame, code: str, year: int, kpi: str) -> object:
    row = marked[
        (marked["municipality_code"] == code)
        & (marked["year"] == year)
        & (marked["kpi_code"] == kpi)
    ].iloc[0]
    return row["review_reason"] if row["under_review"] else None


# -- the fraction rule --------------------------------------------------------------------------


def test_a_share_typed_as_a_fraction_fails_its_rule():
    frame = _frame(
        ("5001", 2023, BROADBAND, "main", 0.87, "percent"),  # a fraction: flagged
        ("5001", 2023, INTERNET, "main", 1.0, "percent"),  # 1 = 100 % as a fraction: flagged
        ("3201", 2023, BROADBAND, "main", 87.0, "percent"),
        ("3201", 2023, INTERNET, "main", 0.0, "percent"),  # none at all is not a fraction
        ("3201", 2023, "EC: I: WS: 1C", "main", 1.5, "percent"),
        ("3201", 2023, "EC: ICT: ES: 3A", "main", 0.04, "percent"),  # demand response: normal
        (
            "3201",
            2023,
            "EC: P: IN: 1C",
            "main",
            0.9,
            "percent_of_gdp",
        ),  # R&D, % of GDP: often below 1
    )
    failing = plausibility.share_typed_as_fraction(frame, FRACTION)
    assert list(zip(failing["kpi_code"], failing["value"], strict=True)) == [
        (INTERNET, 1.0),
        (BROADBAND, 0.87),
    ]
    assert failing["detail"].iloc[1] == "0.87, where percent is written 0-100"


def test_the_fraction_rule_leaves_out_exactly_the_shares_documented_as_small():
    """Its exceptions are the percent data points whose plausible range for a Norwegian
    municipality (assets/example_ranges.csv) reaches 1 % or less."""
    small = {
        key
        for key, row in examples.load_example_ranges().items()
        if row.unit == "percent" and row.low <= 1
    }
    assert {tuple(p) for p in FRACTION["small_shares_plausible"]} == small
    points = load_catalogue().data_points
    assert small <= set(zip(points["kpi_code"], points["data_point"], strict=True))


# -- the year-over-year rule names both values of a jump ----------------------------------------


def test_a_jump_puts_both_years_under_review():
    frame = _frame(
        ("1103", 2022, UNEMPLOYMENT, "main", 2.2, "percent"),
        ("1103", 2023, UNEMPLOYMENT, "main", 22.0, "percent"),  # the decimal comma slipped
        ("1103", 2024, UNEMPLOYMENT, "main", 2.3, "percent"),
        ("3201", 2023, UNEMPLOYMENT, "main", 2.0, "percent"),
        ("3201", 2024, UNEMPLOYMENT, "main", 2.1, "percent"),
    )
    failing = plausibility.year_over_year(frame, RULE["year_over_year_change_within_50_percent"])
    assert list(zip(failing["year"], failing["detail"], strict=True)) == [
        (2022, "22 the year after"),
        (2023, "2.2 the year before; 2.3 the year after"),  # one row, both jumps
        (2024, "22 the year before"),
    ]


# -- under review: each kind of reason ----------------------------------------------------------


def test_a_clean_value_is_not_under_review():
    marked = _marked(
        _frame(
            ("3203", 2023, INTERNET, "main", 96.0, "percent"),
            ("3203", 2023, BROADBAND, "main", 88.0, "percent"),
            notes={0: "comment: from the 2023 survey"},
        )
    )
    assert not marked["under_review"].any() and marked["review_reason"].isna().all()
    assert len(marked) == 2 and marked["under_review"].dtype == bool


def test_a_warn_rule_puts_a_value_under_review_with_its_reason():
    marked = _marked(
        _frame(
            ("1508", 2023, INTERNET, "main", 95.95, "percent"),
            ("1508", 2023, BROADBAND, "main", 97.97, "percent"),
        )
    )
    assert _reason(marked, "1508", 2023, INTERNET) is None  # the other side of the rule is fine
    assert _reason(marked, "1508", 2023, BROADBAND) == (
        "fast bredbånd over husholdningenes internettilgang / fixed broadband above household "
        "Internet access (above EC: ICT: ICT: 1C = 95.95; rule "
        "fixed_broadband_within_internet_access)"
    )


def test_a_flag_in_the_note_puts_a_value_under_review():
    # a fraction the rule cannot see (demand response is normally tiny) that the reader flagged
    # as it was loaded; a value that disagrees with its numerator / denominator; and a flag that
    # does not end as the reader's do, followed by another
    ambiguous = "FLAG: '1.500' read as 1.5; check it"
    marked = _marked(
        _frame(
            ("5001", 2023, "EC: ICT: ES: 3A", "main", 0.87, "percent"),
            ("5001", 2023, INTERNET, "main", 80.0, "percent"),
            ("5001", 2023, "EC: I: WS: 1C", "main", 99.0, "percent"),
            notes={
                0: FRACTION_FLAG,
                1: f"regnet ut / computed; {DISAGREEMENT_FLAG}; source: SSB",
                2: f"{ambiguous}; {DISAGREEMENT_FLAG}",
            },
        )
    )
    loaded = "flagget ved innlesing / flagged when loaded: "
    assert _reason(marked, "5001", 2023, "EC: ICT: ES: 3A") == loaded + FRACTION_FLAG[6:]
    assert _reason(marked, "5001", 2023, INTERNET) == loaded + DISAGREEMENT_FLAG[6:]
    assert _reason(marked, "5001", 2023, "EC: I: WS: 1C") == (
        f"{loaded}'1.500' read as 1.5; check it | {loaded}{DISAGREEMENT_FLAG[6:]}"
    )


def test_every_reason_is_listed_rules_first_then_flags():
    marked = _marked(
        _frame(("5001", 2023, BROADBAND, "main", 0.87, "percent"), notes={0: READER_FLAG})
    )
    assert _reason(marked, "5001", 2023, BROADBAND) == (
        "en andel skrevet som brøk av 1 / a share typed as a fraction of 1 (0.87, where percent "
        "is written 0-100; rule share_not_typed_as_fraction) | flagget ved innlesing / flagged "
        f"when loaded: {FRACTION_FLAG[6:]}"
    )


def test_only_reported_values_are_checked_by_the_rules():
    marked = _marked(
        pd.DataFrame(
            [
                value_row("1508", 2023, INTERNET, "main", None, "percent", status="not_reported"),
                value_row("1508", 2023, BROADBAND, "main", 97.0, "percent"),
            ]
        )
    )
    assert not marked["under_review"].any()  # nothing to be above


# -- what scoring and the comparison do with a value under review ------------------------------


@pytest.fixture(scope="module")
def scoring():
    catalogue = load_catalogue()
    targets = load_targets(catalogue=catalogue)
    return scores.data_points(catalogue, targets), scores.provenance(catalogue, targets), targets


def _broadband_network() -> pd.DataFrame:
    """Fixed broadband 2023 for the five, Trondheim's typed as a fraction (under review)."""
    return _marked(
        _frame(
            ("3203", 2023, BROADBAND, "main", 80.0, "percent"),
            ("3201", 2023, BROADBAND, "main", 90.0, "percent"),
            ("1103", 2023, BROADBAND, "main", 70.0, "percent"),
            ("1508", 2023, BROADBAND, "main", 60.0, "percent"),
            ("5001", 2023, BROADBAND, "main", 0.87, "percent"),
            notes={4: READER_FLAG},
        )
    )


def test_a_value_under_review_is_still_scored_and_marked(scoring):
    points, versions, targets = scoring
    values = _broadband_network()
    scored = scores.score_values(values, points, versions).set_index("municipality_code")
    trondheim = scored.loc["5001"]
    assert trondheim["scored"] and trondheim["points"] == 1  # U4SSC scores what is reported
    assert trondheim["under_review"] and "fraction of 1" in trondheim["review_reason"]
    assert not scored.loc["3203", "under_review"] and pd.isna(scored.loc["3203", "review_reason"])
    zero = zero_point.zero_point(values, points, "5001", 2023, versions, targets.sha256)
    row = zero.set_index("kpi_code").loc[BROADBAND]
    assert row["under_review"] and row["scored"]
    assert not zero.loc[zero["kpi_code"] != BROADBAND, "under_review"].any()  # not reported
    summary = zero_point.release_summary(zero, 1).iloc[0]
    assert summary["n_under_review"] == 1 and summary["n_scored"] == 1


def test_the_review_mark_is_part_of_the_release(scoring):
    points, versions, targets = scoring
    values = _broadband_network()
    marked = zero_point.zero_point(values, points, "5001", 2023, versions, targets.sha256)
    cleared = values.assign(under_review=False, review_reason=pd.NA)
    clean = zero_point.zero_point(cleared, points, "5001", 2023, versions, targets.sha256)
    assert marked["release_id"].iloc[0] != clean["release_id"].iloc[0]


def _compare(scoring, include: bool) -> pd.DataFrame:
    points, versions, _ = scoring
    network = load_municipalities().municipalities
    frame = comparison.compare(
        _broadband_network(), points, network, versions, year=2023, include_under_review=include
    )
    return frame.set_index("municipality_code")


def test_the_comparison_leaves_a_value_under_review_out_of_its_figures(scoring):
    c = _compare(scoring, include=False)
    trondheim = c.loc["5001"]
    assert trondheim["value"] == 0.87 and trondheim["under_review"]  # shown, marked
    assert "fraction of 1" in trondheim["review_reason"]
    for figure in ("rank", "percentile_rank", "position", "lead_over_peer_median", "standing"):
        assert pd.isna(trondheim[figure]), figure
    assert trondheim["peer_median"] == 75.0  # what the others have: 60, 70, 80, 90
    ranked = c.drop(index="5001")
    assert ranked["rank"].to_dict() == {"3203": 2, "3201": 1, "1103": 3, "1508": 4}
    assert (c["n_compared"] == 4).all()
    assert c.loc["3203", "peer_median"] == 70.0  # 60, 70, 90: the 0.87 does not pull it down
    assert c.loc["3203", "percentile_rank"] == pytest.approx(200 / 3)
    assert c.loc["1508", "position"] == 0.0  # the worst of those counted, not above 0.87
    assert not ranked["under_review"].any()
    summary = comparison.summarise(c.reset_index(), scoring[0]).set_index("municipality_code")
    assert "5001" not in summary.index  # compared in nothing


def test_the_comparison_counts_values_under_review_when_told_to(scoring):
    c = _compare(scoring, include=True)
    assert c.loc["5001", "rank"] == 5 and c.loc["5001", "under_review"]  # still marked
    assert c.loc["3203", "rank"] == 2 and (c["n_compared"] == 5).all()
    assert c.loc["3203", "peer_median"] == 65.0  # 0.87, 60, 70, 90: pulled down
    assert c.loc["1508", "position"] > 0
    assert c.loc["5001", "standing"] == "lags"


# -- releases frozen before values were reviewed -----------------------------------------------


def _as_before_review(warehouse_path) -> None:
    """Make the warehouse and the release files look as they did before review marks existed."""
    import json

    import pyarrow.parquet as pq

    from asker_pipeline.scoring.releases import SUMMARY_KEY

    with duckdb.connect(str(warehouse_path)) as conn:
        for column in ("under_review", "review_reason"):
            conn.execute(f"ALTER TABLE marts.baseline_release_values DROP COLUMN {column}")
        conn.execute("ALTER TABLE marts.baseline_releases DROP COLUMN n_under_review")
    for path in (warehouse_path.parent / "releases").glob("*.parquet"):
        table = pq.read_table(path)
        summary = json.loads(table.schema.metadata[SUMMARY_KEY])
        del summary["n_under_review"]
        table = table.drop_columns(["under_review", "review_reason"])
        table = table.replace_schema_metadata({SUMMARY_KEY: json.dumps(summary).encode()})
        pq.write_table(table, path)


def test_a_release_frozen_before_review_is_kept_and_reads_as_not_reviewed(
    resources, warehouse_path
):
    import dagster as dg

    from asker_pipeline.scoring.assets import zero_point_measurement

    def run() -> dict:
        result = dg.materialize([zero_point_measurement], resources=resources)
        assert result.success
        events = result.asset_materializations_for_node("zero_point_measurement")
        return next(e for e in events if e.asset_key.path[-1] == "zero_point").metadata

    write_kpi_values(warehouse_path, network_values())
    first = run()
    assert first["n_under_review"].value == 0
    assert "No value is under review" in first["dimension_scores"].value
    _as_before_review(warehouse_path)
    for _ in range(2):  # widened in place; then rebuilt from the old file alone
        metadata = run()
        assert metadata["release_id"].value == first["release_id"].value  # no new release
        assert metadata["n_under_review"].value == "not reviewed"
        assert "frozen before values were marked" in metadata["dimension_scores"].value
        with duckdb.connect(str(warehouse_path), read_only=True) as conn:
            marks = conn.execute("SELECT DISTINCT under_review FROM marts.zero_point").fetchall()
            counted = conn.execute("SELECT n_under_review FROM marts.baseline_releases").fetchall()
        assert marks == [(None,)] and counted == [(None,)]
        warehouse_path.unlink()
        write_kpi_values(warehouse_path, network_values())
