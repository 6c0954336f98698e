"""The exports asset group: Parquet per mart table with the data dictionary, Excel benchmark
workbooks and factsheets, written into the run's export folder and published with the warehouse
at the end of the run, sealed with manifest.json (``manifest.py``). Keys are ``["exports", ...]``:
they are files, not tables."""

from pathlib import Path

import dagster as dg
import pandas as pd

from asker_pipeline.exports.benchmark import benchmark_data
from asker_pipeline.exports.dictionary import FILE as DICTIONARY
from asker_pipeline.exports.dictionary import dictionary_bytes
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

GROUP = "exports"
#: The tables partners receive (one Parquet file each; the workbooks draw on them).
EXPORTED = [t for t in tables.TABLES.values() if t.exported and t.name.startswith("marts.")]
MART_KEYS = [t.asset_key for t in EXPORTED]


@dg.asset(key=["exports", "parquet"], deps=MART_KEYS, group_name=GROUP, kinds={"parquet", "duckdb"})
def parquet_exports(warehouse: Warehouse) -> dg.MaterializeResult:
    """One Parquet file per marts table (exports/parquet/<table>.parquet), rows in a fixed order,
    with KPI data points (names, unit, direction, target), unit labels and versions in the schema
    metadata (``asker.*`` keys) and every column's description in its field metadata; and
    data_dictionary.csv (every exported column in bokmål and English)."""
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
            write_bytes_atomic(path, parquet.parquet_bytes(arrow, table, meta, versions))
            written[path] = arrow.num_rows
    removed = remove_stale(folder, "*.parquet", set(written))
    exported = [t for t in tables.TABLES.values() if t.exported]
    dictionary_path = write_bytes_atomic(root / DICTIONARY, dictionary_bytes(exported))
    listing = pd.DataFrame({"file": [p.name for p in written], "rows": list(written.values())})
    return dg.MaterializeResult(
        metadata={
            **files_metadata([*written, dictionary_path], root),
            "table_rows": dg.MetadataValue.md(listing.to_markdown(index=False)),
            "folder": dg.MetadataValue.path(str(Path(warehouse.exports_dir) / "parquet")),
            "removed_stale": ", ".join(removed) or "none",
            **versions,
        }
    )


def workbook_name(code: str, name_ascii: str, language: str = "nb") -> str:
    return f"benchmark_{code}_{name_ascii}{'' if language == 'nb' else '_' + language}.xlsx"


class ExcelConfig(dg.Config):
    #: Languages to write: "nb" (benchmark_<code>_<name>.xlsx) and "en" (..._en.xlsx).
    languages: list[str] = ["nb", "en"]


@dg.asset(
    key=["exports", "excel"],
    deps=[*MART_KEYS, tables.DATA_QUALITY_REPORT.asset_key],
    group_name=GROUP,
    kinds={"excel", "duckdb"},
)
def excel_exports(config: ExcelConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    """A benchmark workbook for Asker and for each partner (exports/excel/), in bokmål and
    English: Oversikt (scores at a glance, band colours, network median, bar charts), Les meg
    (method, how to read a band, glossary), categories, KPIs, comparison with the peer set, data
    quality, not reported, sources. Printable (A4 landscape, one page wide), formula-safe and
    byte-reproducible."""
    from asker_pipeline.exports import excel  # openpyxl: imported when exporting, not on load

    root = warehouse.exports_path()
    folder = root / "excel"
    network = load_municipalities().municipalities
    written = []
    with warehouse.get_connection() as conn:
        versions = export_versions(conn)
        for code, name_ascii in zip(network["code"], network["name_ascii"], strict=True):
            data = benchmark_data(conn, code, versions)
            for language in config.languages:
                path = folder / workbook_name(code, name_ascii, language)
                book = excel.build_workbook(data, language)
                write_bytes_atomic(path, excel.workbook_bytes(book))
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


@dg.asset(
    key=["exports", "factsheets"],
    deps=MART_KEYS,
    group_name=GROUP,
    kinds={"html", "duckdb"},
)
def factsheet_exports(warehouse: Warehouse) -> dg.MaterializeResult:
    """A one-page factsheet per municipality (exports/factsheets/factsheet_<code>.html), in
    bokmål: dimension scores with a chart, then every KPI data point with its value, target, band
    colour and the network median. Self-contained (inline CSS and SVG), printable on A4."""
    from asker_pipeline.exports import factsheet  # jinja2 and matplotlib: only when exporting

    root = warehouse.exports_path()
    folder = root / "factsheets"
    network = load_municipalities().municipalities
    catalogue = load_catalogue()
    points = scores.data_points(catalogue, load_targets(catalogue=catalogue))
    written = []
    with warehouse.get_connection() as conn:
        versions = export_versions(conn)
        for code in network["code"]:
            html = factsheet.factsheet_html(benchmark_data(conn, code, versions), points)
            written.append(write_bytes_atomic(folder / factsheet.file_name(code), html.encode()))
    removed = remove_stale(folder, "*.html", set(written))
    return dg.MaterializeResult(
        metadata={
            **files_metadata(written, root),
            "folder": dg.MetadataValue.path(str(Path(warehouse.exports_dir) / "factsheets")),
            "removed_stale": ", ".join(removed) or "none",
            **versions,
        }
    )


defs = dg.Definitions(assets=[parquet_exports, excel_exports, factsheet_exports])
