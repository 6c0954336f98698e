"""One Parquet file per mart table, with the KPI metadata, units and versions in the schema's
key-value metadata (keys ``asker.*``, JSON values) and each column's description, labels and unit
in its field metadata. Deterministic: rows in a fixed order, no
timestamps, so the same table gives the same bytes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from asker_pipeline.exports.dictionary import field_metadata
from asker_pipeline.schema import Table

EXAMPLE_NOTICE = (
    "Rows with is_example = true are bundled example data, not a municipality's real figures."
)


def kpi_metadata(frame: pd.DataFrame, points: pd.DataFrame, units: pd.DataFrame) -> dict[str, str]:
    """Schema metadata for a table: its KPI data points (names, unit, direction, target) and the
    labels of the units it uses. Tables without KPI columns get only the unit list."""
    meta: dict[str, str] = {}
    if {"kpi_code", "data_point"} <= set(frame.columns):
        keys = frame[["kpi_code", "data_point"]].drop_duplicates()
        used = points.merge(keys, on=["kpi_code", "data_point"])
        described = [
            {k: (None if pd.isna(v) else v) for k, v in row.items()}
            for row in used[
                [
                    "kpi_code",
                    "data_point",
                    "kpi_name_en",
                    "kpi_name_nb",
                    "data_point_name_en",
                    "data_point_name_nb",
                    "category_node",
                    "unit",
                    "direction",
                    "target",
                    "lower_bound",
                    "target_source",
                ]
            ]
            .astype(object)
            .to_dict("records")
        ]
        meta["asker.kpi_data_points"] = json.dumps(described, ensure_ascii=False, sort_keys=True)
        unit_keys = sorted(set(used["unit"]))
    else:
        unit_keys = sorted(set(frame["unit"])) if "unit" in frame.columns else []
    labels = units[units["unit"].isin(unit_keys)][["unit", "label_en", "label_nb"]]
    meta["asker.units"] = json.dumps(labels.to_dict("records"), ensure_ascii=False, sort_keys=True)
    return meta


def described(arrow: pa.Table, table: Table) -> pa.Table:
    """Every field with its column's description, labels and unit as field metadata."""
    fields = [
        field.with_metadata(
            {k.encode(): v.encode() for k, v in field_metadata(table.column(field.name)).items()}
        )
        for field in arrow.schema
    ]
    return arrow.cast(pa.schema(fields, metadata=arrow.schema.metadata))


def parquet_bytes(
    arrow: pa.Table, table: Table, metadata: dict[str, str], versions: dict[str, str]
) -> bytes:
    """The table (typed by the warehouse, so an empty table keeps its column types) as Parquet,
    each field described (``described``)."""
    arrow = described(arrow, table)
    schema_meta = {
        b"asker.table": table.name.encode(),
        b"asker.description": table.description.encode(),
        b"asker.versions": json.dumps(versions, sort_keys=True).encode(),
        b"asker.notice": EXAMPLE_NOTICE.encode(),
        **{k.encode(): v.encode() for k, v in metadata.items()},
    }
    buffer = io.BytesIO()
    pq.write_table(arrow.replace_schema_metadata(schema_meta), buffer, compression="zstd")
    return buffer.getvalue()
