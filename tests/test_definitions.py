"""The code location loads, and loading it stays light."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg

from asker_pipeline.definitions import defs


def test_code_location_loads_and_every_asset_is_described():
    repo = defs.get_repository_def()
    specs = list(defs.resolve_all_asset_specs())
    assert {"reference/kpi_catalogue", "staging/kpi_values"} <= {
        s.key.to_user_string() for s in specs
    }
    for spec in specs:
        assert spec.group_name and spec.group_name != "default", spec.key
        assert spec.kinds, spec.key
        assert spec.description, spec.key
    assert repo.get_job("build_all")


def test_workspace_loads_as_dagster_loads_it():
    """The UI's loader (one Definitions at module scope, resources resolvable) accepts it."""
    text = open("workspace.yaml", encoding="utf-8").read()
    assert "module_name: asker_pipeline.definitions" in text
    dagster = str(Path(sys.executable).with_name("dagster"))
    out = subprocess.run(
        [dagster, "definitions", "validate", "-w", "workspace.yaml"],
        capture_output=True,
        text=True,
        env={**os.environ, "DAGSTER_HOME": ""},
    )
    assert out.returncode == 0, out.stderr[-2000:]


def test_loading_the_code_location_does_not_import_great_expectations_or_matplotlib():
    code = (
        "import sys, asker_pipeline.definitions as d; d.defs.get_repository_def();"
        "print([m for m in ('great_expectations', 'matplotlib', 'openpyxl') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_executor_is_single_process():
    job = defs.resolve_job_def("build_all")
    assert job.executor_def.name == dg.in_process_executor.name


def test_instance_queues_runs_one_at_a_time(tmp_path):
    """A UI backfill queues its runs behind each other: DuckDB takes one writer per file."""
    shutil.copy("dagster_home/dagster.yaml", tmp_path)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        config = instance.get_concurrency_config()
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert config.run_queue_config.max_concurrent_runs == 1
        assert config.pool_config.default_pool_limit == 1
