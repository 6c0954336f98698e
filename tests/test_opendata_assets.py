"""Open-data assets: the registry, the shipped example snapshots and their labels, offline
materialization into the value model, a refresh through Dagster against a local server, and
the precedence rule between spreadsheet and open-data values."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from replay_server import ReplayServer, Reply, recorded_response

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
from asker_pipeline.resources import ProjectFiles, build_resources
from asker_pipeline.values import model
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


def _refresh_run(tmp_path: Path, warehouse_path: Path, server: ReplayServer):
    sources = _sources_copy(tmp_path)
    files = ProjectFiles(sources_dir=str(sources), exports_dir=str(tmp_path / "exports"))
    resources = build_resources(warehouse=str(warehouse_path), files=files)
    resources["statistics_norway"] = StatisticsNorway(
        base_url=server.url,
        retries=1,
        min_interval_seconds=0.0,
        backoff_seconds=0.001,
        timeout_seconds=2.0,
    )
    result = dg.materialize(
        ASSETS,
        resources=resources,
        run_config={"ops": {"raw__opendata_snapshots": {"config": {"refresh": True}}}},
    )
    return sources, result


def test_failed_refresh_keeps_the_last_good_snapshots_and_reports(tmp_path, warehouse_path):
    before = {
        p.name: p.read_bytes() for p in (SOURCES_DIR / "opendata" / "snapshots").glob("*.json")
    }
    with ReplayServer(lambda r: Reply(503, "")) as server:
        sources, result = _refresh_run(tmp_path, warehouse_path, server)
    assert result.success
    after = {p.name: p.read_bytes() for p in (sources / "opendata" / "snapshots").glob("*.json")}
    assert after == before
    event = result.asset_materializations_for_node("raw__opendata_snapshots")[0]
    assert event.metadata["refresh_failures"].value == len(REGISTRY.series)
    assert "HTTP 503" in event.metadata["failures"].value
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        assert conn.execute(
            "SELECT DISTINCT refresh_outcome FROM raw.opendata_snapshots"
        ).fetchall() == [("failed",)]
        assert conn.execute("SELECT count(*) FROM raw.opendata_values").fetchone()[0] > 0


def test_successful_refresh_writes_real_provenance(tmp_path, warehouse_path):
    with ReplayServer(recorded_response) as server:
        sources, result = _refresh_run(tmp_path, warehouse_path, server)
    assert result.success
    assert len(server.data_requests) == len(REGISTRY.series)
    assert [r for r in server.requests if r.is_probe] == server.requests[:1]
    snapshot = read_snapshot(REGISTRY.series["population"], sources)
    assert not snapshot.is_example and snapshot.provenance["retrieved_at"]
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        assert conn.execute(
            "SELECT bool_or(is_example), count(*) > 0, bool_and(retrieved_at IS NOT NULL)"
            " FROM raw.opendata_values"
        ).fetchone() == (False, True, True)


def test_spreadsheet_beats_open_data_and_both_rows_are_kept(resources, warehouse_path):
    assert dg.materialize(ASSETS, resources=resources).success
    with duckdb.connect(str(warehouse_path)) as conn:
        conn.execute(f"CREATE TABLE raw.test_spreadsheet ({model.ddl()})")
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
