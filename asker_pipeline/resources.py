"""Resources: the warehouse (SQL assets), the warehouse IO manager (pandas assets), and the
project's input/output folders. Paths come from environment variables through ``dg.EnvVar``
(defaults in ``.env`` and the Makefile), so tests and deployments point them elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

import dagster as dg
import pandas as pd
from dagster._core.storage.db_io_manager import DbIOManager, DbTypeHandler, TableSlice
from dagster_duckdb import DuckDBIOManager, DuckDBResource
from dagster_duckdb.io_manager import DuckDbClient, _partition_where_clause
from dagster_duckdb_pandas import DuckDBPandasTypeHandler

from asker_pipeline.metadata import frame_metadata
from asker_pipeline.opendata.client import StatisticsNorway
from asker_pipeline.paths import DEFAULT_EXPORTS, DEFAULT_WAREHOUSE, SOURCES_DIR
from asker_pipeline.warehouse import connect_warehouse, replace_rows, replace_table

#: Environment variables (defaults in .env, the Makefile and ``build.py``).
ENV_DEFAULTS = {
    "ASKER_WAREHOUSE": str(DEFAULT_WAREHOUSE),
    "ASKER_SOURCES": str(SOURCES_DIR),
    "ASKER_EXPORTS": str(DEFAULT_EXPORTS),
}


class WarehouseResource(DuckDBResource):
    """DuckDB connection for SQL assets, through the project's one connect function."""

    lock_wait_seconds: float = 10.0

    @contextmanager
    def get_connection(self):
        with connect_warehouse(
            self.database, self.connection_config, self.lock_wait_seconds
        ) as conn:
            yield conn


class _WarehouseClient(DuckDbClient):
    @staticmethod
    @contextmanager
    def connect(context, _):
        config = context.resource_config
        with connect_warehouse(config["database"], config.get("connection_config")) as conn:
            yield conn

    @staticmethod
    def delete_table_slice(context, table_slice: TableSlice, connection) -> None:
        """Deleting happens in the frame handler, in the same transaction as the insert."""


class _FrameHandler(DuckDBPandasTypeHandler):
    """Writes frames by column name, atomically, and empty frames too (unlike the stock handler,
    which inserts by position and skips empty frames)."""

    def handle_output(self, context, table_slice: TableSlice, obj: pd.DataFrame, connection):
        table = f"{table_slice.schema}.{table_slice.table}"
        if table_slice.partition_dimensions:
            where = _partition_where_clause(table_slice.partition_dimensions)
            replace_rows(connection, table, obj, where)
        else:
            replace_table(connection, table, obj)
        return frame_metadata(obj)


class WarehouseIOManager(DuckDBIOManager):
    """Stores pandas assets as ``<key prefix>.<asset name>`` tables in the warehouse."""

    @staticmethod
    def type_handlers() -> Sequence[DbTypeHandler]:
        return [_FrameHandler()]

    @staticmethod
    def default_load_type() -> type | None:
        return pd.DataFrame

    def create_io_manager(self, context) -> DbIOManager:
        return DbIOManager(
            db_client=_WarehouseClient(),
            database=self.database,
            schema=self.schema_,
            type_handlers=self.type_handlers(),
            default_load_type=self.default_load_type(),
            io_manager_name="WarehouseIOManager",
        )


class ProjectFiles(dg.ConfigurableResource):
    """Input folder (spreadsheets, open-data snapshots, source registry) and export folder."""

    sources_dir: str = str(SOURCES_DIR)
    exports_dir: str = str(DEFAULT_EXPORTS)


def build_resources(
    warehouse: str | dg.EnvVar | None = None, files: ProjectFiles | None = None
) -> dict[str, object]:
    """The resources every asset uses; tests pass a temporary warehouse path and folders."""
    warehouse = warehouse or dg.EnvVar("ASKER_WAREHOUSE")
    files = files or ProjectFiles(
        sources_dir=dg.EnvVar("ASKER_SOURCES"), exports_dir=dg.EnvVar("ASKER_EXPORTS")
    )
    return {
        "io_manager": WarehouseIOManager(database=warehouse),
        "warehouse": WarehouseResource(database=warehouse),
        "files": files,
        # Statistics Norway's API, used only by an open-data refresh (defaults in the class).
        "statistics_norway": StatisticsNorway(),
    }
