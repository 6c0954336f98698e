"""The marts tables of scoring: fixed columns and types, in one place.

Column names mean the same thing (and have the same type) in every table, so types are given per
column name; anything not listed is text. Frames are conformed to the table before writing, so an
empty frame still creates its table with the right types."""

from __future__ import annotations

import duckdb
import pandas as pd

from asker_pipeline.scoring import comparison, scores, zero_point
from asker_pipeline.warehouse import replace_rows, replace_table

INTEGER = {
    "year",
    "baseline_year",
    "reference_year",
    "latest_year",
    "baseline_year_used",
    "points",
    "max_points",
    "points_band",
    "n_scored",
    "n_data_points",
    "n_reported",
    "n_not_reported",
    "n_no_target",
    "n_example_targets",
    "n_compared",
    "n_leads",
    "n_lags",
    "n_level",
    "rank",
    "release_number",
    "baseline_points",
    "latest_points",
    "change_in_points",
}
DOUBLE = {
    "value",
    "target",
    "lower_bound",
    "percent_of_target",
    "percent_of_target_uncapped",
    "goalposts_score",
    "percent",
    "peer_median",
    "lead_over_peer_median",
    "position",
    "percentile_rank",
    "mean_percentile_rank",
    "mean_position",
    "baseline_value",
    "latest_value",
    "latest_percent_of_target",
    "change_in_value",
}
BOOLEAN = {"has_target", "scored", "is_example", "is_subject"}

TABLES: dict[str, list[str]] = {
    "marts.kpi_scores": scores.SCORE_COLUMNS,
    "marts.rollup_scores": scores.ROLLUP_COLUMNS,
    "marts.baseline_releases": zero_point.RELEASE_COLUMNS,
    "marts.baseline_release_values": zero_point.ZERO_POINT_COLUMNS,
    "marts.zero_point": zero_point.ZERO_POINT_COLUMNS,
    "marts.zero_point_coverage": zero_point.COVERAGE_COLUMNS,
    "marts.zero_point_target_coverage": zero_point.TARGET_COVERAGE_COLUMNS,
    "marts.zero_point_not_reported": zero_point.NOT_REPORTED_COLUMNS,
    "marts.baseline_progress": zero_point.PROGRESS_COLUMNS,
    "marts.peer_comparison": comparison.COMPARISON_COLUMNS,
    "marts.peer_summary": comparison.SUMMARY_COLUMNS,
}
_PANDAS = {"INTEGER": "Int64", "DOUBLE": "Float64", "BOOLEAN": "boolean", "VARCHAR": "string"}


def column_type(name: str) -> str:
    if name in INTEGER:
        return "INTEGER"
    if name in DOUBLE:
        return "DOUBLE"
    return "BOOLEAN" if name in BOOLEAN else "VARCHAR"


def ddl(table: str) -> str:
    return ", ".join(f"{name} {column_type(name)}" for name in TABLES[table])


def conform(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly the table's columns, in order, with pandas' nullable types."""
    columns = TABLES[table]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{table}: frame lacks columns {missing}")
    out = frame.loc[:, columns].copy()
    for name in columns:
        target = _PANDAS[column_type(name)]
        if target == "Int64":
            out[name] = pd.to_numeric(out[name]).astype("Int64")
        elif target == "Float64":
            out[name] = pd.to_numeric(out[name]).astype("Float64")
        else:
            out[name] = out[name].astype(target)
    return out.reset_index(drop=True)


def write(conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    replace_table(conn, table, conform(table, frame), ddl(table))


def write_rows(
    conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, where: str, params
) -> None:
    replace_rows(conn, table, conform(table, frame), where, params, ddl(table))
