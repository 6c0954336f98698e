"""The data-quality report: one row per rule, table, municipality and outcome (pure functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.warehouse import replace_rows

TABLE = "quality.data_quality_report"
CSV_FILE = "data_quality_report.csv"

COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("checked_at", "TIMESTAMP", False),
    ("table_name", "VARCHAR", False),
    ("rule", "VARCHAR", False),
    ("severity", "VARCHAR", False),  # ERROR (blocking) or WARN
    ("municipality_code", "VARCHAR", True),  # empty for a finding about the whole table
    ("outcome", "VARCHAR", False),  # pass, fail (ERROR rule) or warn (WARN rule)
    ("failing_rows", "INTEGER", False),
    ("first_failure", "VARCHAR", True),
    ("description", "VARCHAR", False),
)
COLUMN_NAMES = [c[0] for c in COLUMNS]


def ddl() -> str:
    return ", ".join(f"{n} {t}{'' if null else ' NOT NULL'}" for n, t, null in COLUMNS)


def _first(rows: pd.DataFrame) -> str | None:
    if rows.empty:
        return None
    row = rows.iloc[0]
    value = f"{row['value']} {row['unit']}"
    return f"{row['year']} {row['kpi_code']} {row['data_point']} = {value}: {row['detail']}"


def report_rows(
    outcomes: Iterable, municipality_codes: Iterable[str], checked_at: dt.datetime
) -> pd.DataFrame:
    """Each outcome spread over the given municipalities (and any others its failures name)."""
    rows = []
    for outcome in outcomes:
        rule = outcome.rule
        base = {
            "checked_at": checked_at,
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
    return pd.DataFrame(rows, columns=COLUMN_NAMES)


def write(
    conn: duckdb.DuckDBPyConnection,
    outcomes: list,
    municipality_codes: Iterable[str],
    exports_dir: Path,
) -> pd.DataFrame:
    """Replace the report rows of the outcomes' tables with this run's, and rewrite the CSV
    beside the exports from the whole report table. Returns the rows written."""
    frame = report_rows(outcomes, municipality_codes, dt.datetime.now(dt.UTC).replace(tzinfo=None))
    tables = sorted({o.table for o in outcomes})
    replace_rows(conn, TABLE, frame, "list_contains(?, table_name)", [tables], ddl=ddl())
    whole = conn.execute(f"SELECT * FROM {TABLE} ORDER BY table_name, rule, municipality_code").df()
    write_bytes_atomic(Path(exports_dir) / CSV_FILE, whole.to_csv(index=False).encode())
    return frame
