"""The whole graph materializes into a temporary warehouse and the tables hold what they should."""

import dagster as dg
import duckdb

from asker_pipeline.definitions import defs


def test_full_materialization(resources, warehouse_path):
    job = defs.resolve_job_def("build_all")
    result = job.execute_in_process(resources=resources, instance=dg.DagsterInstance.ephemeral())
    assert result.success

    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM reference.kpi_catalogue").fetchone() == (91,)
        assert conn.execute(
            "SELECT name FROM reference.municipalities WHERE role = 'subject'"
        ).fetchone() == ("Asker",)
        assert conn.execute(
            "SELECT current_code FROM reference.municipality_codes WHERE code = '0220'"
        ).fetchone() == ("3203",)
        columns = [r[0] for r in conn.execute("DESCRIBE staging.kpi_values").fetchall()]
        assert columns[:4] == ["municipality_code", "source_municipality_code", "year", "kpi_code"]
        assert "is_selected" in columns

    catalogue_event = result.asset_materializations_for_node("reference__kpi_catalogue")[0]
    assert catalogue_event.metadata["dagster/row_count"].value == 91
    assert "preview" in catalogue_event.metadata and "catalogue_version" in catalogue_event.metadata


def test_rematerializing_replaces_rather_than_appends(resources, warehouse_path):
    job = defs.resolve_job_def("build_all")
    for _ in range(2):
        assert job.execute_in_process(resources=resources).success
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM reference.kpi_catalogue").fetchone() == (91,)


def test_every_materialization_carries_metadata_a_person_can_judge(resources):
    result = defs.resolve_job_def("build_all").execute_in_process(resources=resources)
    events = result.get_asset_materialization_events()
    assert events
    for event in events:
        metadata = event.materialization.metadata
        key = event.asset_key.to_user_string()
        assert "dagster/row_count" in metadata, key
        assert "dagster/column_schema" in metadata, key
        assert "preview" in metadata, key
