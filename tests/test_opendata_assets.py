"""Open-data assets: the registry, the shipped example snapshots and their labels, offline
materialization into the value model, a refresh through Dagster against a local server, and
the precedence rule between spreadsheet and open-data values. A refresh that fails, for one
series or all, fails the run (``make run`` exits non-zero) and leaves the last good snapshots
byte-identical and the warehouse as it was."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from replay_server import ReplayServer, Reply, recorded_response, unreachable_url

from asker_pipeline.filesystem import sha256_file
from asker_pipeline.opendata import jsonstat
from asker_pipeline.opendata.assets import (
    OpenDataConfig,
    opendata_snapshots,
    opendata_tables,
    refresh_requested,
)
from asker_pipeline.opendata.client import StatisticsNorway
from asker_pipeline.opendata.registry import REGISTRY_FILE, RegistryError, load_registry
from asker_pipeline.opendata.snapshots import read_snapshot
from asker_pipeline.paths import SOURCES_DIR
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.resources import build_resources
from asker_pipeline.schema import tables
from asker_pipeline.values.assets import VALUE_SOURCES, kpi_values, stack_sql

REGISTRY = load_registry(SOURCES_DIR / REGISTRY_FILE, load_catalogue())
ASSETS = [opendata_snapshots, opendata_tables, kpi_values]


def test_registry_covers_denominators_and_the_named_kpis():
    assert {"population", "households"} <= set(REGISTRY.series)
    assert {s.role for s in REGISTRY.series.values()} == {"numerator", "denominator", "kpi"}
    codes = {k.kpi_code for k in REGISTRY.kpis}
    assert {"EC: P: EM: 1C", "EC: P: EM: 2C", "SC: EH: ED: 3C"} <= codes
    assert all(s.certainty in {"V", "V3", "U"} for s in REGISTRY.series.values())
    assert REGISTRY.years[0] == 2019 and REGISTRY.years[-1] >= 2023


def test_registry_rejects_an_unknown_series(tmp_path):
    text = (SOURCES_DIR / REGISTRY_FILE).read_text(encoding="utf-8")
    bad = tmp_path / "registry.yaml"
    bad.write_text(text.replace("denominator: population", "denominator: populaton"), "utf-8")
    with pytest.raises(RegistryError, match="unknown series 'populaton'"):
        load_registry(bad)


@pytest.mark.parametrize("key", sorted(REGISTRY.series))
def test_shipped_snapshots_are_labelled_example_pxwebapi_responses(key):
    snapshot = read_snapshot(REGISTRY.series[key], SOURCES_DIR)
    doc = snapshot.doc
    assert doc["version"] == "2.0" and doc["class"] == "dataset"
    assert snapshot.is_example and doc["label"].startswith("EXAMPLE DATA")
    assert any("EXAMPLE DATA" in note for note in doc["note"])
    frame = jsonstat.decode(doc)
    assert set(frame["Tid"]) == {str(y) for y in REGISTRY.years}
    assert frame["Region"].str.fullmatch(r"(K-)?\d{4}").all()  # codes stay strings


def test_refresh_switch_reads_config_and_environment(monkeypatch):
    monkeypatch.delenv("ASKER_OPENDATA_REFRESH", raising=False)
    assert not refresh_requested(OpenDataConfig())
    assert refresh_requested(OpenDataConfig(refresh=True))
    monkeypatch.setenv("ASKER_OPENDATA_REFRESH", "1")
    assert refresh_requested(OpenDataConfig())


def test_offline_materialization_lands_in_the_value_model(resources, warehouse_path, monkeypatch):
    monkeypatch.delenv("ASKER_OPENDATA_REFRESH", raising=False)
    assert dg.AssetKey(["raw", "opendata_values"]) in VALUE_SOURCES
    result = dg.materialize(ASSETS, resources=resources)
    assert result.success
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        rows = conn.execute(
            "SELECT municipality_code, source_municipality_code, value, status, is_example, note,"
            " provider, table_id, source_file FROM staging.kpi_values"
            " WHERE source_kind = 'open_data'"
            " AND kpi_code = 'EC: P: EM: 1C' AND year = 2019 AND municipality_code = '3203'"
        ).fetchall()
        assert len(rows) == 1
        code, source_code, value, status, is_example, note, provider, table, file = rows[0]
        assert source_code == "0220+0627+0628" and status == "reported" and 0 < value < 10
        assert is_example and note.startswith("EXAMPLE DATA") and provider == "SSB"
        assert table == "13563" and file.startswith("opendata/snapshots/")
        assert conn.execute(
            "SELECT count(*) FROM raw.opendata_values WHERE NOT is_example"
        ).fetchone() == (0,)
        statuses = {
            r[0] for r in conn.execute("SELECT DISTINCT status FROM raw.opendata_values").fetchall()
        }
        assert {"reported", "missing", "confidential"} <= statuses
        denominators = conn.execute(
            "SELECT DISTINCT series_id FROM raw.opendata_series WHERE role = 'denominator'"
        ).fetchall()
        assert {("population",), ("households",)} <= set(denominators)
    snapshots_event = result.asset_materializations_for_node("raw__opendata_snapshots")[0]
    assert snapshots_event.metadata["mode"].value == "offline"
    assert snapshots_event.metadata["example_snapshots"].value == len(REGISTRY.series)


def _sources_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR / "opendata", target / "opendata")
    return target


def _checksums(sources: Path) -> dict[str, str]:
    """sha256 of every snapshot file."""
    return {p.name: sha256_file(p) for p in (sources / "opendata" / "snapshots").glob("*.json")}


def _tables(warehouse_path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            for table in ("raw.opendata_snapshots", "raw.opendata_values", "staging.kpi_values")
        }


def _run(sources: Path, warehouse_path: Path, url: str | None, **settings):
    """Materialize the open-data assets and staging on a copy of the sources: offline when
    ``url`` is None, else a refresh from ``url``. Failures are returned, not raised, as
    ``make run`` sees them."""
    resources = build_resources(
        warehouse=str(warehouse_path), sources=str(sources), exports=str(sources.parent / "exports")
    )
    if url is not None:
        fast = dict(retries=1, min_interval_seconds=0.0, backoff_seconds=0.001, timeout_seconds=2.0)
        resources["statistics_norway"] = StatisticsNorway(base_url=url, **{**fast, **settings})
    config = {"refresh": url is not None}
    return dg.materialize(
        ASSETS,
        resources=resources,
        run_config={"ops": {"raw__opendata_snapshots": {"config": config}}},
        raise_on_error=False,
    )


def _failure(result: dg.ExecuteInProcessResult) -> dg.DagsterEvent:
    (event,) = [e for e in result.all_events if e.is_step_failure]
    assert event.step_key == "raw__opendata_snapshots"
    return event


@pytest.fixture
def built(tmp_path: Path, warehouse_path: Path, monkeypatch) -> Path:
    """A copy of the sources, and a warehouse built offline from it (the last good state)."""
    monkeypatch.delenv("ASKER_OPENDATA_REFRESH", raising=False)
    sources = _sources_copy(tmp_path)
    assert _run(sources, warehouse_path, None).success
    return sources


def test_failed_refresh_fails_the_run_and_changes_nothing(built, warehouse_path):
    snapshots, tables = _checksums(built), _tables(warehouse_path)
    with ReplayServer(lambda r: Reply(503, '{"title":"Service Unavailable"}')) as server:
        result = _run(built, warehouse_path, server.url)
    assert not result.success  # make run exits non-zero
    failure = _failure(result)
    message = failure.step_failure_data.error.message
    assert f"{len(REGISTRY.series)} of {len(REGISTRY.series)} series failed" in message
    # every series is named (series asking the same table by POST share one reason's line)
    lines = [line for line in message.splitlines() if line.startswith("- ")]
    named = {key for line in lines for key in line[2:].split(": ")[0].split(", ")}
    assert named == set(REGISTRY.series)
    assert "HTTP 503 Service Unavailable after 2 attempts" in message
    metadata = failure.step_failure_data.user_failure_data.metadata
    assert metadata["refresh_failures"].value == len(REGISTRY.series)
    assert "`population`" in metadata["failures"].value
    assert not result.get_asset_materialization_events()  # nothing downstream ran
    assert _checksums(built) == snapshots  # the last good snapshots, byte for byte
    assert _tables(warehouse_path) == tables


def test_refresh_without_network_fails_fast(built, warehouse_path):
    snapshots = _checksums(built)
    started = time.monotonic()
    result = _run(
        built, warehouse_path, unreachable_url(), retries=4, backoff_seconds=2.0, timeout_seconds=30
    )
    assert time.monotonic() - started < 10.0
    assert not result.success
    message = _failure(result).step_failure_data.error.message
    assert message.count("cannot reach") == 1  # one probe, one reason for every series
    assert f"- {', '.join(REGISTRY.series)}: cannot reach" in message
    assert _checksums(built) == snapshots


def test_partial_refresh_replaces_the_complete_series_and_fails_the_run(built, warehouse_path):
    before = _checksums(built)

    def population_down(request):
        if "/tables/07459/" in request.path:
            return Reply(503, "")
        return recorded_response(request)

    with ReplayServer(population_down) as server:
        result = _run(built, warehouse_path, server.url)
    assert not result.success
    message = _failure(result).step_failure_data.error.message
    assert f"1 of {len(REGISTRY.series)} series failed" in message and "- population: " in message
    after = _checksums(built)
    assert after["population.json"] == before["population.json"]
    replaced = {name for name in after if after[name] != before[name]}
    assert replaced == {f"{key}.json" for key in REGISTRY.series} - {"population.json"}
    assert not read_snapshot(REGISTRY.series["households"], built).is_example


def test_successful_refresh_writes_real_provenance(built, warehouse_path):
    with ReplayServer(recorded_response) as server:
        result = _run(built, warehouse_path, server.url)
    assert result.success
    assert len(server.data_requests) == len(REGISTRY.series)
    assert [r for r in server.requests if r.is_probe] == server.requests[:1]
    snapshot = read_snapshot(REGISTRY.series["population"], built)
    assert not snapshot.is_example and snapshot.provenance["retrieved_at"]
    event = result.asset_materializations_for_node("raw__opendata_snapshots")[0]
    assert event.metadata["mode"].value == "refresh"
    assert event.metadata["refreshed"].value == len(REGISTRY.series)
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        assert conn.execute(
            "SELECT bool_or(is_example), count(*) > 0, bool_and(retrieved_at IS NOT NULL)"
            " FROM raw.opendata_values"
        ).fetchone() == (False, True, True)
        assert conn.execute(
            "SELECT DISTINCT refresh_outcome FROM raw.opendata_snapshots"
        ).fetchall() == [("refreshed",)]


def test_spreadsheet_beats_open_data_and_both_rows_are_kept(resources, warehouse_path):
    assert dg.materialize(ASSETS, resources=resources).success
    with duckdb.connect(str(warehouse_path)) as conn:
        conn.execute(f"CREATE TABLE raw.test_spreadsheet ({tables.SPREADSHEET_VALUES.ddl()})")
        conn.execute(
            "INSERT INTO raw.test_spreadsheet BY NAME SELECT * REPLACE ("
            " 'spreadsheet' AS source_kind, 'asker_2024.xlsx!B7' AS source_ref, 1.5 AS value,"
            " 'reported' AS status)"
            " FROM raw.opendata_values WHERE municipality_code = '3203' AND year = 2024"
            " AND kpi_code = 'EC: P: EM: 1C'"
        )
        rows = conn.execute(
            f"SELECT source_kind, value, is_selected, superseded_by FROM "
            f"({stack_sql(['raw.opendata_values', 'raw.test_spreadsheet'])}) "
            "WHERE municipality_code = '3203' AND year = 2024 AND kpi_code = 'EC: P: EM: 1C'"
            " ORDER BY source_kind"
        ).fetchall()
    assert len(rows) == 2
    (od_kind, od_value, od_selected, od_by), (ss_kind, ss_value, ss_selected, ss_by) = rows
    assert (od_kind, od_selected, od_by) == ("open_data", False, "asker_2024.xlsx!B7")
    assert od_value is not None and od_value != 1.5
    assert (ss_kind, ss_value, ss_selected, ss_by) == ("spreadsheet", 1.5, True, None)
