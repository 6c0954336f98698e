"""Configuration in one place: the defaults in settings.py, and a value set in the shell wins, for
`make run` (python -m asker_pipeline), `make dev` (python -m asker_pipeline.settings dagster
dev ...) and the Dagster CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from asker_pipeline.settings import DEFAULTS

REPO = Path(__file__).resolve().parent.parent
DAGSTER = str(Path(sys.executable).with_name("dagster"))


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DEFAULTS}
    return {**env, **values}


def test_no_env_file_can_override_the_shell():
    """Dagster's CLI lets a .env file in the working directory override the shell."""
    assert not (REPO / ".env").exists()


def test_the_launcher_sets_defaults_and_keeps_what_the_shell_set(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "asker_pipeline.settings", "env"],
        cwd=REPO, capture_output=True, text=True, check=True,
        env=_env(ASKER_EXPORTS=str(tmp_path / "mine")),
    ).stdout
    seen = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    assert seen["ASKER_EXPORTS"] == str(tmp_path / "mine")  # the shell's
    assert seen["ASKER_WAREHOUSE"] == DEFAULTS["ASKER_WAREHOUSE"]  # the default
    assert seen["DAGSTER_HOME"] == DEFAULTS["DAGSTER_HOME"]  # never a temporary instance


def test_the_dagster_cli_uses_the_shell_values(tmp_path):
    warehouse, exports = tmp_path / "cli" / "w.duckdb", tmp_path / "cli" / "exports"
    home = tmp_path / "home"
    home.mkdir()
    default = Path(DEFAULTS["ASKER_WAREHOUSE"])
    before = default.stat().st_mtime_ns if default.exists() else None
    out = subprocess.run(
        [DAGSTER, "asset", "materialize", "-m", "asker_pipeline.definitions",
         "--select", "reference/units"],
        cwd=REPO, capture_output=True, text=True,
        env=_env(ASKER_WAREHOUSE=str(warehouse), ASKER_EXPORTS=str(exports),
                 DAGSTER_HOME=str(home)),
    )
    assert out.returncode == 0, out.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM reference.units").fetchall()[0][0] > 10
    assert (default.stat().st_mtime_ns if default.exists() else None) == before


def test_make_run_goes_through_the_instance_and_waits_for_no_one(tmp_path):
    """While another run is in progress in the project's instance, `make run` says which and
    exits 75 without writing (the instance is the one DAGSTER_HOME in the shell names)."""
    home = tmp_path / "home"
    home.mkdir()
    env = _env(DAGSTER_HOME=str(home), ASKER_WAREHOUSE=str(tmp_path / "w" / "w.duckdb"),
               ASKER_EXPORTS=str(tmp_path / "w" / "exports"))
    other = subprocess.Popen(
        [sys.executable, "-m", "tests.programs.small_run", str(tmp_path / "o" / "o.duckdb"),
         str(tmp_path / "o" / "x"), "1", "sleep", "60"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert other.stdout.readline().strip() == "sleeping"
        out = subprocess.run(
            [sys.executable, "-m", "asker_pipeline"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        )
    finally:
        other.kill()
        other.wait(timeout=10)
    assert out.returncode == 75, out.stderr[-2000:]
    assert "Another run is in progress" in out.stderr and f"PID {other.pid}" in out.stderr
    assert not (tmp_path / "w").exists()
