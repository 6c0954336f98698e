"""``make run``: materialize every asset on the bundled example data, through the project's
Dagster instance and its one-run-at-a-time rule.

1. **Runs in progress.** A run whose process died is marked failed (``runs.py``). If another run
   is still in progress (the UI, the automation sensor, another ``make run``), this waits up to
   ``--wait`` seconds (default 0), then says which run it is and exits with status 75. It never
   writes alongside it (the warehouse's run lock would stop it anyway: ``publish.py``).
2. **Workbooks, per municipality.** The partitions for the workbooks found in
   ``<sources>/spreadsheets/`` are registered (a new partner's workbook just adds one), and
   ``load_spreadsheets`` runs once over the range of every registered partition, as a single-run
   backfill does.
3. **Everything else.** ``build_all`` materializes every unpartitioned asset in dependency order.

Each run publishes the warehouse and exports whole, or nothing when it fails; a failed step stops
the build. Runs are recorded in the instance (``DAGSTER_HOME``), so they show in the UI. Exits
non-zero when any run fails, printing each failure's own message."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from asker_pipeline.settings import apply_defaults

apply_defaults()

import dagster as dg  # noqa: E402

from asker_pipeline import runs, workers  # noqa: E402
from asker_pipeline.definitions import defs  # noqa: E402
from asker_pipeline.spreadsheets.assets import PARTITIONS, reference_context  # noqa: E402
from asker_pipeline.spreadsheets.naming import municipality_partition, partition_code  # noqa: E402
from asker_pipeline.spreadsheets.store import partition_keys  # noqa: E402

#: Run tags that make one run cover a range of partitions: Dagster's documented single-run
#: backfill tags (what ``dagster asset materialize --partition-range A...B`` sets).
PARTITION_RANGE_START = "dagster/asset_partition_range_start"
PARTITION_RANGE_END = "dagster/asset_partition_range_end"
#: Console logs at INFO: Dagster's DEBUG events drown what a person wants to see.
QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
#: Exit status when another run is in progress (EX_TEMPFAIL: try again later).
BUSY = 75


def _sources_dir(resources: dict[str, object] | None) -> Path:
    if resources and "files" in resources:
        return Path(resources["files"].sources_dir)
    return Path(os.environ["ASKER_SOURCES"])


def register_partitions(instance: dg.DagsterInstance, sources_dir: Path) -> list[str]:
    """Register a partition for every municipality with a workbook (a new partner's first workbook
    just adds one) and retire keys named by an older rule; returns every registered key, in the
    order they were added (a municipality whose workbooks were removed stays, to be emptied)."""
    context = reference_context()
    for key in instance.get_dynamic_partitions(PARTITIONS.name):
        code = partition_code(key)
        if code and key != municipality_partition(code, context.municipalities):
            # named by an older rule (a bare code): its municipality loads under its name now
            instance.delete_dynamic_partition(PARTITIONS.name, key)
    known = set(instance.get_dynamic_partitions(PARTITIONS.name))
    new = [key for key in partition_keys(sources_dir, context) if key not in known]
    if new:
        instance.add_dynamic_partitions(PARTITIONS.name, new)
    return list(instance.get_dynamic_partitions(PARTITIONS.name))


def materialize_everything(
    instance: dg.DagsterInstance, resources: dict[str, object] | None = None
) -> list[dg.ExecuteInProcessResult]:
    """The workbook load over every partition, then ``build_all``; each run's result. A failed
    run stops the build: the next one would only work on what the failure left unpublished."""
    keys = register_partitions(instance, _sources_dir(resources))
    plan = []
    if keys:  # every municipality in one run, as a single-run backfill from the UI does
        tags = {PARTITION_RANGE_START: keys[0], PARTITION_RANGE_END: keys[-1]}
        plan.append(("load_spreadsheets", tags))
    plan.append(("build_all", {}))
    results = []
    for job, tags in plan:
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, resources=resources, raise_on_error=False, run_config=QUIET,
            tags=tags,
        )
        results.append(result)
        if not result.success:
            break
    return results


def failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    """What went wrong in a run, in the failing step's or resource's own words."""
    messages = []
    for event in result.all_events:
        data = event.event_specific_data
        error = getattr(data, "error", None)
        if event.is_step_failure or event.event_type_value == "RESOURCE_INIT_FAILURE":
            where = event.step_key or "resources"
            messages.append(f"{where}: {error.message.strip() if error else event.message}")
    if not messages and not result.success:
        messages.append(f"run {result.run_id} failed")
    return messages


def wait_for_other_runs(instance: dg.DagsterInstance, wait_seconds: float) -> list[dg.DagsterRun]:
    """Runs still in progress after waiting up to ``wait_seconds`` (dead ones marked failed)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        runs.fail_dead_runs(instance)
        busy = runs.in_progress(instance)
        if not busy or time.monotonic() >= deadline:
            return busy
        time.sleep(2)


def describe(run: dg.DagsterRun) -> str:
    pid = run.tags.get(runs.PID_TAG)
    return f"run {run.run_id} ({run.job_name}, {run.status.value}{f', PID {pid}' if pid else ''})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m asker_pipeline", description=__doc__)
    parser.add_argument(
        "--wait", type=float, default=0.0, help="seconds to wait for a run in progress to end"
    )
    args = parser.parse_args(argv)
    with dg.DagsterInstance.get() as instance:
        busy = wait_for_other_runs(instance, args.wait)
        if busy:
            print(
                "Another run is in progress: "
                + "; ".join(describe(run) for run in busy)
                + ". One run writes the warehouse at a time: wait for it (or run with --wait "
                "SECONDS), or stop it in the Dagster UI (Runs).",
                file=sys.stderr,
            )
            return BUSY
        workers.prewarm()  # GX is imported on another core while the workbooks load
        results = materialize_everything(instance)
    materialized = {
        event.asset_key.to_user_string()
        for result in results
        for event in result.get_asset_materialization_events()
        if event.asset_key
    }
    print(
        f"materialized {len(materialized)} assets ({len(results)} runs) into "
        f"{os.environ['ASKER_WAREHOUSE']}, exports in {os.environ['ASKER_EXPORTS']}"
    )
    failed = [result for result in results if not result.success]
    for result in failed:
        for message in failure_messages(result):
            print(f"FAILED {message}", file=sys.stderr)
    if failed:
        print("Nothing of a failed run was published.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
