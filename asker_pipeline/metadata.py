"""Materialization metadata a person can judge in the UI: row count, the declared column schema,
and a preview with numbers rounded for people and empty cells shown as empty, never ``nan``."""

from __future__ import annotations

import math
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from asker_pipeline.filesystem import sha256_file
from asker_pipeline.missing import is_missing
from asker_pipeline.schema import Table

PREVIEW_ROWS = 10


def human_number(value: object) -> str:
    """A number as a person reads it: whole numbers without decimals, others with two (or two
    significant digits when smaller than 0.01); empty for a missing value."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        if abs(value) < 0.01:
            return f"{value:.2g}"
        return f"{value:.2f}"
    return str(value)


def markdown_table(frame: pd.DataFrame) -> str:
    """A frame as a markdown table, numbers rounded, no ``nan``, ``|`` escaped."""
    if frame.empty:
        return "_(no rows)_"
    shown = frame.astype(object).map(lambda v: "" if is_missing(v) else v)
    shown = shown.map(lambda v: human_number(v) if not isinstance(v, str) else v.replace("|", "/"))
    header = "| " + " | ".join(map(str, shown.columns)) + " |"
    rule = "| " + " | ".join("---" for _ in shown.columns) + " |"
    rows = ["| " + " | ".join(map(str, row)) + " |" for row in shown.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def preview(frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> dg.MarkdownMetadataValue:
    return dg.MetadataValue.md(markdown_table(frame.head(rows)))


def rounded(extra: dict[str, object]) -> dict[str, object]:
    """Numbers as a person reads them (86.45, not 86.445783133)."""
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in extra.items()}


def _cell(value: object) -> object:
    if is_missing(value):
        return None
    if isinstance(value, float):
        return round(value, 2)
    return value.item() if hasattr(value, "item") else value  # numpy scalars


def records_table(frame: pd.DataFrame) -> dg.TableMetadataValue:
    """A small frame as a table the UI shows in place (long markdown it hides behind a link),
    numbers rounded for people, empty cells empty."""
    kinds = {"f": "float", "i": "int", "u": "int", "b": "bool"}
    columns = [
        dg.TableColumn(name=str(name), type=kinds.get(frame[name].dtype.kind, "string"))
        for name in frame.columns
    ]
    records = [
        dg.TableRecord({str(k): _cell(v) for k, v in row.items()})
        for row in frame.astype(object).to_dict("records")
    ]
    return dg.MetadataValue.table(records=records, schema=dg.TableSchema(columns=columns))


def table_metadata(
    conn: duckdb.DuckDBPyConnection, table: Table, **extra: object
) -> dict[str, object]:
    """Row count, the declared schema (with descriptions), the table name and a preview."""
    count = conn.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]
    head = conn.execute(f"SELECT * FROM {table.name} LIMIT {PREVIEW_ROWS}").df()
    return {
        "dagster/row_count": count,
        **table.asset_metadata(),
        "preview": preview(head),
        **rounded(extra),
    }


def slice_metadata(table: Table, frame: pd.DataFrame, **extra: object) -> dict[str, object]:
    """For a partition's slice of a table: the rows written, the declared schema, a preview."""
    return {
        "dagster/partition_row_count": len(frame),
        **table.asset_metadata(),
        "preview": preview(frame),
        **extra,
    }


def frame_metadata(frame: pd.DataFrame, **extra: object) -> dict[str, object]:
    """For a frame that is not a warehouse table (a listing of files): row count, schema, preview."""
    schema = dg.TableSchema(
        columns=[dg.TableColumn(name=str(n), type=str(t)) for n, t in frame.dtypes.items()]
    )
    return {
        "dagster/row_count": len(frame),
        "dagster/column_schema": schema,
        "preview": preview(frame),
        **extra,
    }


def files_metadata(paths: list[Path], root: Path, **extra: object) -> dict[str, object]:
    """For assets that are files: one row per file (path under ``root``, bytes, sha256)."""
    listing = pd.DataFrame(
        {
            "file": [p.relative_to(root).as_posix() for p in paths],
            "bytes": [p.stat().st_size for p in paths],
            "sha256": [sha256_file(p)[:16] for p in paths],
        }
    )
    return frame_metadata(listing, **extra)
