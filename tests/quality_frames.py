"""Small value-model frames for the data-quality tests: a clean one, and defects to seed in it."""

from __future__ import annotations

import duckdb
import pandas as pd

from asker_pipeline.schema import tables
from asker_pipeline.values import model

#: (kpi_code, data_point, unit, value) reported for Asker in 2021 and 2022; plausible together.
CLEAN_POINTS = [
    ("EC: ICT: ICT: 1C", "main", "percent", 95.0),
    ("EC: ICT: ICT: 2C", "main", "percent", 80.0),
    ("EC: I: WS: 1C", "main", "percent", 100.0),
    ("EC: I: WS: 2C", "main", "percent", 99.0),
    ("EC: I: WS: 5C", "main", "percent", 99.0),
    ("EC: I: T: 4A", "private", "percent", 40.0),
    ("EC: I: T: 4A", "public", "percent", 30.0),
    ("EC: I: T: 4A", "walking", "percent", 15.0),
    ("EC: I: T: 4A", "cycling", "percent", 10.0),
    ("EC: I: T: 4A", "para", "percent", 5.0),
    ("EN: EN: WA: 1C", "landfill", "percent", 5.0),
    ("EN: EN: WA: 1C", "burnt", "percent", 0.0),
    ("EN: EN: WA: 1C", "incinerated", "percent", 50.0),
    ("EN: EN: WA: 1C", "open_dump", "percent", 0.0),
    ("EN: EN: WA: 1C", "recycled", "percent", 40.0),
    ("EN: EN: WA: 1C", "other", "percent", 5.0),
    ("EC: ICT: PS: 1A", "number", "count", 10.0),
]


def _row(code, point, unit, value, year, **extra) -> dict:
    return {
        "municipality_code": "3203",
        "source_municipality_code": "3203",
        "area_code": "3203",
        "former_area": False,
        "year": year,
        "kpi_code": code,
        "data_point": point,
        "value": value,
        "unit": unit,
        "status": "reported",
        "source_kind": "spreadsheet",
        "source_ref": f"example.xlsx {code} {point} {year}",
        "loaded_at": "2026-01-01",
        "is_example": True,
        "precedence": 1,
        "is_selected": True,
        "superseded_by": None,
        **extra,
    }


def clean_frame() -> pd.DataFrame:
    """A staging.kpi_values table that passes every rule, typed as read back from DuckDB.

    Besides the plausible values it holds a not-reported row and an open-data row superseded by
    the spreadsheet (same key, not selected), which the rules must accept."""
    rows = [_row(*p, year=y) for y in (2021, 2022) for p in CLEAN_POINTS]
    rows.append(_row("SC: SH: SI: 2C", "main", "gini", None, 2022, status="not_reported"))
    rows.append(
        _row(
            "EC: ICT: ICT: 1C",
            "main",
            "percent",
            94.0,
            2022,
            source_kind="open_data",
            precedence=2,
            is_selected=False,
            superseded_by="example.xlsx",
        )
    )
    return as_table(pd.DataFrame(rows))


def as_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Round-trip through a DuckDB table of the staging shape, as the checks read it."""
    for name in model.COLUMN_NAMES:
        if name not in frame.columns:
            frame[name] = None
    with duckdb.connect() as conn:
        conn.execute(f"CREATE TABLE t ({tables.KPI_VALUES.ddl()})")
        conn.execute("INSERT INTO t BY NAME SELECT * FROM frame")
        return conn.execute("SELECT * FROM t").df()


def set_cell(frame, kpi_code, data_point, year, column, value) -> pd.DataFrame:
    out = frame.copy()
    rows = (out["kpi_code"] == kpi_code) & (out["data_point"] == data_point) & (out["year"] == year)
    rows &= out["is_selected"]
    assert rows.sum() == 1
    out.loc[rows, column] = value
    return out
