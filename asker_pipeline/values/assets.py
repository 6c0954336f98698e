"""``staging.kpi_values``: every source's values stacked in the common value model.

Each source asset writes a table in the value model's shape (``values/model.py``) and is listed
in ``VALUE_SOURCES``. When two sources give a row for the same municipality, year and data
point, a reported value beats one that is not (a workbook's NR does not hide an SSB figure);
among reported values the source kind with the lower precedence number wins. The winner is
``is_selected``; the other row is kept, marked with what superseded it, so nothing is hidden."""

from __future__ import annotations

import dagster as dg

from asker_pipeline.metadata import table_metadata
from asker_pipeline.resources import Warehouse
from asker_pipeline.schema import tables
from asker_pipeline.values import model
from asker_pipeline.warehouse import create_table, table_exists, transaction

#: Tables in the value model's shape, one per source asset. Sources add themselves here.
VALUE_SOURCES: tuple[dg.AssetKey, ...] = (
    tables.SPREADSHEET_VALUES.asset_key,
    tables.OPENDATA_VALUES.asset_key,
)

TABLE = tables.KPI_VALUES


def stack_sql(source_tables: list[str]) -> str:
    """SELECT that stacks the source tables and ranks rows of the same key by precedence."""
    precedence = " ".join(f"WHEN '{kind}' THEN {rank}" for kind, rank in model.SOURCE_KINDS.items())
    columns = ", ".join(model.COLUMN_NAMES)
    key = ", ".join(model.KEY)
    union = " UNION ALL ".join(f"SELECT {columns} FROM {t}" for t in source_tables)
    # A reported value beats a missing one; then the source kind's precedence; then the newest.
    order = f"status <> 'reported', CASE source_kind {precedence} END, loaded_at DESC, source_ref"
    return f"""
        WITH stacked AS ({union}),
        ranked AS (
            SELECT *, CASE source_kind {precedence} END AS precedence,
                   row_number() OVER (PARTITION BY {key} ORDER BY {order}) AS rank,
                   first_value(source_ref) OVER (PARTITION BY {key} ORDER BY {order}) AS winner
            FROM stacked
        )
        SELECT {columns}, precedence, rank = 1 AS is_selected,
               CASE WHEN rank > 1 THEN winner END AS superseded_by
        FROM ranked
    """


@dg.asset(
    key=TABLE.asset_key,
    deps=list(VALUE_SOURCES),
    group_name="staging",
    kinds={"duckdb", "sql"},
    description=TABLE.description,
)
def kpi_values(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.get_connection() as conn, transaction(conn):
        # A source that has never been loaded (no partition run yet) has no table: skip it.
        sources = [
            t for t in (".".join(key.path) for key in VALUE_SOURCES) if table_exists(conn, t)
        ]
        create_table(conn, TABLE, replace=True)
        if sources:
            conn.execute(f"INSERT INTO {TABLE.name} BY NAME {stack_sql(sources)}")
        metadata = table_metadata(conn, TABLE, sources=", ".join(sources) or "(none yet)")
    return dg.MaterializeResult(metadata=metadata)


defs = dg.Definitions(assets=[kpi_values])
