"""``data_dictionary.csv``: every column of every exported table, in bokmål and English (table,
column, type, label, description, unit), from the one table-schema definition
(``asker_pipeline/schema``). The same text is in each Parquet field's metadata."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd

from asker_pipeline.schema import Table
from asker_pipeline.schema.core import Column
from asker_pipeline.schema.labels import load_labels

FILE = "data_dictionary.csv"
COLUMNS = [
    "table", "column", "type", "label_nb", "label_en", "description_nb", "description_en",
    "unit", "unit_nb", "unit_en", "coded_values",
]


def field_metadata(column: Column) -> dict[str, str]:
    """What a Parquet field carries about its column (only the keys that have a value)."""
    labels = load_labels()
    meta = {
        "description": column.description,
        "description_nb": column.description_nb,
        "label_nb": column.label_nb,
        "label_en": column.label_en,
        "unit": column.unit,
        "unit_nb": labels.label("unit", column.unit, "nb") if column.unit else None,
        "unit_en": labels.label("unit", column.unit, "en") if column.unit else None,
        "coded_values": column.values,
    }
    return {k: v for k, v in meta.items() if v}


def dictionary_frame(tables: Iterable[Table]) -> pd.DataFrame:
    rows = []
    for table in tables:
        for column in table.columns:
            meta = field_metadata(column)
            rows.append(
                {
                    "table": table.name,
                    "column": column.name,
                    "type": column.type,
                    "label_nb": meta.get("label_nb"),
                    "label_en": meta.get("label_en"),
                    "description_nb": meta.get("description_nb"),
                    "description_en": meta["description"],
                    "unit": meta.get("unit"),
                    "unit_nb": meta.get("unit_nb"),
                    "unit_en": meta.get("unit_en"),
                    "coded_values": meta.get("coded_values"),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def dictionary_bytes(tables: Iterable[Table]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens æ, ø and å right."""
    buffer = io.StringIO()
    dictionary_frame(tables).to_csv(buffer, index=False, lineterminator="\n")
    return ("\ufeff" + buffer.getvalue()).encode()
