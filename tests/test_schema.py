"""One declaration per table drives the DDL, the typing of frames and what the UI shows."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from asker_pipeline.definitions import defs
from asker_pipeline.schema import TABLES, tables
from asker_pipeline.schema.columns import VOCABULARY


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_every_column_of_every_table_is_described(table):
    assert table.description.strip()
    for column in table.columns:
        assert len(column.description) > 10 and column.description != column.name, column.name
        if table.exported:  # partners see it: a Norwegian and an English header, bokmål text
            assert column.label_nb and column.label_en and column.description_nb, column.name


def test_a_column_name_means_one_thing_with_one_type():
    for table in TABLES.values():
        for column in table.columns:
            assert column.name in VOCABULARY, f"{table.name}.{column.name} is not in the vocabulary"
            assert column.type == VOCABULARY[column.name].type, f"{table.name}.{column.name}"


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_the_ddl_creates_the_declared_columns(table):
    conn = duckdb.connect()
    conn.execute(f"CREATE SCHEMA {table.name.split('.')[0]}")
    conn.execute(f"CREATE TABLE {table.name} ({table.ddl()})")
    described = conn.execute(f"DESCRIBE {table.name}").fetchall()
    assert [(name, kind, null == "YES") for name, kind, null, *_ in described] == [
        (c.name, c.type, c.nullable) for c in table.columns
    ]


def test_every_table_asset_shows_its_described_columns_before_any_run():
    specs = {spec.key: spec for spec in defs.resolve_all_asset_specs()}
    for table in TABLES.values():
        schema = specs[table.asset_key].metadata["dagster/column_schema"]
        assert [c.name for c in schema.columns] == table.column_names
        assert all(c.description for c in schema.columns), table.name


def test_conform_types_frames_and_names_the_empty_required_cell():
    frame = pd.DataFrame(
        {"alias": ["SC: EH: ED:1C"], "code": [None], "reason": ["a space is missing"]}
    )
    with pytest.raises(ValueError, match=r"reference.kpi_code_aliases row 0: column code"):
        tables.KPI_CODE_ALIASES.conform(frame)
    typed = tables.UNITS.conform(
        pd.DataFrame(
            {"unit": ["percent"], "label_en": ["Percent"], "label_nb": ["Prosent"],
             "min_value": ["0"], "max_value": [100], "kind": ["share"], "notes": [None]}
        )
    )
    assert str(typed["min_value"].dtype) == "Float64" and typed["min_value"][0] == 0.0
    with pytest.raises(ValueError, match="lacks columns"):
        tables.UNITS.conform(pd.DataFrame({"unit": ["percent"]}))
