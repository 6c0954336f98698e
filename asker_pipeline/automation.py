"""Changes flow by themselves: when an asset is materialized, everything downstream of it follows.

Assets that take their input from outside (workbooks, open-data snapshots, reference CSVs, the
templates) are materialized by a sensor, a schedule or a person. Every asset that depends on
another carries ``FLOW``: it is requested once when any of its upstream assets was updated and
none is still running or missing, and only if every blocking check on its upstream assets passed.
So a new workbook loads (sensor), then staging, quality, scores and exports run in one run;
a failing blocking check on ``staging/kpi_values`` stops the flow there.

Pause it in the UI (Automation, ``automation`` sensor, Stop), or for a whole deployment set the
sensor's default status; ``make run`` does not depend on it."""

from __future__ import annotations

import dagster as dg

FLOW = (
    dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()
).with_label("flows from upstream (eager, blocking checks passed)")

#: How often the automation sensor evaluates the conditions.
INTERVAL_SECONDS = 15


def condition_for(spec: dg.AssetSpec) -> dg.AutomationCondition | None:
    """``FLOW`` for every asset with an upstream asset; None for the entry points."""
    return FLOW if spec.deps else None


sensor = dg.AutomationConditionSensorDefinition(
    "automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=INTERVAL_SECONDS,
    description="Requests every downstream asset once its upstream assets changed (see "
    "asker_pipeline/automation.py). Stop it here to pause automation.",
)
