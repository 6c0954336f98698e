"""The exports asset group: Parquet per mart table and Excel benchmark workbooks, written into the
run's export folder and published with the warehouse at the end of the run, sealed with
manifest.json (``manifest.py``). Keys are ``["exports", ...]``: they are files, not tables."""

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import pandas as pd

from asker_pipeline.exports.files import remove_stale
from asker_pipeline.exports.manifest import export_versions
from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.metadata import files_metadata
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import Warehouse
from asker_pipeline.schema import tables
from asker_pipeline.scoring import scores
from asker_pipeline.scoring.targets import load_targets
from asker_pipeline.warehouse import table_exists

if TYPE_CHECKING:
    from asker_pipeline.exports import excel

GROUP = "exports"
#: The tables partners receive (one Parquet file each; the workbooks draw on them).
EXPORTED = [t for t in tables.TABLES.values() if t.exported and t.name.startswith("marts.")]
MART_KEYS = [t.asset_key for t in EXPORTED]
QUALITY_REPORT = tables.DATA_QUALITY_REPORT.name


@dg.asset(key=["exports", "parquet"], deps=MART_KEYS, group_name=GROUP, kinds={"parquet", "duckdb"})
def parquet_exports(warehouse: Warehouse) -> dg.MaterializeResult:
    """One Parquet file per marts table (exports/parquet/<table>.parquet), rows in a fixed order,
    with KPI data points (names, unit, direction, target), unit labels and versions in the schema
    metadata (``asker.*`` keys)."""
    from asker_pipeline.exports import parquet  # pyarrow: imported when exporting, not on load

    catalogue = load_catalogue()
    points = scores.data_points(catalogue, load_targets(catalogue=catalogue))
    root = warehouse.exports_path()
    folder = root / "parquet"
    written: dict[Path, int] = {}
    with warehouse.get_connection() as conn:
        versions = export_versions(conn)
        for table in EXPORTED:
            if not table_exists(conn, table.name):
                continue
            arrow = conn.sql(f"SELECT * FROM {table.name} ORDER BY ALL").to_arrow_table()
            meta = parquet.kpi_metadata(arrow.to_pandas(), points, catalogue.units)
            path = folder / f"{table.name.split('.')[1]}.parquet"
            write_bytes_atomic(path, parquet.parquet_bytes(arrow, table.name, meta, versions))
            written[path] = arrow.num_rows
    removed = remove_stale(folder, "*.parquet", set(written))
    listing = pd.DataFrame({"file": [p.name for p in written], "rows": list(written.values())})
    return dg.MaterializeResult(
        metadata={
            **files_metadata(list(written), root),
            "table_rows": dg.MetadataValue.md(listing.to_markdown(index=False)),
            "folder": dg.MetadataValue.path(str(Path(warehouse.exports_dir) / "parquet")),
            "removed_stale": ", ".join(removed) or "none",
            **versions,
        }
    )


def workbook_data(conn, code: str, versions: dict[str, str]) -> "excel.WorkbookData":
    from asker_pipeline.exports import excel

    network = load_municipalities().municipalities
    row = network[network["code"] == code].iloc[0]
    is_subject = row["role"] == "subject"
    kpi = conn.execute(
        "SELECT * FROM marts.kpi_scores WHERE municipality_code = ? ORDER BY kpi_code, "
        "data_point, year",
        [code],
    ).df()
    latest = conn.execute(
        """SELECT * FROM marts.rollup_scores r WHERE municipality_code = ? AND year =
           (SELECT max(year) FROM marts.rollup_scores WHERE municipality_code = r.municipality_code
              AND level = r.level AND node_code = r.node_code)
           ORDER BY CASE level WHEN 'dimension' THEN 1 WHEN 'sub_dimension' THEN 2
                    WHEN 'category' THEN 3 ELSE 4 END, node_code""",
        [code],
    ).df()
    comparison = conn.execute(
        "SELECT * FROM marts.peer_comparison WHERE municipality_code = ? ORDER BY kpi_code, "
        "data_point",
        [code],
    ).df()
    network_values = conn.execute(
        "SELECT kpi_code, data_point, municipality_name, value FROM marts.peer_comparison ORDER "
        "BY ALL"
    ).df()
    if is_subject:
        not_reported = conn.execute(
            "SELECT * FROM marts.zero_point_not_reported ORDER BY kpi_code, data_point"
        ).df()
        basis = (
            "Nullpunktsmålingen: datapunkter uten rapportert verdi i basisåret "
            "(zero point: not reported at the baseline)."
        )
    else:
        not_reported = conn.execute(
            """SELECT z.kpi_code, z.data_point, z.category_node, z.kpi_name_nb,
                      z.data_point_name_en,
                      z.kpi_type, z.unit, 'not_reported' AS status
               FROM marts.zero_point z
               WHERE NOT EXISTS (SELECT 1 FROM marts.kpi_scores s WHERE s.municipality_code = ?
                                 AND s.kpi_code = z.kpi_code AND s.data_point = z.data_point)
               ORDER BY z.kpi_code, z.data_point""",
            [code],
        ).df()
        basis = (
            "Datapunkter uten rapportert verdi i noe år "
            "(data points with no reported value in any year)."
        )
    quality = None
    if table_exists(conn, QUALITY_REPORT):
        quality = conn.execute(f"SELECT * FROM {QUALITY_REPORT} ORDER BY ALL").df()
        if "municipality_code" in quality.columns:
            quality = quality[
                quality["municipality_code"].isna() | (quality["municipality_code"] == code)
            ]
    sources = sorted(set(kpi["source_ref"].dropna()))
    return excel.WorkbookData(
        code=code,
        name=row["name"],
        is_subject=is_subject,
        kpi_scores=kpi,
        rollups=latest,
        comparison=comparison,
        network_values=network_values,
        not_reported=not_reported,
        data_quality=quality,
        versions=versions,
        sources=sources,
        network_names=list(network["name"]),
        not_reported_basis=basis,
    )


def workbook_name(code: str, name_ascii: str) -> str:
    return f"benchmark_{code}_{name_ascii}.xlsx"


@dg.asset(
    key=["exports", "excel"],
    deps=[*MART_KEYS, tables.DATA_QUALITY_REPORT.asset_key],
    group_name=GROUP,
    kinds={"excel", "duckdb"},
)
def excel_exports(warehouse: Warehouse) -> dg.MaterializeResult:
    """An Excel benchmark workbook for Asker and for each partner (exports/excel/): "Les meg"
    (what, sources, method, versions, example-data notice), overview, KPIs with coloured bands,
    comparison, data quality and the not-reported list. Formula-safe and byte-reproducible."""
    from asker_pipeline.exports import excel  # openpyxl: imported when exporting, not on load

    root = warehouse.exports_path()
    folder = root / "excel"
    network = load_municipalities().municipalities
    written = []
    with warehouse.get_connection() as conn:
        versions = export_versions(conn)
        for code, name_ascii in zip(network["code"], network["name_ascii"], strict=True):
            data = workbook_data(conn, code, versions)
            path = folder / workbook_name(code, name_ascii)
            write_bytes_atomic(path, excel.workbook_bytes(excel.build_workbook(data)))
            written.append(path)
    removed = remove_stale(folder, "*.xlsx", set(written))
    return dg.MaterializeResult(
        metadata={
            **files_metadata(written, root),
            "folder": dg.MetadataValue.path(str(Path(warehouse.exports_dir) / "excel")),
            "removed_stale": ", ".join(removed) or "none",
            **versions,
        }
    )


defs = dg.Definitions(assets=[parquet_exports, excel_exports])
