"""Baseline releases kept outside the warehouse, so a lost or rebuilt warehouse gets them back.

A frozen baseline release cannot be rebuilt from sources (the sources move on). Each release is
also one append-only Parquet file, ``<release_id>.parquet`` in ``warehouse/releases/``: its
zero-point rows, with the release's summary row in the file's metadata. A file is written once
and never rewritten; the warehouse and the files are reconciled whenever the zero point runs.

A release frozen before a column was declared (``under_review``, ``n_under_review``) is kept as
frozen: it gets the column, empty, in the warehouse and when read from its file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pandas as pd

from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.schema import Table, tables
from asker_pipeline.warehouse import create_table, insert, read_table, transaction

SUMMARY_KEY = b"asker.release"


def release_file(folder: Path, release_id: str) -> Path:
    return Path(folder) / f"{release_id}.parquet"


def release_bytes(summary: pd.DataFrame, values: pd.DataFrame) -> bytes:
    """One release as Parquet: its values as rows, its summary row as JSON metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = tables.BASELINE_RELEASE_VALUES.conform(values)
    head = tables.BASELINE_RELEASES.conform(summary).astype(object)
    head = head.where(head.notna(), None).iloc[0].to_dict()
    arrow = pa.Table.from_pandas(rows, preserve_index=False)
    arrow = arrow.replace_schema_metadata({SUMMARY_KEY: json.dumps(head, default=str).encode()})
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer, compression="zstd")
    return buffer.getvalue()


def read_release(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, values) of one release file, typed as the warehouse tables."""
    import pyarrow.parquet as pq

    arrow = pq.read_table(path)
    summary = json.loads(arrow.schema.metadata[SUMMARY_KEY])
    return (
        tables.BASELINE_RELEASES.conform(
            _widened(pd.DataFrame([summary]), tables.BASELINE_RELEASES)
        ),
        tables.BASELINE_RELEASE_VALUES.conform(
            _widened(arrow.to_pandas(), tables.BASELINE_RELEASE_VALUES)
        ),
    )


def _widened(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """A frozen frame with the nullable columns declared after it was frozen, empty."""
    missing = [c.name for c in table.columns if c.name not in frame.columns and c.nullable]
    return frame.assign(**dict.fromkeys(missing, None))


def reconcile(
    conn: duckdb.DuckDBPyConnection, published: Path, staged: Path
) -> tuple[list[str], list[str]]:
    """Releases in ``published`` files but not in the warehouse are restored (same ids and
    numbers); releases in the warehouse without a file get one in ``staged`` (published with the
    run). Returns (restored ids, newly filed ids)."""
    on_file = {p.stem: p for p in sorted(Path(published).glob("*.parquet"))}
    in_table = read_table(conn, tables.BASELINE_RELEASES, order_by="release_number")
    known = set(in_table["release_id"])
    restored = []
    with transaction(conn):
        for table in (tables.BASELINE_RELEASES, tables.BASELINE_RELEASE_VALUES):
            create_table(conn, table)
        for release_id, path in on_file.items():
            if release_id not in known:
                summary, values = read_release(path)
                insert(conn, tables.BASELINE_RELEASES, summary)
                insert(conn, tables.BASELINE_RELEASE_VALUES, values)
                restored.append(release_id)
    filed = []
    for summary in in_table.itertuples(index=False):
        if summary.release_id not in on_file:
            file_release(conn, summary.release_id, staged)
            filed.append(summary.release_id)
    return restored, filed


def file_release(conn: duckdb.DuckDBPyConnection, release_id: str, folder: Path) -> Path:
    """Write the release's file from its warehouse rows."""
    summary = conn.execute(
        f"SELECT * FROM {tables.BASELINE_RELEASES.name} WHERE release_id = ?", [release_id]
    ).df()
    values = conn.execute(
        f"SELECT * FROM {tables.BASELINE_RELEASE_VALUES.name} WHERE release_id = ? "
        "ORDER BY kpi_code, data_point",
        [release_id],
    ).df()
    return write_bytes_atomic(release_file(folder, release_id), release_bytes(summary, values))
