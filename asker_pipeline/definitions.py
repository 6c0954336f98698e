"""The code location: every asset, check, job, schedule, sensor and resource, assembled once.

Each concern contributes its own small ``Definitions`` (imported as a module: Dagster allows one
``Definitions`` object at module scope here); policy that applies to all of them (resources, the
single-process executor that keeps DuckDB to one writer) is set here. Nothing here imports
great_expectations: checks import it when they run."""

import dagster as dg

from asker_pipeline import jobs, resources
from asker_pipeline.exports import assets as exports
from asker_pipeline.opendata import assets as opendata
from asker_pipeline.quality import assets as quality
from asker_pipeline.reference import assets as reference
from asker_pipeline.scoring import assets as scoring
from asker_pipeline.spreadsheets import assets as spreadsheets
from asker_pipeline.values import assets as values

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
        resources=resources.build_resources(),
        # One process per run: DuckDB takes one writer per file (see README, "Warehouse").
        executor=dg.in_process_executor,
    ),
)
