"""Table declarations: one per table, driving DDL, typing, UI schema, Parquet metadata and the
data dictionary."""

from asker_pipeline.schema.core import Column, Table
from asker_pipeline.schema.tables import SCHEMAS, TABLES, table

__all__ = ["SCHEMAS", "TABLES", "Column", "Table", "table"]
