"""Checks on the value table every score reads, and the ``quality.data_quality_report`` asset.

``staging.kpi_values`` holds every row of every source (``values.assets.VALUE_SOURCES``), each
with its ``source_kind`` and ``source_ref``, so one validation covers them all and blocks scoring.
Checking each raw table as well would validate the same rows again (a GX pass costs seconds);
``value_table_checks(key)`` attaches the same suite to another table in one line if wanted."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from asker_pipeline.metadata import table_metadata
from asker_pipeline.quality import gx_runner, report
from asker_pipeline.quality.checks import read_values, value_table_checks
from asker_pipeline.quality.outcomes import checked_frame, evaluate_value_table, prepared_suite
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import Warehouse
from asker_pipeline.warehouse import table_exists

KPI_VALUES = dg.AssetKey(["staging", "kpi_values"])
CHECKED_TABLES: tuple[dg.AssetKey, ...] = (KPI_VALUES,)
DATA_DOCS_DIR = "data_docs"


class ReportConfig(dg.Config):
    data_docs: bool = Field(
        default=False,
        description="Also render GX Data Docs (HTML) into data_docs/ next to the warehouse file "
        "(a few seconds more).",
    )


@dg.asset(
    key=report.TABLE.asset_key,
    deps=list(CHECKED_TABLES),
    group_name="quality",
    kinds={"duckdb", "pandas", "great_expectations"},
    description=report.TABLE.description + " Also written as data_quality_report.csv beside "
    "the benchmark exports. A failing blocking check fails the run, so this report (like every "
    "other table) keeps the last published validation; the failing check shows in the UI.",
)
def data_quality_report(config: ReportConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    tables = [".".join(key.path) for key in CHECKED_TABLES]
    with warehouse.get_connection() as conn:
        present = [table for table in tables if table_exists(conn, table)]
    frames = {table: read_values(warehouse, table) for table in present}
    outcomes = [o for table, frame in frames.items() for o in evaluate_value_table(frame, table)]
    exports = warehouse.exports_path()
    with warehouse.get_connection() as conn:
        frame = report.write(conn, outcomes, load_municipalities().network_codes, exports)
        metadata = table_metadata(
            conn,
            report.TABLE,
            failed=int((frame["outcome"] == "fail").sum()),
            warned=int((frame["outcome"] == "warn").sum()),
            export=dg.MetadataValue.path(str(Path(warehouse.exports_dir) / report.CSV_FILE)),
            tables=", ".join(present),
        )
    if config.data_docs:
        docs = Path(warehouse.database).parent / DATA_DOCS_DIR
        for table, values in frames.items():
            gx_runner.build_data_docs(checked_frame(values), *prepared_suite(table), table, docs)
        metadata["data_docs"] = dg.MetadataValue.path(str(docs / "index.html"))
    return dg.MaterializeResult(metadata=metadata)


defs = dg.Definitions(
    assets=[data_quality_report],
    asset_checks=[value_table_checks(key) for key in CHECKED_TABLES],
)
