"""Materialization metadata a person can judge in the UI: row count, column schema, a preview."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from asker_pipeline.filesystem import sha256_file

PREVIEW_ROWS = 10


def _markdown_preview(frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> dg.MarkdownMetadataValue:
    if frame.empty:
        return dg.MetadataValue.md("_(no rows)_")
    return dg.MetadataValue.md(frame.head(rows).to_markdown(index=False))


def frame_metadata(frame: pd.DataFrame, **extra: object) -> dict[str, object]:
    """Row count, column schema (pandas dtypes) and a markdown preview of a frame."""
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(name=str(name), type=str(dtype)) for name, dtype in frame.dtypes.items()
        ]
    )
    return {
        "dagster/row_count": len(frame),
        "dagster/column_schema": schema,
        "preview": _markdown_preview(frame),
        **extra,
    }


def table_metadata(
    conn: duckdb.DuckDBPyConnection, table: str, **extra: object
) -> dict[str, object]:
    """The same metadata for a table written with SQL, with the warehouse's own column types."""
    columns = conn.execute(f"DESCRIBE {table}").fetchall()
    schema = dg.TableSchema(columns=[dg.TableColumn(name=c[0], type=c[1]) for c in columns])
    count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    preview = conn.execute(f"SELECT * FROM {table} LIMIT {PREVIEW_ROWS}").df()
    return {
        "dagster/row_count": count,
        "dagster/column_schema": schema,
        "dagster/table_name": table,
        "preview": _markdown_preview(preview),
        **extra,
    }


def files_metadata(paths: list[Path], **extra: object) -> dict[str, object]:
    """For assets that are files: one row per file (name, bytes, sha256), shown like a table."""
    listing = pd.DataFrame(
        {
            "file": [p.name for p in paths],
            "bytes": [p.stat().st_size for p in paths],
            "sha256": [sha256_file(p)[:16] for p in paths],
        }
    )
    return frame_metadata(listing, **extra)
