import subprocess
import sys
import textwrap

import duckdb
import pandas as pd
import pytest

from asker_pipeline.warehouse import (
    WarehouseLockedError,
    connect_warehouse,
    replace_rows,
    replace_table,
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
        replace_table(conn, "raw.t", frame, ddl="a INTEGER, b VARCHAR")
        assert conn.execute("SELECT a, b FROM raw.t").fetchall() == [(1, "x")]
        replace_table(conn, "raw.t", frame.iloc[:0], ddl="a INTEGER, b VARCHAR")
        assert conn.execute("SELECT count(*) FROM raw.t").fetchone() == (0,)


def test_a_failed_write_leaves_the_old_table_whole(tmp_path):
    with connect_warehouse(tmp_path / "a.duckdb") as conn:
        replace_table(conn, "raw.t", pd.DataFrame({"a": [1, 2]}), ddl="a INTEGER NOT NULL")
        with pytest.raises(duckdb.Error):
            replace_table(conn, "raw.t", pd.DataFrame({"a": [3, None]}), ddl="a INTEGER NOT NULL")
        assert conn.execute("SELECT a FROM raw.t ORDER BY a").fetchall() == [(1,), (2,)]
        with pytest.raises(duckdb.Error):
            replace_rows(conn, "raw.t", pd.DataFrame({"a": [None]}), "a = 1")
        assert conn.execute("SELECT a FROM raw.t ORDER BY a").fetchall() == [(1,), (2,)]


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
        assert str(holder.pid) in message
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
