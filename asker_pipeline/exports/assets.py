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


class PartnerFilesConfig(dg.Config):
    #: Languages of the benchmark workbooks: "nb" (benchmark_<code>_<name>.xlsx) and "en"
    #: (..._en.xlsx). The factsheets are in bokmål.
    languages: list[str] = ["nb", "en"]


EXCEL = dg.AssetKey(["exports", "excel"])
FACTSHEETS = dg.AssetKey(["exports", "factsheets"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            EXCEL,
            deps=[*MART_KEYS, tables.DATA_QUALITY_REPORT.asset_key],
            group_name=GROUP,
            kinds={"excel", "duckdb"},
            description="A benchmark workbook for the subject and for each partner, the network's "
            "members only (exports/excel/), "
            "in bokmål and English: Oversikt (scores at a glance, band colours, network median, "
            "bar charts), Les meg (method, how to read a band, glossary), categories, KPIs, "
            "comparison with the peer set, data quality, not reported, sources. Printable (A4 "
            "landscape, one page wide), formula-safe and byte-reproducible.",
        ),
        dg.AssetSpec(
            FACTSHEETS,
            deps=MART_KEYS,
            group_name=GROUP,
            kinds={"html", "duckdb"},
            description="A one-page factsheet per municipality "
            "(exports/factsheets/factsheet_<code>.html), in bokmål: dimension scores with a chart, "
            "then every KPI data point with its value, target, band colour and the network "
            "median. Self-contained (inline CSS and SVG), printable on A4.",
        ),
    ],
    can_subset=True,
)
def partner_files(
    context: dg.AssetExecutionContext, config: PartnerFilesConfig, warehouse: Warehouse
):
    """Each municipality's data is read once and rendered into its workbooks and factsheet, by
    both processes at once (``workers.share``): this one takes workbooks from the front of the
    list, the worker, which has matplotlib imported, takes factsheets from the back."""
    from asker_pipeline import workers
    from asker_pipeline.exports import excel, factsheet  # imported when exporting, not on load

    root = warehouse.exports_path()
    network = load_municipalities().municipalities
    with warehouse.get_connection() as conn:
        versions = export_versions(conn)
        data = {code: benchmark_data(conn, code, versions) for code in network["code"]}
    books, sheets = [], []
    if EXCEL in context.selected_asset_keys:
        books = [
            (root / "excel" / workbook_name(code, name_ascii, language), data[code], language)
            for code, name_ascii in zip(network["code"], network["name_ascii"], strict=True)
            for language in config.languages
        ]
    if FACTSHEETS in context.selected_asset_keys:
        catalogue = load_catalogue()
        points = scores.data_points(catalogue, load_targets(catalogue=catalogue))
        sheets = [(root / "factsheets" / factsheet.file_name(c), data[c]) for c in network["code"]]
    rendered = workers.share(
        [(excel.workbook_file, (d, language)) for _, d, language in books]
        + [(factsheet.factsheet_html, (d, points)) for _, d in sheets]
    )
    published = Path(warehouse.exports_dir)
    for key, folder, pattern, planned, files in [
        (EXCEL, "excel", "*.xlsx", books, rendered[: len(books)]),
        (FACTSHEETS, "factsheets", "*.html", sheets, rendered[len(books) :]),
    ]:
        if key not in context.selected_asset_keys:
            continue
        written = [
            write_bytes_atomic(path, body if isinstance(body, bytes) else body.encode())
            for (path, *_), body in zip(planned, files, strict=True)
        ]
        removed = remove_stale(root / folder, pattern, set(written))
        yield dg.MaterializeResult(
            asset_key=key,
            metadata=_listing(written, removed, root, published / folder, versions),
        )


def _listing(written, removed, root: Path, folder: Path, versions) -> dict[str, object]:
    return {
        **files_metadata(written, root),
        "folder": dg.MetadataValue.path(str(folder)),
        "removed_stale": ", ".join(removed) or "none",
        **versions,
    }


defs = dg.Definitions(assets=[parquet_exports, partner_files])
