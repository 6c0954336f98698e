"""The common value model: one long table shape that every source writes into.

One row is one KPI data point for one municipality and year, from one source. Spreadsheets
(file, sheet, cell) and open data (provider, table, query) fill different provenance columns of
the same shape; ``staging.kpi_values`` stacks them and marks which row a score uses.
The full description of every column is in docs/value_model.md."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from asker_pipeline.schema import tables


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

#: The value model's columns, declared once in ``schema.tables.VALUE_COLUMNS``.
VALUES = tables.SPREADSHEET_VALUES
COLUMN_NAMES = tuple(VALUES.column_names)
KEY = ("municipality_code", "year", "kpi_code", "data_point")


def empty_frame() -> pd.DataFrame:
    return VALUES.empty_frame()


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly the model's columns, in order and typed, or say what is wrong:
    also a status or source kind the model does not know, or a value given with the wrong status."""
    out = VALUES.conform(frame)
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
