"""All or nothing: what readers see changes only when a run succeeds, and then at once.

These tests drive the real warehouse resource and publishing with a small graph
(``tests/programs/small_run.py``), in this process and in real second processes: a reader holding
the file, a writer holding it, a run killed with ``kill -9``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from asker_pipeline import runs
from asker_pipeline.build import failure_messages
from asker_pipeline.filesystem import sha256_file
from tests.programs.small_run import run

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def paths(tmp_path):
    return tmp_path / "w" / "wh.duckdb", tmp_path / "w" / "exports"


def value(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute("SELECT n FROM marts.doubled").fetchall()[0][0]


def published_state(database: Path, exports: Path) -> dict[str, str]:
    """What a reader sees: the warehouse file and every export file, by checksum."""
    state = {"warehouse": sha256_file(database)}
    for path in sorted(exports.rglob("*")):
        if path.is_file():
            state[path.relative_to(exports).as_posix()] = sha256_file(path)
    return state


def start(*args: str, env: dict | None = None, stdin=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stdin=stdin,
        text=True,
        env={**os.environ, **(env or {})},
    )


def holder(database: Path, read_only: bool) -> subprocess.Popen:
    """A second process that opens the warehouse and keeps it open until its stdin closes;
    on each line it reads, it prints what it sees."""
    code = (
        "import duckdb, sys\n"
        f"c = duckdb.connect({str(database)!r}, read_only={read_only})\n"
        "print('ready', flush=True)\n"
        "for _ in sys.stdin:\n"
        "    print(c.execute('SELECT n FROM marts.doubled').fetchall()[0][0], flush=True)\n"
    )
    process = start("-c", code, stdin=subprocess.PIPE)
    assert process.stdout.readline().strip() == "ready"
    return process


def test_a_run_publishes_the_warehouse_and_a_sealed_export_set(paths):
    database, exports = paths
    assert run(str(database), str(exports), 1).success
    assert value(database) == 2
    assert exports.is_symlink()
    manifest = json.loads((exports / "manifest.json").read_text())
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = published_state(database, exports)
    assert listed == {k: v for k, v in on_disk.items() if k not in ("warehouse", "manifest.json")}
    assert listed.keys() == {"a.txt", "sub/b.txt"}
    leftovers = [p.name for p in database.parent.iterdir() if ".staging." in p.name]
    assert not leftovers and not list(database.parent.glob(f".{database.name}.*"))


def test_a_failed_run_leaves_what_readers_see_unchanged(paths):
    database, exports = paths
    assert run(str(database), str(exports), 1).success
    before = published_state(database, exports)
    result = run(str(database), str(exports), 5, "fail")
    assert not result.success
    assert "this step fails on purpose" in " ".join(failure_messages(result))
    assert published_state(database, exports) == before  # warehouse, files and manifest alike
    assert not list(database.parent.glob(f".{database.name}.*"))
    assert not [p for p in database.parent.iterdir() if ".staging." in p.name]


def test_readers_never_block_a_run(paths):
    database, exports = paths
    assert run(str(database), str(exports), 1).success
    reader = holder(database, read_only=True)  # e.g. `duckdb -readonly`, a notebook
    try:
        started = time.monotonic()
        assert run(str(database), str(exports), 3).success
        assert time.monotonic() - started < 15
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "2"  # its open file: the old version, whole
    finally:
        reader.stdin.close()
        reader.wait(timeout=10)
    assert value(database) == 6  # a new reader sees the new version


def test_a_writer_holding_the_file_fails_the_run_fast_and_is_named(paths):
    database, exports = paths
    assert run(str(database), str(exports), 1).success
    before = published_state(database, exports)
    writer = holder(database, read_only=False)
    try:
        started = time.monotonic()
        result = run(str(database), str(exports), 9, wait=1.0)
        elapsed = time.monotonic() - started
        message = " ".join(failure_messages(result))
    finally:
        writer.stdin.close()
        writer.wait(timeout=10)
    assert not result.success and elapsed < 15
    assert f"PID {writer.pid} ({sys.executable} -c" in message
    assert str(database) in message and "read-only" in message
    assert published_state(database, exports) == before


def test_a_damaged_warehouse_stops_the_run_before_it_writes(paths):
    database, exports = paths
    assert run(str(database), str(exports), 1).success
    data = database.read_bytes()
    database.write_bytes(data[: len(data) // 2])  # truncated, as by a full disk or a bad copy
    damaged = database.read_bytes()
    result = run(str(database), str(exports), 4)
    message = " ".join(failure_messages(result))
    assert not result.success
    assert f"{database} is damaged" in message and f"mv {database}" in message
    assert database.read_bytes() == damaged


def test_kill_9_mid_run_publishes_nothing_and_the_queue_moves_on(paths, tmp_path):
    database, exports = paths
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {"DAGSTER_HOME": str(home)}
    assert start("-m", "tests.programs.small_run", str(database), str(exports), "1",
                 env=env).wait(timeout=120) == 0
    before = published_state(database, exports)
    killed = start("-m", "tests.programs.small_run", str(database), str(exports), "7", "sleep",
                   "60", env=env)
    try:
        assert killed.stdout.readline().strip() == "sleeping"  # mid-run: the first step is done
        # While it runs, it holds the run lock: another run is refused, naming it.
        busy = run(str(database), str(exports), 8, wait=0.5)
        message = " ".join(failure_messages(busy))
        assert not busy.success and f"PID {killed.pid}" in message and "being built" in message
    finally:
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=10)
    assert published_state(database, exports) == before
    assert value(database) == 2
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (stuck,) = runs.in_progress(instance)  # a killed run never reports its end ...
        assert stuck.tags[runs.PID_TAG] == str(killed.pid)
        assert runs.fail_dead_runs(instance) == [stuck.run_id]  # ... so it is marked failed
        assert instance.get_run_by_id(stuck.run_id).status == dg.DagsterRunStatus.FAILURE
        assert runs.in_progress(instance) == []
    assert run(str(database), str(exports), 10).success  # and the next run cleans up after it
    assert value(database) == 20
    assert not list(database.parent.glob(f".{database.name}.*"))
