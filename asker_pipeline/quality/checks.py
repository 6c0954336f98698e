"""Dagster asset checks for any table in the common value model.

``value_table_checks(key)`` declares one check per rule: each ``meta.check`` of
expectations/kpi_values.json (blocking, ERROR: the value is unusable, scoring must not run on it)
and each rule of expectations/plausibility.json (WARN, not blocking: review the figure). The rules
are read from the JSON files when the code location loads (standard library only); GX is imported
when the check runs. Attach the same checks to another value table with one line:
``value_table_checks(dg.AssetKey(["raw", "spreadsheet_values"]))``."""

from __future__ import annotations

import dagster as dg

from asker_pipeline.quality import suites
from asker_pipeline.quality.outcomes import RuleOutcome, evaluate_value_table
from asker_pipeline.resources import Warehouse
from asker_pipeline.schema import table as declared
from asker_pipeline.warehouse import read_table

FIRST_ROWS = 10


def all_rules() -> list[suites.Rule]:
    return suites.suite_rules(suites.load(suites.VALUE_SUITE)) + suites.plausibility_rules(
        suites.load(suites.PLAUSIBILITY)
    )


def check_result(asset_key: dg.AssetKey, outcome: RuleOutcome) -> dg.AssetCheckResult:
    """A result a person can act on: the rule, how many rows failed, the first of them."""
    failing = outcome.failing
    metadata = {
        "rule": outcome.rule.description,
        "failing_rows": len(failing),
        "checked_rows": outcome.checked_rows,
        "first_failing_rows": dg.MetadataValue.md(
            failing.head(FIRST_ROWS).to_markdown(index=False) if len(failing) else "_(none)_"
        ),
    }
    if outcome.problems:
        metadata["problems"] = "; ".join(outcome.problems)
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=outcome.rule.check,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity[outcome.rule.severity],
        metadata=metadata,
    )


#: Rows in one fixed order, so "the first failing row" is the same in every run.
ROW_ORDER = "municipality_code, year, kpi_code, data_point, source_kind, source_ref"


def read_values(warehouse: Warehouse, table: str):
    with warehouse.get_connection() as conn:
        return read_table(conn, declared(table), order_by=ROW_ORDER)


def value_table_checks(asset_key: dg.AssetKey) -> dg.AssetChecksDefinition:
    """Every data-quality rule as asset checks on the value-model table ``asset_key``."""
    table = ".".join(asset_key.path)
    specs = [
        dg.AssetCheckSpec(
            rule.check,
            asset=asset_key,
            description=f"[{rule.severity}] {rule.description}",
            blocking=rule.severity == "ERROR",
        )
        for rule in all_rules()
    ]

    @dg.multi_asset_check(specs=specs, name=f"{'__'.join(asset_key.path)}__quality")
    def _quality_checks(warehouse: Warehouse):
        # A failing blocking check fails the run, so nothing of it is published: the report
        # keeps showing the last published validation, and these results show in the UI.
        for outcome in evaluate_value_table(read_values(warehouse, table), table):
            yield check_result(asset_key, outcome)

    return _quality_checks
