"""Loading a municipality's workbooks into the warehouse: nothing lost, nothing duplicated,
replacements recorded; the partitioned asset and the sensor."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from asker_pipeline.definitions import defs
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import ProjectFiles, build_resources
from asker_pipeline.spreadsheets.assets import PARTITIONS, spreadsheet_sensor
from asker_pipeline.spreadsheets.read import ReadContext
from asker_pipeline.spreadsheets.store import load_partition, partition_keys
from asker_pipeline.spreadsheets.template import build_workbook, fill_workbook, write_workbook
from asker_pipeline.warehouse import connect_warehouse

CATALOGUE = load_catalogue()
CONTEXT = ReadContext(CATALOGUE, load_municipalities())
UNEMPLOYMENT = ("EC: P: EM: 1C", "main")
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def put(sources: Path, name: str, value, code="3203", year=2019, mtime: int | None = None) -> Path:
    book = fill_workbook(
        build_workbook(CATALOGUE, code, name, year), {UNEMPLOYMENT: {"value": value}}
    )
    path = write_workbook(book, sources / "spreadsheets" / name)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def tables(conn):
    return {
        t: conn.execute(f"SELECT * FROM raw.{t} ORDER BY ALL").fetchall()
        for t in ("spreadsheet_values", "spreadsheet_quarantine", "spreadsheet_loads")
    }


def unemployment(conn, year=2019):
    return conn.execute(
        "SELECT value FROM raw.spreadsheet_values WHERE kpi_code = ? AND year = ?",
        [UNEMPLOYMENT[0], year],
    ).fetchall()


@pytest.fixture
def conn(tmp_path):
    with connect_warehouse(tmp_path / "w.duckdb") as connection:
        yield connection


def test_loading_the_same_workbooks_twice_changes_nothing(tmp_path, conn):
    put(tmp_path, "3203_asker_2019.xlsx", 2.5)
    put(tmp_path, "3203_asker_2023.xlsx", "ca 3", year=2023)
    load_partition(conn, "3203 Asker", tmp_path, CONTEXT, now=T0)
    first = tables(conn)
    load_partition(conn, "3203 Asker", tmp_path, CONTEXT, now=T0 + timedelta(days=1))
    assert tables(conn) == first
    assert len(first["spreadsheet_values"]) == 2 * len(CATALOGUE.data_points) - 1
    assert len(first["spreadsheet_quarantine"]) == 1 and len(first["spreadsheet_loads"]) == 2


def test_a_new_version_replaces_the_old_and_the_replacement_is_recorded(tmp_path, conn):
    old = put(tmp_path, "3203_asker_2019.xlsx", 2.5)
    old_sha = __import__("hashlib").sha256(old.read_bytes()).hexdigest()
    load_partition(conn, "3203 Asker", tmp_path, CONTEXT, now=T0)
    put(tmp_path, "3203_asker_2019.xlsx", 2.1)
    load_partition(conn, "3203 Asker", tmp_path, CONTEXT, now=T0 + timedelta(days=1))
    assert unemployment(conn) == [(2.1,)]
    loads = conn.execute(
        "SELECT replaced_sha256, replaced_file FROM raw.spreadsheet_loads ORDER BY loaded_at"
    ).fetchall()
    assert loads == [(None, None), (old_sha, "spreadsheets/3203_asker_2019.xlsx")]


def test_two_files_for_the_same_year_load_the_newest_and_quarantine_the_other(tmp_path, conn):
    put(tmp_path, "3203_asker_2019.xlsx", 2.5, mtime=1_700_000_000)
    put(tmp_path, "3203_asker_v2_2019.xlsx", 2.2, mtime=1_800_000_000)
    load_partition(conn, "3203 Asker", tmp_path, CONTEXT, now=T0)
    assert unemployment(conn) == [(2.2,)]
    (reason,) = conn.execute("SELECT reason FROM raw.spreadsheet_quarantine").fetchone()
    assert "3203_asker_v2_2019.xlsx is a newer workbook" in reason


def _broken(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 broken")


def _says_another_year(path: Path) -> None:
    put(path.parent.parent, path.name, 2.2, year=2020)


@pytest.mark.parametrize(
    "spoil, reason",
    [(_broken, "corrupt"), (_says_another_year, "says year 2020 but the file name says 2019")],
)
def test_an_unreadable_newer_workbook_is_rejected_alone_and_the_older_stays_loaded(
    tmp_path, conn, spoil, reason
):
    put(tmp_path, "3203_asker_2019.xlsx", 2.5, mtime=1_700_000_000)
    newer = tmp_path / "spreadsheets" / "3203_asker_v2_2019.xlsx"
    spoil(newer)
    os.utime(newer, (1_800_000_000, 1_800_000_000))
    load_partition(conn, "3203 Asker", tmp_path, CONTEXT, now=T0)
    assert unemployment(conn) == [(2.5,)]
    ((file, why),) = conn.execute("SELECT file, reason FROM raw.spreadsheet_quarantine").fetchall()
    assert file == "spreadsheets/3203_asker_v2_2019.xlsx" and reason in why
    assert "newer workbook" not in why
    assert sorted(
        conn.execute("SELECT file, file_rejected FROM raw.spreadsheet_loads").fetchall()
    ) == [
        ("spreadsheets/3203_asker_2019.xlsx", False),
        ("spreadsheets/3203_asker_v2_2019.xlsx", True),
    ]


def test_a_corrupt_file_among_good_ones(tmp_path, conn):
    put(tmp_path, "3203_asker_2019.xlsx", 2.5)
    put(tmp_path, "3201_baerum_2019.xlsx", 2.0, code="3201")
    (tmp_path / "spreadsheets" / "3203_asker_2023.xlsx").write_bytes(b"PK\x03\x04 broken")
    (tmp_path / "spreadsheets" / "notes.txt").write_text("not a workbook")
    keys = partition_keys(tmp_path, CONTEXT)
    assert keys == ["3201 Bærum", "3203 Asker", "unknown"]
    for key in keys:
        load_partition(conn, key, tmp_path, CONTEXT, now=T0)
    assert sorted(
        conn.execute(
            "SELECT municipality_code, value FROM raw.spreadsheet_values WHERE kpi_code = ?",
            [UNEMPLOYMENT[0]],
        ).fetchall()
    ) == [("3201", 2.0), ("3203", 2.5)]
    rejected = dict(conn.execute("SELECT file, reason FROM raw.spreadsheet_quarantine").fetchall())
    assert "corrupt" in rejected["spreadsheets/3203_asker_2023.xlsx"]
    assert "not an Excel workbook" in rejected["spreadsheets/notes.txt"]


def test_removing_a_workbook_removes_its_values_but_keeps_its_history(tmp_path, conn):
    path = put(tmp_path, "3203_asker_2019.xlsx", 2.5)
    load_partition(conn, "3203 Asker", tmp_path, CONTEXT, now=T0)
    path.unlink()
    load_partition(conn, "3203 Asker", tmp_path, CONTEXT, now=T0)
    assert unemployment(conn) == []
    assert conn.execute("SELECT count(*) FROM raw.spreadsheet_loads").fetchone() == (1,)


def test_one_municipality_partition_materializes_alone_and_sensor_notices_changes(tmp_path):
    put(tmp_path, "3203_asker_2019.xlsx", 2.5)
    put(tmp_path, "9001_nyby_2019.xlsx", 1.0, code="9001")  # a partner not yet in the history
    files = ProjectFiles(sources_dir=str(tmp_path))
    resources = build_resources(
        warehouse=str(tmp_path / "w.duckdb"), sources=str(tmp_path), exports=str(tmp_path / "out")
    )
    instance = dg.DagsterInstance.ephemeral()

    with dg.build_sensor_context(instance=instance, resources={"files": files}) as context:
        result = spreadsheet_sensor(context)
    assert sorted(r.partition_key for r in result.run_requests) == ["3203 Asker", "9001"]
    assert result.dynamic_partitions_requests[0].partition_keys == ["3203 Asker", "9001"]
    instance.add_dynamic_partitions(PARTITIONS.name, ["3203 Asker", "9001"])
    with dg.build_sensor_context(
        instance=instance, resources={"files": files}, cursor=result.cursor
    ) as context:
        assert spreadsheet_sensor(context).run_requests == []  # nothing changed

    job = defs.resolve_job_def("load_spreadsheets")
    for key in ("3203 Asker", "9001"):
        assert job.execute_in_process(
            partition_key=key, instance=instance, resources=resources
        ).success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        assert unemployment(conn) == [(2.5,)]
        (reason,) = conn.execute("SELECT reason FROM raw.spreadsheet_quarantine").fetchone()
        assert "9001" in reason and "municipality_codes.csv" in reason


def test_template_asset_writes_a_workbook_per_municipality(tmp_path):
    resources = build_resources(
        warehouse=str(tmp_path / "w.duckdb"), sources=str(tmp_path), exports=str(tmp_path / "exports")
    )
    result = dg.materialize(
        [defs.get_assets_def(dg.AssetKey(["marts", "data_collection_templates"]))],
        resources=resources,
        run_config={"ops": {"marts__data_collection_templates": {"config": {"year": 2024}}}},
    )
    assert result.success
    written = sorted(p.name for p in (tmp_path / "exports" / "templates").iterdir())
    assert written == sorted(
        [
            "3203_asker_2024.xlsx",
            "3201_baerum_2024.xlsx",
            "5001_trondheim_2024.xlsx",
            "1103_stavanger_2024.xlsx",
            "1508_alesund_2024.xlsx",
        ]
    )


def test_parallel_readers_load_exactly_what_one_process_loads(tmp_path, monkeypatch):
    """Many workbooks are parsed in forked workers; the tables must not differ from a serial load."""
    from asker_pipeline.spreadsheets import store

    for i, (code, name) in enumerate(
        [("3203", "asker"), ("3201", "baerum"), ("5001", "trondheim")]
    ):
        put(tmp_path, f"{code}_{name}_2019.xlsx", f"{i + 1},5", code=code, mtime=1_700_000_000)
    put(tmp_path, "1103_stavanger_2019.xlsx", "not a number", code="1103", mtime=1_700_000_000)
    (tmp_path / "spreadsheets" / "1508_alesund_2019.xlsx").write_bytes(b"not a zip")
    keys = partition_keys(tmp_path, CONTEXT)
    loaded = {}
    for parallel_from in (10_000, 2):
        monkeypatch.setattr(store, "PARALLEL_FROM", parallel_from)
        with connect_warehouse(tmp_path / f"w{parallel_from}.duckdb") as connection:
            store.load_partitions(connection, keys, tmp_path, CONTEXT, now=T0)
            loaded[parallel_from] = tables(connection)
    assert loaded[2] == loaded[10_000]
    assert len(loaded[2]["spreadsheet_values"]) > 300 and loaded[2]["spreadsheet_quarantine"]


def test_partitions_are_named_by_municipality_and_old_bare_codes_are_retired(tmp_path):
    from asker_pipeline.build import register_partitions
    from asker_pipeline.spreadsheets.naming import partition_code

    put(tmp_path, "0220_asker_2019.xlsx", 2.5, code="0220")  # a predecessor's code
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(PARTITIONS.name, ["3203"])  # as an older version named it
    assert register_partitions(instance, tmp_path) == ["3203 Asker"]
    assert partition_code("3203 Asker") == "3203" and partition_code("unknown") is None
    resources = build_resources(
        warehouse=str(tmp_path / "w.duckdb"), sources=str(tmp_path), exports=str(tmp_path / "x")
    )
    job = defs.resolve_job_def("load_spreadsheets")
    assert job.execute_in_process(
        partition_key="3203 Asker", instance=instance, resources=resources
    ).success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        assert unemployment(conn) == [(2.5,)]
