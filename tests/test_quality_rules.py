"""Every data-quality rule catches one seeded defect and passes the clean frame."""

from __future__ import annotations

import pandas as pd
import pytest

from asker_pipeline.quality.checks import all_rules
from asker_pipeline.quality.outcomes import (
    evaluate_value_table,
    plausibility_outcomes,
    suite_outcomes,
)
from tests.quality_frames import clean_frame, set_cell

TABLE = "staging.kpi_values"
SEVERITIES = {r.check: r.severity for r in all_rules()}


def _reordered(frame):
    columns = list(frame.columns)
    columns[0], columns[1] = columns[1], columns[0]
    return frame[columns]


def _duplicated(frame):
    return pd.concat([frame, frame.iloc[[0]]], ignore_index=True)


#: rule -> (KPI, data point, column, seeded value) in Asker's 2022 row, or a frame function
CELL_DEFECTS = {
    "kpi_code_in_catalogue": ("EC: I: WS: 5C", "main", "kpi_code", "EC: I: WS: 9C"),
    "data_point_in_catalogue": ("EC: I: WS: 5C", "main", "data_point", "pm10"),
    "unit_matches_catalogue": ("EC: I: WS: 5C", "main", "unit", "count"),
    "value_within_unit_range": ("EC: ICT: ICT: 1C", "main", "value", 120.0),
    "value_given_exactly_when_reported": ("SC: SH: SI: 2C", "main", "value", 0.3),
    "status_known": ("SC: SH: SI: 2C", "main", "status", "estimated"),
    "year_plausible": ("SC: SH: SI: 2C", "main", "year", 1990),
    "municipality_known": ("EC: I: WS: 5C", "main", "municipality_code", "9999"),
    "fixed_broadband_within_internet_access": ("EC: ICT: ICT: 2C", "main", "value", 97.0),
    "potable_within_basic_water_supply": ("EC: I: WS: 1C", "main", "value", 90.0),
    "household_sanitation_at_least_90": ("EC: I: WS: 5C", "main", "value", 85.0),
    "transport_mode_shares_sum_to_100": ("EC: I: T: 4A", "private", "value", 60.0),
    "solid_waste_shares_sum_to_100": ("EN: EN: WA: 1C", "recycled", "value", 20.0),
    "year_over_year_change_within_50_percent": ("EC: ICT: PS: 1A", "number", "value", 30.0),
    "share_not_typed_as_fraction": ("EC: ICT: ICT: 1C", "main", "value", 0.95),
}
DEFECTS = {
    "columns_and_types": _reordered,
    "no_duplicate_values": _duplicated,
    **{
        rule: lambda f, kpi=kpi, point=point, column=column, value=value: set_cell(
            f, kpi, point, 2022, column, value
        )
        for rule, (kpi, point, column, value) in CELL_DEFECTS.items()
    },
}


@pytest.fixture(scope="module")
def clean_outcomes():
    return {o.rule.check: o for o in evaluate_value_table(clean_frame(), TABLE)}


def test_every_rule_has_a_seeded_defect():
    assert {r.check for r in all_rules()} == set(DEFECTS)


def test_clean_frame_passes_every_rule(clean_outcomes):
    failed = {name: (o.failing, o.problems) for name, o in clean_outcomes.items() if not o.passed}
    assert not failed


@pytest.mark.parametrize("rule", sorted(DEFECTS))
def test_rule_catches_its_defect(rule):
    # Plausibility rules are pure pandas: skip the GX pass for them (it is the slow part).
    evaluate = plausibility_outcomes if SEVERITIES[rule] == "WARN" else suite_outcomes
    outcome = {o.rule.check: o for o in evaluate(DEFECTS[rule](clean_frame()), TABLE)}[rule]
    assert not outcome.passed
    if rule != "columns_and_types":
        assert len(outcome.failing) >= 1
        first = outcome.failing.iloc[0]
        assert first["municipality_code"] in ("3203", "9999") and first["kpi_code"]
    if rule in CELL_DEFECTS:  # the offending value is shown on a failing row
        seeded = CELL_DEFECTS[rule][3]
        shown = {str(seeded), f"{seeded:g}" if isinstance(seeded, float) else str(seeded)}
        rows = [" ".join(map(str, row)) for row in outcome.failing.itertuples()]
        assert any(text in row for row in rows for text in shown)


def test_severity_blocking_for_unusable_values_and_warn_for_plausibility():
    severities = {r.check: r.severity for r in all_rules()}
    assert severities["kpi_code_in_catalogue"] == "ERROR"
    assert severities["household_sanitation_at_least_90"] == "WARN"
    assert {
        s
        for c, s in severities.items()
        if c.startswith(
            ("fixed_", "potable_", "household_", "transport_", "solid_", "year_over_", "share_")
        )
    } == {"WARN"}


def test_raw_tables_without_precedence_columns_use_the_same_suite():
    frame = clean_frame()
    raw = frame[frame["is_selected"]].drop(columns=["precedence", "is_selected", "superseded_by"])
    outcomes = {o.rule.check: o for o in evaluate_value_table(raw, "raw.spreadsheet_values")}
    assert all(o.passed for o in outcomes.values())
    duplicated = {o.rule.check: o for o in evaluate_value_table(_duplicated(raw), "raw.x")}
    assert not duplicated["no_duplicate_values"].passed


def test_each_row_is_checked_against_its_own_units_range():
    from asker_pipeline.quality.outcomes import checked_frame
    from asker_pipeline.reference.catalogue import load_catalogue

    bounded = checked_frame(clean_frame())
    units = load_catalogue().units.set_index("unit")
    for row in bounded.drop_duplicates("unit").itertuples():
        assert row.unit_min == units.at[row.unit, "min_value"]
        assert row.unit_max == units.at[row.unit, "max_value"]
    count = set_cell(clean_frame(), "EC: ICT: PS: 1A", "number", 2022, "value", -3.0)
    share = set_cell(count, "EC: I: WS: 1C", "main", 2021, "value", 100.5)
    outcome = {o.rule.check: o for o in suite_outcomes(share, TABLE)}["value_within_unit_range"]
    details = sorted(outcome.failing["detail"])
    assert len(details) == 2
    assert "unit_max = 100.0, value = 100.5" in details[0]
    assert "value = -3.0, unit_min = 0.0" in details[1]


def test_missing_column_and_wrong_type_are_reported_not_raised():
    frame = clean_frame().drop(columns=["status"]).astype({"is_example": str})
    outcomes = {o.rule.check: o for o in suite_outcomes(frame, TABLE)}
    columns = outcomes["columns_and_types"]
    assert not columns.passed
    assert columns.problems[0].startswith("observed ['municipality_code'")  # the column list
    assert len(columns.failing) == len(frame)  # is_example as text, row by row
    assert "status" in outcomes["status_known"].problems[0]


def test_gx_runs_without_progress_bars(capfd):
    from asker_pipeline.quality import gx_runner

    suite = {
        "name": "tiny",
        "expectations": [
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "value", "min_value": 0},
                "meta": {"check": "value"},
            },
        ],
    }
    [result] = gx_runner.validate(pd.DataFrame({"value": [1.0, -1.0]}), suite)
    assert not result["success"] and result["unexpected_index_list"] == [1]
    captured = capfd.readouterr()
    assert "Calculating Metrics" not in captured.err + captured.out


def test_validation_runs_in_the_worker_with_the_same_results_as_here(monkeypatch):
    import os

    from asker_pipeline import workers
    from asker_pipeline.quality import gx_runner
    from asker_pipeline.quality.outcomes import checked_frame, prepared_suite

    suite, parameters = prepared_suite(TABLE)
    bounded = checked_frame(clean_frame())
    assert workers.call(os.getpid) != os.getpid()  # a process of its own
    assert gx_runner.validate(bounded, suite, parameters) == gx_runner.validate_here(
        bounded, suite, parameters
    )
    monkeypatch.setenv("ASKER_WORKERS", "0")  # turned off: the same call runs here
    assert workers.call(os.getpid) == os.getpid()
    monkeypatch.delenv("ASKER_WORKERS")
    with pytest.raises(workers.WorkerError, match="ZeroDivisionError"):
        workers.call(divmod, 1, 0)  # the worker's error, raised here


def test_catalogue_pair_rules_show_both_cells_of_the_failing_pair():
    """The pairs are validated as one key column; a failing row still shows the two cells."""
    for rule, column in [
        ("data_point_in_catalogue", "data_point"),
        ("unit_matches_catalogue", "unit"),
    ]:
        seeded = DEFECTS[rule](clean_frame())
        outcome = {o.rule.check: o for o in suite_outcomes(seeded, TABLE)}[rule]
        value = CELL_DEFECTS[rule][3]
        assert outcome.failing["detail"].tolist() == [
            f"kpi_code = 'EC: I: WS: 5C', {column} = '{value}'"
        ]
