"""The whole graph materializes into a temporary warehouse and the tables hold what they should."""

import dagster as dg
import duckdb

from asker_pipeline.build import materialize_everything


def test_full_materialization(resources, warehouse_path):
    results = materialize_everything(dg.DagsterInstance.ephemeral(), resources)
    assert all(r.success for r in results)
    result = results[-1]  # build_all; the one before loads every municipality's workbooks
    assert len(results) == 2

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
        # the example workbooks, through the spreadsheet load, into the common value model
        assert conn.execute(
            "SELECT count(DISTINCT municipality_code), count(DISTINCT year), bool_and(is_example)"
            " FROM staging.kpi_values WHERE source_kind = 'spreadsheet'"
        ).fetchone() == (5, 2, True)
        value, note = conn.execute(
            "SELECT value, note FROM staging.kpi_values WHERE municipality_code = '1103'"
            " AND year = 2019 AND kpi_code = 'EC: P: EM: 1C'"
        ).fetchone()
        assert value == 2.74 and "U4SSC Verification Report, Stavanger" in note

    catalogue_event = [e for e in result.get_asset_materialization_events() if e.asset_key.path == ["reference", "kpi_catalogue"]][0].materialization
    assert catalogue_event.metadata["dagster/row_count"].value == 91
    assert "preview" in catalogue_event.metadata and "catalogue_version" in catalogue_event.metadata

    # every materialization carries metadata a person can judge in the UI
    events = [e for r in results for e in r.get_asset_materialization_events()]
    for event in events:
        metadata, key = event.materialization.metadata, event.asset_key.to_user_string()
        assert "dagster/row_count" in metadata or "dagster/partition_row_count" in metadata, key
        assert "dagster/column_schema" in metadata, key
        assert "preview" in metadata, key


def test_rematerializing_replaces_rather_than_appends(resources, warehouse_path):
    instance = dg.DagsterInstance.ephemeral()
    counts = []
    for _ in range(2):
        assert all(r.success for r in materialize_everything(instance, resources))
        with duckdb.connect(str(warehouse_path), read_only=True) as conn:
            assert conn.execute("SELECT count(*) FROM reference.kpi_catalogue").fetchone() == (91,)
            counts.append(
                conn.execute(
                    "SELECT (SELECT count(*) FROM staging.kpi_values),"
                    " (SELECT count(*) FROM raw.spreadsheet_quarantine),"
                    " (SELECT count(*) FROM raw.spreadsheet_loads)"
                ).fetchone()
            )
    assert counts[0] == counts[1] and counts[0][0] > 1000
