"""The data-quality report: one row per rule, table, municipality and outcome (pure functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

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
