"""Validate a pandas frame against a GX 1.x suite (a dict as stored in ``expectations/``).

``great_expectations`` costs seconds and hundreds of MB to import, so it is never imported where
the code location loads: a validation runs in a worker process (``asker_pipeline.workers``) that
imported GX while the run did its other steps. One ephemeral (in-memory) context per process,
with progress bars and usage analytics off, serves every validation."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

RESULT_FORMAT = {"result_format": "COMPLETE", "include_unexpected_rows": False}


def _context():
    """An in-memory GX context: no files, no progress bars, no usage analytics."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


@lru_cache(maxsize=1)
def _batch_definition():
    asset = _context().data_sources.add_pandas("frames").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole frame")


def _error_message(info: dict | None) -> str | None:
    """GX's exception message, whether ``exception_info`` is flat or keyed by metric."""
    if not info:
        return None
    nested = [v for v in info.values() if isinstance(v, dict)]
    entries = [info] if "raised_exception" in info else nested
    messages = [e.get("exception_message") for e in entries if e.get("raised_exception")]
    return messages[0].splitlines()[0] if messages and messages[0] else None


def validate(
    frame: pd.DataFrame, suite: dict, parameters: dict[str, Any] | None = None
) -> list[dict]:
    """Run every expectation of ``suite`` on ``frame`` in one pass, in a worker process."""
    from asker_pipeline import workers

    return workers.call(validate_here, frame, suite, parameters)


def validate_here(
    frame: pd.DataFrame, suite: dict, parameters: dict[str, Any] | None = None
) -> list[dict]:
    """Run every expectation of ``suite`` on ``frame`` in one pass, in this process.

    Returns one dict per expectation, in suite order: ``meta`` (from the suite), ``columns``
    (the columns it looks at, or the ones its ``meta.cells`` names), ``success``,
    ``unexpected_index_list`` (row labels of ``frame`` that failed; empty for table-level rules),
    ``observed_value`` and ``error`` (GX's exception message, if the expectation could not run)."""
    from great_expectations.core.expectation_suite import ExpectationSuite

    gx_suite = ExpectationSuite(**suite)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        gx_suite, expectation_parameters=parameters or {}, result_format=RESULT_FORMAT
    )
    outcomes = []
    for item in result.results:
        details = item.result or {}
        error = _error_message(item.exception_info)
        kwargs = item.expectation_config.kwargs
        meta = dict(item.expectation_config.meta or {})
        columns = meta.get("cells") or [
            kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)
        ]
        outcomes.append(
            {
                "meta": meta,
                "columns": columns or list(kwargs.get("column_list") or []),
                "success": bool(item.success),
                "unexpected_index_list": list(details.get("unexpected_index_list") or []),
                "observed_value": details.get("observed_value"),
                "error": error,
            }
        )
    return outcomes


def build_data_docs(
    frame: pd.DataFrame, suite: dict, parameters: dict[str, Any], table: str, directory: Path
) -> None:
    """Validate once more through a checkpoint that renders GX Data Docs (HTML) into
    ``directory`` (index.html). Opt-in: rendering costs seconds."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.core.expectation_suite import ExpectationSuite

    context = _context()
    context.add_data_docs_site(
        site_name="warehouse",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(directory),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    batch = context.data_sources.add_pandas("frames").add_dataframe_asset(table)
    definition = batch.add_batch_definition_whole_dataframe("whole table")
    gx_suite = context.suites.add(ExpectationSuite(**suite))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=table, data=definition, suite=gx_suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"{table} quality",
            validation_definitions=[validation],
            actions=[UpdateDataDocsAction(name="data docs")],
            result_format=RESULT_FORMAT,
        )
    )
    checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters)
