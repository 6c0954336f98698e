"""The DuckDB warehouse: one way to connect, one way to replace a table.

DuckDB lets one process write a file at a time. Dagster's own connect retries a locked file for
about 100 s and then fails with DuckDB's raw message; we wait briefly and then say which file is
locked and what to close. Tables are replaced inside a transaction so a failed write never leaves
a half-written table behind."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

#: Layers of the warehouse, one DuckDB schema each (see README, "Warehouse").
SCHEMAS = ("reference", "raw", "staging", "marts", "quality")


class WarehouseLockedError(RuntimeError):
    """Another process holds the DuckDB file."""


def _lock_message(path: str, error: Exception) -> str:
    holder = re.search(r"Conflicting lock is held in (.+?)(?: \(PID (\d+)\))?(?:\.|$)", str(error))
    who = (
        f"{holder.group(1)} (PID {holder.group(2)})"
        if holder and holder.group(2)
        else "another program"
    )
    return (
        f"The warehouse file {path} is locked by {who}. DuckDB allows one process to open it at a "
        "time: close that program (a DuckDB shell or notebook, a database browser such as DBeaver, "
        "or another `make run` / `dagster dev` using the same file) and run again. "
        f"DuckDB said: {error}"
    )


def _is_lock_error(error: Exception) -> bool:
    text = str(error).lower()
    return "lock" in text and ("conflicting" in text or "could not set lock" in text)


def open_warehouse(
    path: str | Path, config: dict | None = None, lock_wait_seconds: float = 10.0
) -> duckdb.DuckDBPyConnection:
    """Connect read-write, creating the folder and the layer schemas; name the file if it is locked."""
    database = str(path)
    if database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_wait_seconds
    while True:
        try:
            conn = duckdb.connect(database, read_only=False, config=dict(config or {}))
            break
        except duckdb.IOException as error:
            if not _is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(_lock_message(database, error)) from error
            time.sleep(0.5)
    for schema in SCHEMAS:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return conn


@contextmanager
def connect_warehouse(
    path: str | Path, config: dict | None = None, lock_wait_seconds: float = 10.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = open_warehouse(path, config, lock_wait_seconds)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All statements inside commit together or not at all."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def replace_table(
    conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, ddl: str | None = None
) -> None:
    """Replace ``schema.table`` with ``frame`` atomically.

    With ``ddl`` (a column list such as ``"code VARCHAR NOT NULL, value DOUBLE"``) the table gets
    exactly those columns and types even when the frame is empty, and columns are matched by name,
    never by position."""
    with transaction(conn):
        if ddl is None:
            conn.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM frame")
        else:
            conn.execute(f"CREATE OR REPLACE TABLE {table} ({ddl})")
            conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")


def replace_rows(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    frame: pd.DataFrame,
    where: str,
    params: Sequence[object] = (),
    ddl: str | None = None,
) -> None:
    """Replace the rows of ``table`` matching ``where`` with ``frame``, atomically (a partition's slice)."""
    with transaction(conn):
        if ddl is not None:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({ddl})")
        else:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM frame LIMIT 0")
        conn.execute(f"DELETE FROM {table} WHERE {where}", list(params))
        conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")


def table_exists(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return bool(
        conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )
