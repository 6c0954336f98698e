"""Dagster asset checks for any table in the common value model.

``value_table_checks(key)`` declares one check per rule: each ``meta.check`` of
expectations/kpi_values.json (blocking, ERROR: the value is unusable, scoring must not run on it)
and each rule of expectations/plausibility.json (WARN, not blocking: review the figure). The rules
are read from the JSON files when the code location loads (standard library only); GX is imported
when the check runs. Attach the same checks to another value table with one line:
``value_table_checks(dg.AssetKey(["raw", "spreadsheet_values"]))``."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from asker_pipeline.quality import report, suites
from asker_pipeline.quality.outcomes import RuleOutcome, evaluate_value_table
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import ProjectFiles, WarehouseResource

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


def read_table(warehouse: WarehouseResource, table: str):
    with warehouse.get_connection() as conn:
        return conn.execute(f"SELECT * FROM {table}").df()


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
    def _quality_checks(warehouse: WarehouseResource, files: ProjectFiles):
        outcomes = evaluate_value_table(read_table(warehouse, table), table)
        if any(o.rule.severity == "ERROR" and not o.passed for o in outcomes):
            # Nothing downstream runs now, the report asset included: record this validation
            # in the report so it never shows an earlier run's passes.
            with warehouse.get_connection() as conn:
                report.write(
                    conn, outcomes, load_municipalities().network_codes, Path(files.exports_dir)
                )
        for outcome in outcomes:
            yield check_result(asset_key, outcome)

    return _quality_checks
