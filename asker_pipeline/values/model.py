"""The common value model: one long table shape that every source writes into.

One row is one KPI data point for one municipality and year, from one source. Spreadsheets
(file, sheet, cell) and open data (provider, table, query) fill different provenance columns of
the same shape; ``staging.kpi_values`` stacks them and marks which row a score uses.
The full description of every column is in docs/value_model.md."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Status:
    key: str
    symbol: str
    label_en: str
    label_nb: str


#: Statuses kept distinct, with the symbols Statistics Norway and U4SSC use for them.
STATUSES: tuple[Status, ...] = (
    Status("reported", "", "reported", "rapportert"),
    Status("not_reported", "NR", "not reported (NR)", "ikke rapportert (NR)"),
    Status("missing", "..", "missing (..)", "mangler (..)"),
    Status("confidential", ":", "confidential (:)", "skjermet (:)"),
    Status("not_applicable", ".", "not applicable (.)", "ikke aktuelt (.)"),
)
STATUS_KEYS = tuple(s.key for s in STATUSES)
STATUS_BY_SYMBOL = {s.symbol: s.key for s in STATUSES if s.symbol}

#: Where a value came from; lower precedence number wins when two sources give the same value.
SOURCE_KINDS = {"spreadsheet": 1, "open_data": 2}

#: (column, DuckDB type, nullable) in table order.
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("municipality_code", "VARCHAR", False),  # today's code (reference.municipalities)
    ("source_municipality_code", "VARCHAR", False),  # the code as the source gave it
    ("year", "INTEGER", False),
    ("kpi_code", "VARCHAR", False),  # canonical catalogue code
    ("data_point", "VARCHAR", False),  # "main" for single-value KPIs
    ("value", "DOUBLE", True),  # only when status = reported
    ("unit", "VARCHAR", False),  # unit key from assets/units.csv
    ("status", "VARCHAR", False),  # one of STATUS_KEYS
    ("source_kind", "VARCHAR", False),  # one of SOURCE_KINDS
    ("source_ref", "VARCHAR", False),  # human-readable provenance, one line
    ("source_file", "VARCHAR", True),  # spreadsheet or snapshot file, relative to sources/
    ("source_sheet", "VARCHAR", True),
    ("source_cell", "VARCHAR", True),
    ("source_sha256", "VARCHAR", True),  # of the file the value was read from
    ("provider", "VARCHAR", True),  # e.g. "SSB"
    ("table_id", "VARCHAR", True),  # e.g. "07459"
    ("query", "VARCHAR", True),  # the API query that returned the value
    ("retrieved_at", "TIMESTAMP", True),  # when the provider was asked
    ("loaded_at", "TIMESTAMP", False),  # when the pipeline loaded the value
    ("data_quality", "VARCHAR", True),  # U4SSC data-quality level, when reported
    ("is_example", "BOOLEAN", False),  # bundled example data, not a real figure
    ("note", "VARCHAR", True),
)
COLUMN_NAMES = tuple(c[0] for c in COLUMNS)
KEY = ("municipality_code", "year", "kpi_code", "data_point")


def ddl(extra: tuple[tuple[str, str, bool], ...] = ()) -> str:
    """Column list for CREATE TABLE, so the shape lives in one place."""
    return ", ".join(
        f"{name} {dtype}{'' if nullable else ' NOT NULL'}"
        for name, dtype, nullable in COLUMNS + extra
    )


def empty_frame() -> pd.DataFrame:
    return conform(pd.DataFrame(columns=COLUMN_NAMES))


_PANDAS_TYPES = {"VARCHAR": "string", "INTEGER": "Int64", "DOUBLE": "Float64", "BOOLEAN": "boolean"}


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly the model's columns, in order and typed, or say what is wrong."""
    missing = [c for c in COLUMN_NAMES if c not in frame.columns]
    if missing:
        raise ValueError(f"value frame lacks columns {missing}")
    out = frame.loc[:, list(COLUMN_NAMES)].copy()
    for name, dtype, nullable in COLUMNS:
        if dtype == "TIMESTAMP":
            out[name] = pd.to_datetime(out[name], utc=True).dt.tz_localize(None)
        else:
            out[name] = out[name].astype(_PANDAS_TYPES[dtype])
        if not nullable and out[name].isna().any():
            row = out.index[out[name].isna()][0]
            raise ValueError(f"value frame row {row}: column {name} is empty")
    bad_status = ~out["status"].isin(STATUS_KEYS)
    if bad_status.any():
        raise ValueError(
            f"unknown status {out.loc[bad_status, 'status'].iloc[0]!r}; use {STATUS_KEYS}"
        )
    bad_kind = ~out["source_kind"].isin(tuple(SOURCE_KINDS))
    if bad_kind.any():
        raise ValueError(f"unknown source_kind {out.loc[bad_kind, 'source_kind'].iloc[0]!r}")
    wrong_value = (out["status"] == "reported") != out["value"].notna()
    if wrong_value.any():
        row = out[wrong_value].iloc[0]
        raise ValueError(
            f"{row['source_ref']}: status {row['status']!r} with value {row['value']!r}: "
            "a value is given exactly when the status is 'reported'"
        )
    return out.reset_index(drop=True)
