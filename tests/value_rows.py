"""Small value-model frames for scoring tests (example data, invented for the tests)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from asker_pipeline.schema import tables
from asker_pipeline.values import model
from asker_pipeline.warehouse import connect_warehouse, replace_table

BROADBAND = "EC: ICT: ICT: 2C"  # higher is better, target 60 %
AIR = "EN: EN: AQ: 1C"  # pm2.5: lower is better, target 5 µg/m3


def value_row(
    code: str,
    year: int,
    kpi: str,
    point: str,
    value,
    unit: str,
    *,
    status: str = "reported",
    ref: str | None = None,
    selected: bool = True,
    kind: str = "spreadsheet",
) -> dict:
    return {
        "municipality_code": code,
        "source_municipality_code": code,
        "area_code": code,
        "former_area": False,
        "year": year,
        "kpi_code": kpi,
        "data_point": point,
        "value": value,
        "unit": unit,
        "status": status,
        "source_kind": kind,
        "source_ref": ref or f"test example {code} {year} {kpi} {point}",
        "source_file": None,
        "source_sheet": None,
        "source_cell": None,
        "source_sha256": None,
        "provider": None,
        "table_id": None,
        "query": None,
        "retrieved_at": None,
        "loaded_at": pd.Timestamp("2026-01-01"),
        "data_quality": None,
        "is_example": True,
        "note": None,
        "precedence": model.SOURCE_KINDS[kind],
        "is_selected": selected,
        "superseded_by": None if selected else "another source",
    }


def network_values() -> pd.DataFrame:
    """Broadband for all five (a tie between Bærum and Stavanger, Trondheim only the year before),
    pm2.5 for three, a later Asker year for progress, a formula-like source, a row that lost on
    precedence, a not-reported row and a value in the wrong unit."""
    rows = [
        value_row("3203", 2019, BROADBAND, "main", 45.0, "percent", ref='=HYPERLINK("http://x")'),
        value_row("3201", 2019, BROADBAND, "main", 60.0, "percent"),
        value_row("1103", 2019, BROADBAND, "main", 60.0, "percent"),
        value_row("5001", 2018, BROADBAND, "main", 19.8, "percent"),
        value_row("1508", 2019, BROADBAND, "main", 30.0, "percent"),
        value_row(
            "3203", 2019, BROADBAND, "main", 99.0, "percent", selected=False, kind="open_data"
        ),
        value_row("3203", 2022, BROADBAND, "main", 57.0, "percent"),
        value_row("3203", 2019, AIR, "pm2.5", 10.0, "ug_per_m3"),
        value_row("3201", 2019, AIR, "pm2.5", 5.0, "ug_per_m3"),
        value_row("1103", 2019, AIR, "pm2.5", 8.0, "ug_per_m3"),
        value_row("1508", 2019, AIR, "pm2.5", 8.0, "percent"),  # wrong unit: not comparable
        value_row("3203", 2019, "EC: P: EM: 1C", "main", None, "percent", status="not_reported"),
        value_row("3203", 2019, "EC: P: EM: 2C", "main", 2.4, "percent", ref="+cmd|' /C calc'!A0"),
    ]
    return pd.DataFrame(rows)


def write_kpi_values(path: Path, frame: pd.DataFrame) -> None:
    """staging.kpi_values in the temporary warehouse, with the value model's exact columns."""
    with connect_warehouse(path) as conn:
        replace_table(conn, tables.KPI_VALUES, frame)
