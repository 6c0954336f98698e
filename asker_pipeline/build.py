"""``make run``: materialize every asset on the bundled example data.

Runs are recorded in the Dagster instance (``DAGSTER_HOME``, set by the Makefile), so they show
up in the UI afterwards. Exits non-zero when any step fails."""

from __future__ import annotations

import os
import sys

import dagster as dg

from asker_pipeline.resources import ENV_DEFAULTS

for _name, _default in ENV_DEFAULTS.items():
    os.environ.setdefault(_name, _default)

from asker_pipeline.definitions import defs  # noqa: E402  (after the defaults are set)


def instance() -> dg.DagsterInstance:
    return (
        dg.DagsterInstance.get()
        if os.environ.get("DAGSTER_HOME")
        else dg.DagsterInstance.ephemeral()
    )


def main() -> int:
    with instance() as dagster_instance:
        result = defs.resolve_job_def("build_all").execute_in_process(
            instance=dagster_instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    materialized = [
        event.asset_key.to_user_string()
        for event in result.get_asset_materialization_events()
        if event.asset_key
    ]
    print(f"materialized {len(materialized)} assets into {os.environ.get('ASKER_WAREHOUSE')}")
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                print(
                    f"FAILED {event.step_key}: {event.event_specific_data.error.message}",
                    file=sys.stderr,
                )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
