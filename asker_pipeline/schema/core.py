"""A table, declared once: its columns, their types, nullability and meaning.

One declaration drives everything that describes or writes the table: the DDL, the frame typing
before a write, the ``dagster/column_schema`` on the asset (visible in the UI before the first
materialization), the Parquet field metadata and the data dictionary that ships with the exports.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # Dagster is imported where its objects are made: the declarations are
    import dagster as dg  # also read by worker processes that render files and need no Dagster

#: DuckDB type -> pandas nullable dtype used to type a frame before it is written.
PANDAS_TYPES = {
    "VARCHAR": "string",
    "INTEGER": "Int64",
    "BIGINT": "Int64",
    "DOUBLE": "Float64",
    "BOOLEAN": "boolean",
}
TIME_TYPES = ("TIMESTAMP", "DATE")


@dataclass(frozen=True)
class Column:
    """A column's meaning. The same name means the same thing, with the same type, in every table.

    ``label_nb`` / ``label_en`` are the headers partners see in exported files; ``description_nb``
    is the bokmål line of the data dictionary. Columns only data engineers see need only the
    English ``description``. ``values`` names the list a coded column's values are labelled from
    (``asker_pipeline.schema.labels``)."""

    name: str
    type: str
    description: str
    label_nb: str | None = None
    label_en: str | None = None
    description_nb: str | None = None
    nullable: bool = True
    unit: str | None = None  # the unit of the values where fixed ("percent", "points", ...)
    #: The values are codes from a fixed list: the kind in assets/value_labels.csv (or "unit",
    #: assets/units.csv) that gives each its Norwegian and English label in exported files.
    values: str | None = None

    def but(self, **changes: object) -> Column:
        """This column with a table-specific change (``nullable=False``, a narrower description)."""
        return replace(self, **changes)

    def sql(self) -> str:
        return f"{self.name} {self.type}{'' if self.nullable else ' NOT NULL'}"


@dataclass(frozen=True)
class Table:
    """A warehouse table (``schema.name``) and what it holds."""

    name: str
    description: str
    columns: tuple[Column, ...]
    #: Exported to partners (Parquet, Excel): every column needs Norwegian and English labels.
    exported: bool = False

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"{self.name}: columns declared twice: {duplicated}")

    @property
    def asset_key(self) -> dg.AssetKey:
        import dagster as dg

        return dg.AssetKey(self.name.split("."))

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    def ddl(self) -> str:
        """The column list of ``CREATE TABLE``."""
        return ", ".join(c.sql() for c in self.columns)

    def dagster_schema(self) -> dg.TableSchema:
        import dagster as dg

        return dg.TableSchema(
            columns=[
                dg.TableColumn(
                    name=c.name,
                    type=c.type,
                    description=c.description,
                    constraints=dg.TableColumnConstraints(nullable=c.nullable),
                )
                for c in self.columns
            ]
        )

    def asset_metadata(self) -> dict[str, object]:
        """Definition metadata: the UI shows the columns and the table before any run."""
        return {"dagster/column_schema": self.dagster_schema(), "dagster/table_name": self.name}

    def conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Exactly this table's columns, in order and typed; a missing column or an empty value in
        a NOT NULL column is an error that names the table, the column and the row."""
        missing = [c for c in self.column_names if c not in frame.columns]
        if missing:
            raise ValueError(f"{self.name}: frame lacks columns {missing}")
        out = frame.loc[:, self.column_names].copy()
        for column in self.columns:
            out[column.name] = _typed(out[column.name], column.type)
            if not column.nullable and out[column.name].isna().any():
                row = out.index[out[column.name].isna()][0]
                raise ValueError(f"{self.name} row {row}: column {column.name} is empty")
        return out.reset_index(drop=True)

    def empty_frame(self) -> pd.DataFrame:
        return self.conform(pd.DataFrame(columns=self.column_names))


def _typed(series: pd.Series, duckdb_type: str) -> pd.Series:
    if duckdb_type == "TIMESTAMP":
        return pd.to_datetime(series, utc=True).dt.tz_localize(None)
    if duckdb_type == "DATE":
        return pd.to_datetime(series).dt.date.astype(object).where(series.notna(), None)
    target = PANDAS_TYPES[duckdb_type]
    if target in ("Int64", "Float64"):
        return pd.to_numeric(series).astype(target)
    if target == "boolean" and series.dtype == object:
        return series.map(_boolean, na_action="ignore").astype(target)
    return series.astype(target)


def _boolean(value: object) -> bool:
    """CSV text ("true" / "false") or a real boolean."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no", ""):
            return False
        raise ValueError(f"not a boolean: {value!r}")
    return bool(value)
