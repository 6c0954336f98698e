import subprocess
import sys
import textwrap

import duckdb
import pandas as pd
import pytest

from asker_pipeline.schema import Column, Table
from asker_pipeline.warehouse import (
    WarehouseLockedError,
    connect_warehouse,
    lock_message,
    replace_rows,
    replace_table,
)

T = Table(
    "raw.t",
    "A table for these tests.",
    (
        Column("a", "INTEGER", "A required whole number.", nullable=False),
        Column("b", "VARCHAR", "An optional text."),
    ),
)


def test_connect_creates_the_layer_schemas(tmp_path):
    with connect_warehouse(tmp_path / "w" / "a.duckdb") as conn:
        schemas = {
            r[0]
            for r in conn.execute("SELECT schema_name FROM information_schema.schemata").fetchall()
        }
    assert {"reference", "raw", "staging", "marts", "quality"} <= schemas


def test_replace_table_matches_columns_by_name_and_keeps_empty_tables(tmp_path):
    with connect_warehouse(tmp_path / "a.duckdb") as conn:
        frame = pd.DataFrame({"b": ["x"], "a": [1]})
        replace_table(conn, T, frame)
        assert conn.execute("SELECT a, b FROM raw.t").fetchall() == [(1, "x")]
        replace_table(conn, T, frame.iloc[:0])
        assert conn.execute("SELECT count(*) FROM raw.t").fetchall() == [(0,)]
        assert [r[1] for r in conn.execute("DESCRIBE raw.t").fetchall()] == ["INTEGER", "VARCHAR"]


def test_a_failed_write_leaves_the_old_table_whole(tmp_path):
    with connect_warehouse(tmp_path / "a.duckdb") as conn:
        replace_table(conn, T, pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
        with pytest.raises(ValueError, match="raw.t row 1: column a is empty"):
            replace_table(conn, T, pd.DataFrame({"a": [3, None], "b": ["x", "y"]}))
        assert conn.execute("SELECT a FROM raw.t ORDER BY a").fetchall() == [(1,), (2,)]
        with pytest.raises(ValueError):
            replace_rows(conn, T, pd.DataFrame({"a": [None], "b": [None]}), "a = 1")
        assert conn.execute("SELECT a FROM raw.t ORDER BY a").fetchall() == [(1,), (2,)]


def test_the_lock_message_names_the_whole_program_path_and_pid():
    error = duckdb.IOException(
        'IO Error: Could not set lock on file "/w/asker.duckdb": Conflicting lock is held in '
        "/root/.pyenv/versions/3.11.7/bin/python3.11 (PID 4242). However, you would be able to "
        "open this database in read-only mode"
    )
    message = lock_message("/w/asker.duckdb", error)
    assert "PID 4242 (/root/.pyenv/versions/3.11.7/bin/python3.11)" in message
    assert "/w/asker.duckdb" in message and "read-only" in message


def test_a_file_locked_by_another_process_is_named(tmp_path):
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            c = duckdb.connect({str(path)!r}); print('ready', flush=True); sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseLockedError) as info:
            with connect_warehouse(path, lock_wait_seconds=0.5):
                pass
        message = str(info.value)
        assert str(path) in message and "close" in message.lower()
        assert f"PID {holder.pid} ({sys.executable} -c" in message
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def test_a_kept_table_gets_the_columns_declared_after_it_was_created(tmp_path):
    from asker_pipeline.warehouse import create_table, insert

    older = Table("raw.t", "Kept.", (T.columns[0],))
    with connect_warehouse(tmp_path / "a.duckdb") as conn:
        create_table(conn, older)
        insert(conn, older, pd.DataFrame({"a": [1]}))
        create_table(conn, T)  # the declaration has grown a column since
        insert(conn, T, pd.DataFrame({"a": [2], "b": ["new"]}))
        assert conn.execute("SELECT a, b FROM raw.t ORDER BY a").fetchall() == [
            (1, None),
            (2, "new"),
        ]
