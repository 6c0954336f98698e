"""The code location: every asset, check, job, schedule, sensor and resource, assembled once.

Each concern contributes its own small ``Definitions``; policy that applies to all of them
(resources, the single-process executor that keeps DuckDB to one writer) is set here.
Nothing here imports great_expectations: checks import it when they run."""

import dagster as dg

from asker_pipeline.jobs import build_all
from asker_pipeline.quality.assets import defs as quality_defs
from asker_pipeline.reference.assets import defs as reference_defs
from asker_pipeline.resources import build_resources
from asker_pipeline.values.assets import defs as values_defs

defs = dg.Definitions.merge(
    reference_defs,
    values_defs,
    quality_defs,
    dg.Definitions(
        jobs=[build_all],
        resources=build_resources(),
        # One process per run: DuckDB takes one writer per file (see README, "Warehouse").
        executor=dg.in_process_executor,
    ),
)
