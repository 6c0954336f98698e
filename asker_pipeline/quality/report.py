"""The data-quality report: one row per rule, table, municipality and outcome (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.schema import tables
from asker_pipeline.warehouse import read_table, replace_rows

TABLE = tables.DATA_QUALITY_REPORT
CSV_FILE = "data_quality_report.csv"


def _first(rows: pd.DataFrame) -> str | None:
    if rows.empty:
        return None
    row = rows.iloc[0]
    value = f"{row['value']} {row['unit']}"
    return f"{row['year']} {row['kpi_code']} {row['data_point']} = {value}: {row['detail']}"


def report_rows(outcomes: Iterable, municipality_codes: Iterable[str]) -> pd.DataFrame:
    """Each outcome spread over the given municipalities (and any others its failures name)."""
    rows = []
    for outcome in outcomes:
        rule = outcome.rule
        base = {
            "table_name": outcome.table,
            "rule": rule.check,
            "severity": rule.severity,
            "description": rule.description,
        }
        bad = "fail" if rule.severity == "ERROR" else "warn"
        if outcome.problems:
            rows.append(
                {
                    **base,
                    "municipality_code": None,
                    "outcome": bad,
                    "failing_rows": 0,
                    "first_failure": "; ".join(outcome.problems),
                }
            )
        failing = outcome.failing
        named = set(failing["municipality_code"].dropna().astype(str))
        codes = sorted(set(municipality_codes) | named)
        for code in codes:
            mine = failing[failing["municipality_code"] == code]
            rows.append(
                {
                    **base,
                    "municipality_code": code,
                    "outcome": bad if len(mine) else "pass",
                    "failing_rows": len(mine),
                    "first_failure": _first(mine),
                }
            )
    return pd.DataFrame(rows, columns=TABLE.column_names)


def write(
    conn: duckdb.DuckDBPyConnection,
    outcomes: list,
    municipality_codes: Iterable[str],
    exports_dir: Path,
) -> pd.DataFrame:
    """Replace the report rows of the outcomes' tables with this run's, and rewrite the CSV
    beside the exports from the whole report table. Returns the rows written. No timestamps:
    the same validation gives the same bytes (the run's time is in the run's metadata)."""
    frame = report_rows(outcomes, municipality_codes)
    checked = sorted({o.table for o in outcomes})
    written = replace_rows(conn, TABLE, frame, "list_contains(?, table_name)", [checked])
    whole = read_table(conn, TABLE, order_by="table_name, rule, municipality_code NULLS FIRST")
    write_bytes_atomic(Path(exports_dir) / CSV_FILE, whole.to_csv(index=False).encode())
    return written
