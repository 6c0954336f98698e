"""Checks in Dagster: a failing blocking check stops what depends on the table; WARN does not."""

from __future__ import annotations

import dagster as dg
import duckdb

from asker_pipeline.quality.assets import KPI_VALUES, data_quality_report
from asker_pipeline.quality.checks import value_table_checks
from asker_pipeline.resources import Warehouse
from asker_pipeline.schema import tables
from asker_pipeline.warehouse import replace_table
from tests.quality_frames import clean_frame, set_cell

SCORES = dg.AssetKey(["marts", "test_scores"])
REPORT = dg.AssetKey(["quality", "data_quality_report"])


def _graph(frame):
    """A stand-in for staging.kpi_values that writes ``frame``, its checks, and a scoring asset."""

    @dg.asset(key=KPI_VALUES)
    def kpi_values(warehouse: Warehouse) -> None:
        with warehouse.get_connection() as conn:
            replace_table(conn, tables.KPI_VALUES, frame)

    @dg.asset(key=SCORES, deps=[KPI_VALUES])
    def scores() -> None:
        """Stands in for scoring, which must not run on unusable values."""

    return [kpi_values, value_table_checks(KPI_VALUES), scores, data_quality_report]


def _run(frame, resources, run_config=None):
    result = dg.materialize(
        _graph(frame), resources=resources, raise_on_error=False, run_config=run_config
    )
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    return materialized, checks


def test_failing_blocking_check_stops_scoring(resources, warehouse_path, exports_path):
    assert _run(clean_frame(), resources)[0] >= {SCORES, REPORT}  # an earlier, clean run
    bad = set_cell(clean_frame(), "EC: ICT: ICT: 1C", "main", 2022, "value", 120.0)
    materialized, checks = _run(bad, resources)
    failed = checks["value_within_unit_range"]
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.metadata["failing_rows"].value == 1
    first = failed.metadata["first_failing_rows"].value
    assert "3203" in first and "2022" in first and "EC: ICT: ICT: 1C" in first and "120" in first
    assert KPI_VALUES in materialized and SCORES not in materialized and REPORT not in materialized
    # The run failed, so nothing of it was published: readers still see the clean run's
    # values and its validation, in the warehouse and in the exported CSV alike.
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        outcome = conn.execute(
            "SELECT outcome, failing_rows FROM quality.data_quality_report "
            "WHERE rule = 'value_within_unit_range' AND municipality_code = '3203'"
        ).fetchall()
        assert conn.execute(
            "SELECT count(*) FROM staging.kpi_values WHERE value = 120"
        ).fetchall() == [(0,)]
    assert outcome == [("pass", 0)]
    assert "value_within_unit_range,ERROR,3203,pass" in (
        (exports_path / "data_quality_report.csv").read_text(encoding="utf-8")
    )


def test_warn_check_does_not_block(resources, exports_path, warehouse_path):
    odd = set_cell(clean_frame(), "EC: I: WS: 5C", "main", 2022, "value", 85.0)
    docs = {"ops": {"quality__data_quality_report": {"config": {"data_docs": True}}}}
    materialized, checks = _run(odd, resources, run_config=docs)
    flagged = checks["household_sanitation_at_least_90"]
    assert not flagged.passed and flagged.severity == dg.AssetCheckSeverity.WARN
    assert all(c.passed for name, c in checks.items() if c.severity == dg.AssetCheckSeverity.ERROR)
    assert SCORES in materialized
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        outcomes = conn.execute(
            "SELECT municipality_code, outcome, failing_rows FROM quality.data_quality_report "
            "WHERE rule = 'household_sanitation_at_least_90'"
        ).fetchall()
    assert ("3203", "warn", 1) in outcomes and ("3201", "pass", 0) in outcomes
    assert (exports_path / "data_quality_report.csv").exists()
    assert (warehouse_path.parent / "data_docs" / "index.html").exists()


def test_the_same_checks_attach_to_another_value_table_in_one_line():
    key = dg.AssetKey(["raw", "spreadsheet_values"])
    specs = {s.name: s for s in value_table_checks(key).check_specs}
    assert {s.asset_key for s in specs.values()} == {key}
    assert specs["kpi_code_in_catalogue"].blocking
    assert not specs["household_sanitation_at_least_90"].blocking
