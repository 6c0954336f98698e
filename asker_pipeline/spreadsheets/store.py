"""Load one municipality's workbooks into the warehouse: values, quarantine and load history.

All three tables change in one transaction. Values and quarantine rows of the municipality are
replaced by what its workbooks hold now, so loading the same files twice changes nothing (an
unchanged file keeps the ``loaded_at`` of its first load). ``raw.spreadsheet_loads`` is history:
a row is added when a workbook version (sha256) is loaded for the first time, naming the version
it replaced for the same municipality and year."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from asker_pipeline.schema import tables
from asker_pipeline.spreadsheets.layout import both
from asker_pipeline.spreadsheets.naming import parse_file_name, partition_code, partition_key
from asker_pipeline.spreadsheets.read import ReadContext, WorkbookResult, read_workbook
from asker_pipeline.values import model
from asker_pipeline.warehouse import create_table, insert, transaction

SPREADSHEETS_FOLDER = "spreadsheets"
VALUES = tables.SPREADSHEET_VALUES
QUARANTINE = tables.SPREADSHEET_QUARANTINE
LOADS = tables.SPREADSHEET_LOADS


def workbook_files(sources_dir: Path) -> list[Path]:
    """Every file in sources/spreadsheets/ (not only .xlsx: a wrong file is rejected, not ignored),
    leaving out hidden files, Excel's ``~$`` lock files and READMEs."""
    folder = sources_dir / SPREADSHEETS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith((".", "~$"))
        and not p.name.lower().startswith("readme")
    )


def partition_keys(sources_dir: Path, context: ReadContext) -> list[str]:
    return sorted(files_by_partition(workbook_files(sources_dir), context))


@dataclass
class PartitionLoad:
    values: pd.DataFrame
    quarantine: pd.DataFrame
    new_loads: pd.DataFrame


def _superseded(results: list[tuple[Path, WorkbookResult]]) -> dict[Path, Path]:
    """Two readable workbooks for the same municipality and year: the newest (mtime, then name)
    is loaded. Only workbooks that could be read compete: a newer file that is rejected as a
    whole never hides an older one that loads."""
    by_year: dict[int, list[Path]] = {}
    for path, result in results:
        named = parse_file_name(path.name)
        if named and result.error is None:
            by_year.setdefault(named[1], []).append(path)
    losers = {}
    for paths in by_year.values():
        newest = max(paths, key=lambda p: (p.stat().st_mtime_ns, p.name))
        losers.update({p: newest for p in paths if p != newest})
    return losers


def files_by_partition(files: list[Path], context: ReadContext) -> dict[str, list[Path]]:
    grouped: dict[str, list[Path]] = {}
    for path in files:
        grouped.setdefault(partition_key(path.name, context.municipalities), []).append(path)
    return grouped


def read_partition(
    files: list[Path], sources_dir: Path, context: ReadContext
) -> list[WorkbookResult]:
    """Read the workbooks of one partition, keeping the newest readable one of two for the same
    year; an unreadable one is rejected on its own and hides nothing."""
    results = [(path, read_workbook(path, sources_dir, context)) for path in files]
    losers = _superseded(results)
    for path, result in results:
        if path in losers:
            result.values.clear()
            result.rejected = []
            result.error = both(
                f"ikke lastet: {losers[path].name} er en nyere arbeidsbok for samme kommune og "
                "år (én arbeidsbok per kommune og år)",
                f"not loaded: {losers[path].name} is a newer workbook for the same "
                "municipality and year (one workbook per municipality and year)",
            )
            result.reject(None, None, None, result.error)
    return [result for _, result in results]


def plan_partition(
    key: str, results: list[WorkbookResult], history: pd.DataFrame, now: datetime
) -> tuple[list[dict], list[dict], list[dict]]:
    """Rows to write for a partition (values, quarantine, new loads), given its load history."""
    values, quarantine, loads = [], [], []
    for result in results:
        seen = history[history["sha256"] == result.sha256]
        if len(seen):
            loaded_at = seen["loaded_at"].min()
        else:
            loaded_at = now
            same_year = history[(history["year"] == result.year) & ~history["file_rejected"]]
            previous = (
                same_year.sort_values("loaded_at").iloc[-1]
                if len(same_year) and not result.error
                else None
            )
            loads.append(
                {
                    "partition_key": key,
                    "municipality_code": result.municipality_code,
                    "year": result.year,
                    "file": result.file,
                    "sha256": result.sha256,
                    "loaded_at": now,
                    "replaced_file": None if previous is None else previous["file"],
                    "replaced_sha256": None if previous is None else previous["sha256"],
                    "values_loaded": len(result.values),
                    "rows_rejected": len(result.rejected),
                    "file_rejected": result.error is not None,
                }
            )
        values += [{**row, "loaded_at": loaded_at} for row in result.values]
        quarantine += [
            {**row, "partition_key": key, "loaded_at": loaded_at} for row in result.rejected
        ]
    return values, quarantine, loads


#: Partitions written per transaction when many are loaded at once (bounds memory).
CHUNK = 25
#: From this many workbooks on, they are parsed in worker processes (openpyxl is CPU-bound).
PARALLEL_FROM = 32

_worker_context: ReadContext | None = None  # set in the parent before the workers fork


def _read_in_worker(files: list[Path], sources_dir: Path) -> list[WorkbookResult]:
    return read_partition(files, sources_dir, _worker_context)


@contextmanager
def _reader_pool(n_files: int, context: ReadContext) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of forked readers, one per core, when there are enough workbooks to pay for it."""
    global _worker_context
    workers = min(os.cpu_count() or 1, 8)
    if n_files < PARALLEL_FROM or workers < 2:
        yield None
        return
    _worker_context = context
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


def load_partitions(
    conn: duckdb.DuckDBPyConnection,
    keys: list[str],
    sources_dir: Path,
    context: ReadContext,
    now: datetime | None = None,
) -> PartitionLoad:
    """Load many partitions (a single-run backfill), ``CHUNK`` partitions per transaction, so
    memory stays bounded. Returns what was written for the last chunk."""
    files = files_by_partition(workbook_files(sources_dir), context)
    plan = PartitionLoad(VALUES.empty_frame(), QUARANTINE.empty_frame(), LOADS.empty_frame())
    n_files = sum(len(files.get(key, [])) for key in keys)
    chunks = [keys[start : start + CHUNK] for start in range(0, len(keys), CHUNK)]
    with _reader_pool(n_files, context) as pool:
        if pool is None:
            reads = (_read_chunk(chunk, files, sources_dir, context) for chunk in chunks)
        else:
            reads = _read_ahead(pool, chunks, files, sources_dir)
        for chunk, results in zip(chunks, reads, strict=True):
            plan = _write_chunk(conn, chunk, results, now)
    return plan


def load_partition(
    conn: duckdb.DuckDBPyConnection,
    key: str,
    sources_dir: Path,
    context: ReadContext,
    now: datetime | None = None,
) -> PartitionLoad:
    """Read one partition's workbooks and write all three tables in one transaction."""
    return load_partitions(conn, [key], sources_dir, context, now)


def _read_chunk(keys, files, sources_dir, context) -> dict[str, list[WorkbookResult]]:
    return {key: read_partition(files.get(key, []), sources_dir, context) for key in keys}


def _read_ahead(pool, chunks, files, sources_dir, ahead: int = 2):
    """Each chunk's reads, in order, with the next ``ahead`` chunks already being parsed by the
    workers while this one is written (memory stays bounded by ``ahead`` chunks)."""
    submitted = []
    for index in range(len(chunks)):
        while len(submitted) < min(index + 1 + ahead, len(chunks)):
            chunk = chunks[len(submitted)]
            submitted.append(
                {
                    key: pool.submit(_read_in_worker, files.get(key, []), sources_dir)
                    for key in chunk
                }
            )
        futures, submitted[index] = submitted[index], None
        yield {key: future.result() for key, future in futures.items()}


def _write_chunk(conn, keys, results, now) -> PartitionLoad:
    """Values and quarantine of the chunk's municipalities replaced, new loads appended: together."""
    now = now or datetime.now(UTC)
    with transaction(conn):
        for table in (VALUES, QUARANTINE, LOADS):
            create_table(conn, table)
        history = conn.execute(
            f"SELECT * FROM {LOADS.name} WHERE list_contains(?, partition_key)", [keys]
        ).df()
        values, quarantine, loads = [], [], []
        for key in keys:
            rows = plan_partition(key, results[key], history[history["partition_key"] == key], now)
            values += rows[0]
            quarantine += rows[1]
            loads += rows[2]
        codes = [code for code in map(partition_code, keys) if code]
        conn.execute(
            f"DELETE FROM {VALUES.name} WHERE list_contains(?, municipality_code)", [codes]
        )
        conn.execute(f"DELETE FROM {QUARANTINE.name} WHERE list_contains(?, partition_key)", [keys])
        return PartitionLoad(
            values=insert(
                conn, VALUES, model.conform(pd.DataFrame(values, columns=VALUES.column_names))
            ),
            quarantine=insert(
                conn, QUARANTINE, pd.DataFrame(quarantine, columns=QUARANTINE.column_names)
            ),
            new_loads=insert(conn, LOADS, pd.DataFrame(loads, columns=LOADS.column_names)),
        )
