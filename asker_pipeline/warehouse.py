"""The DuckDB warehouse: one way to connect, one way to write a declared table, and clear errors
when the file is locked by another program or damaged.

Runs never write the published file itself: each run works on a copy that is published whole
at its end (``publish.py``). The functions here are the building blocks both use."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from asker_pipeline.schema import SCHEMAS, Table

#: How long to wait for another program to let go of the warehouse file before giving up.
LOCK_WAIT_SECONDS = 5.0


class WarehouseLockedError(RuntimeError):
    """Another process holds the DuckDB file for writing."""


class DamagedWarehouseError(RuntimeError):
    """The DuckDB file cannot be read back whole (truncated, failing checksums, not DuckDB)."""


def program_of(pid: int) -> str:
    """The holding process's command line, for a message a person can act on ('' if unknown)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)[:200]


def lock_message(path: str | Path, error: Exception) -> str:
    """Name the file, the process holding it (PID and program) and what to close."""
    holder = re.search(r"Conflicting lock is held in (.+) \(PID (\d+)\)", str(error))
    if holder:
        pid = int(holder.group(2))
        who = f"PID {pid} ({program_of(pid) or holder.group(1)})"
    else:
        who = "another program"
    return (
        f"The warehouse file {path} is open for writing in {who}. Close that program (a DuckDB "
        "shell, a notebook, a database browser such as DBeaver) and run again, or open the file "
        "read-only there (`duckdb -readonly`, `duckdb.connect(path, read_only=True)`): readers "
        "never block a run."
    )


def damaged_message(path: str | Path, error: Exception) -> str:
    return (
        f"The warehouse file {path} is damaged and cannot be read ({error}). Nothing was written. "
        f"To recover, move it aside (`mv {path} {path}.damaged`) and run again: every table is "
        "rebuilt from sources/ and assets/, and baseline releases are restored from the releases "
        "folder beside the warehouse."
    )


def is_lock_error(error: Exception) -> bool:
    text = str(error).lower()
    return "lock" in text and ("conflicting" in text or "could not set lock" in text)


def is_damage_error(error: Exception) -> bool:
    text = str(error).lower()
    return any(
        sign in text
        for sign in (
            "corrupt",
            "checksum",
            "could not read enough bytes",
            "not a valid duckdb database",
            "is not a valid",
        )
    )


def retry_locked(action, path: str | Path, wait_seconds: float = LOCK_WAIT_SECONDS):
    """Run ``action()``; while DuckDB says the file is locked, retry for ``wait_seconds`` in all,
    then raise ``WarehouseLockedError`` naming the holder."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return action()
        except duckdb.IOException as error:
            if not is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(lock_message(path, error)) from error
            time.sleep(0.25)


def open_warehouse(path: str | Path, lock_wait_seconds: float = LOCK_WAIT_SECONDS):
    """Connect read-write, creating the folder and the layer schemas."""
    database = str(path)
    if database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    conn = retry_locked(lambda: duckdb.connect(database), database, lock_wait_seconds)
    for schema in SCHEMAS:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return conn


@contextmanager
def connect_warehouse(
    path: str | Path, lock_wait_seconds: float = LOCK_WAIT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = open_warehouse(path, lock_wait_seconds)
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


def create_table(conn: duckdb.DuckDBPyConnection, table: Table, replace: bool = False) -> None:
    """Create the table as declared, or replace it; a kept table (not replaced: partition slices,
    load history, releases) that was created before a column was declared gets that column."""
    if replace:
        conn.execute(f"CREATE OR REPLACE TABLE {table.name} ({table.ddl()})")
        return
    conn.execute(f"CREATE TABLE IF NOT EXISTS {table.name} ({table.ddl()})")
    add_missing_columns(conn, table)


def add_missing_columns(conn: duckdb.DuckDBPyConnection, table: Table) -> list[str]:
    """Widen a kept table with the columns declared since it was created, empty for its old rows
    (so added without NOT NULL: old rows have no value for them). Returns the names added."""
    schema, name = table.name.split(".")
    present = {
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ?",
            [schema, name],
        ).fetchall()
    }
    added = [c for c in table.columns if c.name not in present]
    for column in added:
        conn.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {column.type}")
    return [c.name for c in added]


def insert(conn: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """Append ``frame`` (typed to the declaration, matched by column name); returns what was
    written. Call inside a transaction when it must commit with other statements."""
    typed = table.conform(frame)
    conn.register("insert_frame", typed)
    try:
        conn.execute(f"INSERT INTO {table.name} BY NAME SELECT * FROM insert_frame")
    finally:
        conn.unregister("insert_frame")
    return typed


def replace_table(
    conn: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame
) -> pd.DataFrame:
    """Replace the whole table with ``frame`` in one transaction; an empty frame still leaves the
    table with its declared columns."""
    with transaction(conn):
        create_table(conn, table, replace=True)
        return insert(conn, table, frame)


def replace_rows(
    conn: duckdb.DuckDBPyConnection,
    table: Table,
    frame: pd.DataFrame,
    where: str,
    params: Sequence[object] = (),
) -> pd.DataFrame:
    """Replace the rows matching ``where`` (a partition's or a release's slice), atomically."""
    with transaction(conn):
        create_table(conn, table)
        conn.execute(f"DELETE FROM {table.name} WHERE {where}", list(params))
        return insert(conn, table, frame)


def table_exists(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    schema, table = name.split(".")
    rows = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchall()
    return bool(rows[0][0])


def read_table(conn: duckdb.DuckDBPyConnection, table: Table, order_by: str = "ALL") -> pd.DataFrame:
    """The table in a fixed row order, or an empty frame of its declared columns if it was never
    written."""
    if not table_exists(conn, table.name):
        return table.empty_frame()
    return conn.execute(f"SELECT * FROM {table.name} ORDER BY {order_by}").df()
