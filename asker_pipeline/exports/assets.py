"""The exports asset group: Parquet per mart table, Excel benchmark workbooks, manifest.json,
all under ``files.exports_dir``. Keys are ``["exports", ...]``: they are files, not tables."""

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import pandas as pd

from asker_pipeline.exports import manifest
from asker_pipeline.exports.files import remove_stale
from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.metadata import files_metadata, frame_metadata
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import ProjectFiles, WarehouseResource
from asker_pipeline.scoring import scores, tables
from asker_pipeline.scoring.targets import load_targets
from asker_pipeline.warehouse import table_exists

if TYPE_CHECKING:
    from asker_pipeline.exports import excel

GROUP = "exports"
MART_KEYS = [dg.AssetKey(t.split(".")) for t in tables.TABLES]
QUALITY_REPORT = "quality.data_quality_report"


def _versions() -> tuple[dict[str, str], pd.DataFrame, pd.DataFrame]:
    catalogue = load_catalogue()
    targets = load_targets(catalogue=catalogue)
    return (
        scores.provenance(catalogue, targets),
        scores.data_points(catalogue, targets),
        catalogue.units,
    )


def _release(conn) -> dict[str, str]:
    row = conn.execute("SELECT release_id FROM marts.zero_point LIMIT 1").fetchone()
    return {"baseline_release_id": row[0] if row else ""}


@dg.asset(key=["exports", "parquet"], deps=MART_KEYS, group_name=GROUP, kinds={"parquet", "duckdb"})
def parquet_exports(warehouse: WarehouseResource, files: ProjectFiles) -> dg.MaterializeResult:
    """One Parquet file per marts table (exports/parquet/<table>.parquet), rows in a fixed order,
    with KPI data points (names, unit, direction, target), unit labels and versions in the schema
    metadata (``asker.*`` keys)."""
    from asker_pipeline.exports import parquet  # pyarrow: imported when exporting, not on load

    versions, points, units = _versions()
    folder = Path(files.exports_dir) / "parquet"
    written: dict[Path, int] = {}
    with warehouse.get_connection() as conn:
        versions = {**versions, **_release(conn)}
        names = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' "
                "ORDER BY table_name"
            ).fetchall()
        ]
        for name in names:
            arrow = conn.sql(f"SELECT * FROM marts.{name} ORDER BY ALL").to_arrow_table()
            meta = parquet.kpi_metadata(arrow.to_pandas(), points, units)
            path = folder / f"{name}.parquet"
            write_bytes_atomic(path, parquet.parquet_bytes(arrow, f"marts.{name}", meta, versions))
            written[path] = arrow.num_rows
    removed = remove_stale(folder, "*.parquet", set(written))
    listing = pd.DataFrame({"file": [p.name for p in written], "rows": list(written.values())})
    return dg.MaterializeResult(
        metadata={
            **files_metadata(list(written)),
            "table_rows": dg.MetadataValue.md(listing.to_markdown(index=False)),
            "folder": dg.MetadataValue.path(str(folder)),
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


@dg.asset(key=["exports", "excel"], deps=MART_KEYS, group_name=GROUP, kinds={"excel", "duckdb"})
def excel_exports(warehouse: WarehouseResource, files: ProjectFiles) -> dg.MaterializeResult:
    """An Excel benchmark workbook for Asker and for each partner (exports/excel/): "Les meg"
    (what, sources, method, versions, example-data notice), overview, KPIs with coloured bands,
    comparison, data quality and the not-reported list. Formula-safe and byte-reproducible."""
    from asker_pipeline.exports import excel  # openpyxl: imported when exporting, not on load

    versions, _, _ = _versions()
    folder = Path(files.exports_dir) / "excel"
    network = load_municipalities().municipalities
    written = []
    with warehouse.get_connection() as conn:
        versions = {**versions, **_release(conn)}
        for code, name_ascii in zip(network["code"], network["name_ascii"], strict=True):
            data = workbook_data(conn, code, versions)
            path = folder / workbook_name(code, name_ascii)
            write_bytes_atomic(path, excel.workbook_bytes(excel.build_workbook(data)))
            written.append(path)
    removed = remove_stale(folder, "*.xlsx", set(written))
    return dg.MaterializeResult(
        metadata={
            **files_metadata(written),
            "folder": dg.MetadataValue.path(str(folder)),
            "removed_stale": ", ".join(removed) or "none",
            **versions,
        }
    )


@dg.asset(
    key=["exports", "manifest"],
    deps=[parquet_exports, excel_exports],
    group_name=GROUP,
    kinds={"json"},
)
def export_manifest(warehouse: WarehouseResource, files: ProjectFiles) -> dg.MaterializeResult:
    """exports/manifest.json: every export file with its size and sha256, and the versions used."""
    versions, _, _ = _versions()
    with warehouse.get_connection() as conn:
        versions = {**versions, **_release(conn)}
    folder = Path(files.exports_dir)
    built = manifest.build_manifest(folder, versions)
    write_bytes_atomic(folder / manifest.MANIFEST, manifest.manifest_bytes(built))
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(pd.DataFrame(built["files"])),
            "path": dg.MetadataValue.path(str(folder / manifest.MANIFEST)),
        }
    )


defs = dg.Definitions(assets=[parquet_exports, excel_exports, export_manifest])
