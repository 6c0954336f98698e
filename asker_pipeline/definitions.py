"""The code location: every asset, check, job, schedule, sensor and resource, assembled once.

Each concern contributes its own small ``Definitions`` (imported as a module: Dagster allows one
``Definitions`` object at module scope here). Policy that applies to all of them is set here, once:
the owner of every asset, each table's declared column schema (``schema/``), the automation
conditions that let a change flow downstream by itself (``automation.py``), the resources and the
single-process executor that keeps DuckDB to one writer. Nothing here imports great_expectations:
checks import it when they run."""

import warnings

import dagster as dg

from asker_pipeline.settings import apply_defaults

apply_defaults()  # before any EnvVar resolves: the shell's values win, then the defaults

from asker_pipeline import automation, jobs, resources, runs  # noqa: E402
from asker_pipeline.exports import assets as exports  # noqa: E402
from asker_pipeline.opendata import assets as opendata  # noqa: E402
from asker_pipeline.quality import assets as quality  # noqa: E402
from asker_pipeline.reference import assets as reference  # noqa: E402
from asker_pipeline.schema import TABLES  # noqa: E402
from asker_pipeline.scoring import assets as scoring  # noqa: E402
from asker_pipeline.spreadsheets import assets as spreadsheets  # noqa: E402
from asker_pipeline.values import assets as values  # noqa: E402

#: Who answers for the assets (shown on every asset in the UI).
OWNERS = ["team:asker-data"]
_DECLARED = {table.asset_key: table for table in TABLES.values()}


def apply_policy(spec: dg.AssetSpec) -> dg.AssetSpec:
    """Owner, declared columns (visible before the first run) and automation, on every asset."""
    table = _DECLARED.get(spec.key)
    spec = spec.replace_attributes(
        owners=OWNERS, automation_condition=automation.condition_for(spec)
    )
    return spec.merge_attributes(metadata=table.asset_metadata()) if table else spec


with warnings.catch_warnings():
    # map_resolved_asset_specs is a "preview" API (the pattern dagster-open-platform uses for
    # policy on every asset): its warning would print on every make run and code-location load.
    warnings.simplefilter("ignore", dg.PreviewWarning)
    defs = dg.Definitions.merge(
        reference.defs,
        values.defs,
        spreadsheets.defs,
        opendata.defs,
        quality.defs,
        scoring.defs,
        exports.defs,
        dg.Definitions(
            jobs=[jobs.build_all],
            sensors=[automation.sensor, runs.dead_run_sensor],
            resources=resources.build_resources(),
            # One process per run: DuckDB takes one writer per file (see README, "Warehouse").
            executor=dg.in_process_executor,
        ),
    ).map_resolved_asset_specs(func=apply_policy)
