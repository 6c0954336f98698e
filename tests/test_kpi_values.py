"""The precedence rule of staging.kpi_values: which of two sources' rows scoring uses."""

import duckdb
import pytest

from asker_pipeline.schema import tables
from asker_pipeline.values.assets import stack_sql


def _insert(conn, table, kind, status, value, ref):
    conn.execute(
        f"INSERT INTO {table} BY NAME SELECT '3203' AS municipality_code,"
        " '3203' AS source_municipality_code, '3203' AS area_code, false AS former_area, 2019 AS year, 'EC: P: EM: 1C' AS kpi_code,"
        " 'main' AS data_point, ? AS value, 'percent' AS unit, ? AS status, ? AS source_kind,"
        " ? AS source_ref, TIMESTAMP '2026-11-27 10:00' AS loaded_at, true AS is_example",
        [value, status, kind, ref],
    )


@pytest.mark.parametrize(
    "sheet_status, sheet_value, open_status, open_value, winner",
    [
        ("reported", 2.1, "reported", 2.4, "sheet"),  # both reported: the municipality's figure
        ("not_reported", None, "reported", 2.4, "ssb"),  # NR does not hide SSB's figure
        ("reported", 2.1, "missing", None, "sheet"),
        ("reported", 2.1, "confidential", None, "sheet"),
        ("not_reported", None, "missing", None, "sheet"),  # neither: the source precedence
    ],
)
def test_precedence(sheet_status, sheet_value, open_status, open_value, winner):
    conn = duckdb.connect()
    for table in ("sheet", "ssb"):
        conn.execute(f"CREATE TABLE {table} ({tables.SPREADSHEET_VALUES.ddl()})")
    _insert(conn, "sheet", "spreadsheet", sheet_status, sheet_value, "sheet")
    _insert(conn, "ssb", "open_data", open_status, open_value, "ssb")
    rows = conn.execute(
        f"SELECT source_ref, is_selected, superseded_by FROM ({stack_sql(['sheet', 'ssb'])})"
    ).fetchall()
    loser = "ssb" if winner == "sheet" else "sheet"
    assert sorted(rows) == sorted([(winner, True, None), (loser, False, winner)])
