"""``make run``: materialize every asset on the bundled example data.

Two steps, because partitioned and unpartitioned assets cannot share one run:

1. **Workbooks, per municipality.** The spreadsheet load (``raw/spreadsheet_values``,
   ``..._quarantine``, ``..._loads``) has one dynamic partition per municipality. The partitions
   for the workbooks found in ``<sources>/spreadsheets/`` are registered (a new partner's workbook
   just adds one), and ``load_spreadsheets`` runs once over the range of every registered partition
   (as a single-run backfill does), so a municipality whose workbooks were removed is emptied too
   and the checks on the loaded table run once, not once per municipality.
2. **Everything else.** ``build_all`` materializes every unpartitioned asset, in dependency
   order; ``staging/kpi_values`` reads the tables step 1 wrote.

Runs are recorded in the Dagster instance (``DAGSTER_HOME``, set by the Makefile), so they show
up in the UI afterwards. Exits non-zero when any step fails."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from asker_pipeline.resources import ENV_DEFAULTS

for _name, _default in ENV_DEFAULTS.items():
    os.environ.setdefault(_name, _default)

from asker_pipeline.definitions import defs  # noqa: E402  (after the defaults are set)
from asker_pipeline.spreadsheets.assets import PARTITIONS, reference_context  # noqa: E402
from asker_pipeline.spreadsheets.store import partition_keys  # noqa: E402


def instance() -> dg.DagsterInstance:
    return (
        dg.DagsterInstance.get()
        if os.environ.get("DAGSTER_HOME")
        else dg.DagsterInstance.ephemeral()
    )


#: Console logs at INFO: Dagster's DEBUG events drown what a person wants to see.
QUIET = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def _sources_dir(resources: dict[str, object] | None) -> Path:
    if resources and "files" in resources:
        return Path(resources["files"].sources_dir)
    return Path(os.environ["ASKER_SOURCES"])


def materialize_everything(
    dagster_instance: dg.DagsterInstance, resources: dict[str, object] | None = None
) -> list[dg.ExecuteInProcessResult]:
    """Step 1 (one run over every workbook partition), then step 2 (``build_all``); each run's result."""
    found = partition_keys(_sources_dir(resources), reference_context())
    known = set(dagster_instance.get_dynamic_partitions(PARTITIONS.name))
    new = [key for key in found if key not in known]
    if new:
        dagster_instance.add_dynamic_partitions(PARTITIONS.name, new)
    results = []
    keys = dagster_instance.get_dynamic_partitions(PARTITIONS.name)  # in the order they were added
    if keys:  # every municipality in one run, as a single-run backfill from the UI does
        results.append(
            defs.resolve_job_def("load_spreadsheets").execute_in_process(
                instance=dagster_instance,
                resources=resources,
                raise_on_error=False,
                run_config=QUIET,
                tags={
                    ASSET_PARTITION_RANGE_START_TAG: keys[0],
                    ASSET_PARTITION_RANGE_END_TAG: keys[-1],
                },
            )
        )
    results.append(
        defs.resolve_job_def("build_all").execute_in_process(
            instance=dagster_instance, resources=resources, raise_on_error=False, run_config=QUIET
        )
    )
    return results


def main() -> int:
    with instance() as dagster_instance:
        results = materialize_everything(dagster_instance)
    materialized = [
        event.asset_key.to_user_string()
        for result in results
        for event in result.get_asset_materialization_events()
        if event.asset_key
    ]
    print(
        f"materialized {len(set(materialized))} assets ({len(results)} runs) "
        f"into {os.environ.get('ASKER_WAREHOUSE')}"
    )
    failed = False
    for result in results:
        if not result.success:
            failed = True
            for event in result.all_events:
                if event.is_step_failure:
                    print(
                        f"FAILED {event.step_key}: {event.event_specific_data.error.message}",
                        file=sys.stderr,
                    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
