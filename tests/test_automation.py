"""Changes flow by themselves: a loaded workbook brings staging, then everything downstream,
each once; a failing blocking check on staging stops the flow there. Evaluated with Dagster's
public testing API against the real code location."""

from __future__ import annotations

import dagster as dg
import pytest

from asker_pipeline.definitions import defs
from asker_pipeline.schema import tables
from asker_pipeline.spreadsheets.assets import LOAD_KEYS, PARTITIONS

STAGING = tables.KPI_VALUES.asset_key
SPECS = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
CHECKS = [key for key in defs.resolve_asset_graph().asset_check_keys if key.asset_key == STAGING]
DOWNSTREAM_OF_STAGING = {
    tables.KPI_SCORES.asset_key,
    tables.ROLLUP_SCORES.asset_key,
    tables.ZERO_POINT.asset_key,
    tables.PEER_COMPARISON.asset_key,
    tables.DATA_QUALITY_REPORT.asset_key,
    dg.AssetKey(["exports", "excel"]),
    dg.AssetKey(["exports", "parquet"]),
}


class Tick:
    """An instance with example partitions, and one automation evaluation after another."""

    def __init__(self) -> None:
        self.instance = dg.DagsterInstance.ephemeral()
        self.instance.add_dynamic_partitions(PARTITIONS.name, ["3203", "3201"])
        self.cursor = None

    def materialize(self, key: dg.AssetKey, partition: str | None = None) -> None:
        self.instance.report_runless_asset_event(
            dg.AssetMaterialization(asset_key=key, partition=partition)
        )

    def check(self, passed: bool) -> None:
        for key in CHECKS:
            self.instance.report_runless_asset_event(
                dg.AssetCheckEvaluation(
                    asset_key=key.asset_key,
                    check_name=key.name,
                    passed=passed,
                    severity=dg.AssetCheckSeverity.ERROR,
                )
            )

    def evaluate(self) -> set[dg.AssetKey]:
        result = dg.evaluate_automation_conditions(
            defs=defs, instance=self.instance, cursor=self.cursor
        )
        self.cursor = result.cursor
        return {key for key in SPECS if result.get_num_requested(key)}


@pytest.fixture
def built() -> Tick:
    """Everything materialized once, its checks passed (as after `make run`)."""
    tick = Tick()
    tick.evaluate()
    for key, spec in SPECS.items():
        for partition in ("3203", "3201") if spec.partitions_def else (None,):
            tick.materialize(key, partition)
    tick.check(passed=True)
    assert tick.evaluate() == set()  # nothing to do after a full build
    return tick


def test_a_loaded_workbook_brings_staging_and_everything_downstream_once(built):
    for key in LOAD_KEYS:  # the sensor loaded Asker's new workbook
        built.materialize(key, "3203")
    requested = built.evaluate()  # one run: staging, its checks, then what follows
    assert {STAGING} | DOWNSTREAM_OF_STAGING <= requested
    assert not (set(LOAD_KEYS) & requested)
    assert not any(key.path[0] == "reference" for key in requested)
    for key in requested:  # that run done, its checks passed: nothing is requested twice
        built.materialize(key)
    built.check(passed=True)
    assert built.evaluate() == set()


def test_after_a_blocking_failure_nothing_downstream_is_requested(built):
    for key in LOAD_KEYS:
        built.materialize(key, "3201")
    assert STAGING in built.evaluate()
    # In that run staging's blocking check failed, so the steps after it were skipped
    # (tests/test_quality_checks.py shows that inside a run).
    built.materialize(STAGING)
    built.check(passed=False)
    assert built.evaluate() == set()
    assert built.evaluate() == set()  # and it stays stopped
    # A corrected workbook: staging runs again, and only once its checks pass does the rest.
    for key in LOAD_KEYS:
        built.materialize(key, "3201")
    assert built.evaluate() == {STAGING}
    built.materialize(STAGING)
    built.check(passed=True)
    assert DOWNSTREAM_OF_STAGING <= built.evaluate()


def test_open_data_refresh_flows_to_staging():
    tick = Tick()
    tick.evaluate()
    for key, spec in SPECS.items():
        for partition in ("3203", "3201") if spec.partitions_def else (None,):
            tick.materialize(key, partition)
    tick.check(passed=True)
    tick.evaluate()
    tick.materialize(tables.OPENDATA_SNAPSHOTS.asset_key)
    requested = tick.evaluate()
    assert {
        tables.OPENDATA_OBSERVATIONS.asset_key,
        tables.OPENDATA_SERIES.asset_key,
        tables.OPENDATA_VALUES.asset_key,
        STAGING,
    } <= requested


def test_entry_points_have_no_condition_and_the_sensor_is_on_by_default():
    for key, spec in SPECS.items():
        assert (spec.automation_condition is None) == (not spec.deps), key
    sensor = next(s for s in defs.sensors if s.name == "automation")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
