"""Dagster wrappers: the data-collection template, the per-municipality workbook load, the sensor.

``raw/spreadsheet_values``, ``raw/spreadsheet_quarantine`` and ``raw/spreadsheet_loads`` are
written together, one dynamic partition per municipality (today's code, taken from the workbook's
file name), so one municipality's workbooks can be re-loaded alone and a new partner needs no
code change: the sensor (or ``make run``) registers its partition when its first workbook
appears."""

import json
from datetime import date
from pathlib import Path

import dagster as dg
import pandas as pd

from asker_pipeline.filesystem import sha256_file, write_bytes_atomic
from asker_pipeline.metadata import frame_metadata, slice_metadata
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import ProjectFiles, Warehouse
from asker_pipeline.schema import tables
from asker_pipeline.spreadsheets import store
from asker_pipeline.spreadsheets.layout import TEMPLATE_VERSION
from asker_pipeline.spreadsheets.naming import partition_key
from asker_pipeline.spreadsheets.read import ReadContext

GROUP = "spreadsheets"
PARTITIONS = dg.DynamicPartitionsDefinition(name="spreadsheet_municipality")
VALUES_KEY = tables.SPREADSHEET_VALUES.asset_key
QUARANTINE_KEY = tables.SPREADSHEET_QUARANTINE.asset_key
LOADS_KEY = tables.SPREADSHEET_LOADS.asset_key
LOAD_KEYS = (VALUES_KEY, QUARANTINE_KEY, LOADS_KEY)
TEMPLATES_FOLDER = "templates"


def reference_context() -> ReadContext:
    return ReadContext(load_catalogue(), load_municipalities())


class TemplateConfig(dg.Config):
    """Which reporting year the templates are generated for (default: last calendar year)."""

    year: int = date.today().year - 1


@dg.asset(
    key=dg.AssetKey(["marts", "data_collection_templates"]),
    group_name=GROUP,
    kinds={"excel", "openpyxl"},
)
def data_collection_templates(config: TemplateConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    """The U4SSC data-collection workbook (.xlsx) for each municipality of the network and the
    configured reporting year, generated from the catalogue: one row per KPI data point, protected
    descriptive columns, validated numeric cells, data-quality dropdown, instructions in Norwegian
    and English. Written to <exports>/templates/<code>_<name>_<year>.xlsx."""
    from asker_pipeline import workers
    from asker_pipeline.spreadsheets.template import template_bytes, workbook_file_name

    catalogue = load_catalogue()
    network = load_municipalities().municipalities
    folder = warehouse.exports_path() / TEMPLATES_FOLDER
    municipalities = list(zip(network["code"], network["name"], strict=True))
    # openpyxl (~0.2 s to import) only now; built here and in the worker at once
    books = workers.share(
        [(template_bytes, (code, name, config.year)) for code, name in municipalities]
    )
    written = []
    for (code, name), body in zip(municipalities, books, strict=True):
        path = write_bytes_atomic(folder / workbook_file_name(code, name, config.year), body)
        written.append({"municipality_code": code, "file": path.name, "bytes": len(body)})
    frame = pd.DataFrame(written)
    return dg.MaterializeResult(
        metadata=frame_metadata(
            frame,
            folder=dg.MetadataValue.path(str(Path(warehouse.exports_dir) / TEMPLATES_FOLDER)),
            year=config.year,
            template_version=TEMPLATE_VERSION,
            catalogue_version=catalogue.version,
            data_points=len(catalogue.data_points),
        )
    )


_KINDS = {"excel", "duckdb", "pandas"}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(table.asset_key, group_name=GROUP, kinds=_KINDS, description=table.description)
        for table in (tables.SPREADSHEET_VALUES, tables.SPREADSHEET_QUARANTINE, tables.SPREADSHEET_LOADS)
    ],
    partitions_def=PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),  # a backfill of many municipalities: one run
    can_subset=False,
)
def spreadsheet_workbooks(
    context: dg.AssetExecutionContext, warehouse: Warehouse, files: ProjectFiles
):
    """Load the workbooks of the run's municipalities (values, quarantine and load history in
    one transaction per chunk of municipalities; a single-municipality run is one transaction)."""
    keys = list(context.partition_keys)
    with warehouse.get_connection() as conn:
        plan = store.load_partitions(conn, keys, Path(files.sources_dir), reference_context())
    flagged = int(plan.values["note"].fillna("").str.contains("FLAG").sum())
    yield dg.MaterializeResult(
        asset_key=VALUES_KEY,
        metadata=slice_metadata(
            store.VALUES,
            plan.values,
            reported=int((plan.values["status"] == "reported").sum()),
            flagged=flagged,
        ),
    )
    yield dg.MaterializeResult(
        asset_key=QUARANTINE_KEY, metadata=slice_metadata(store.QUARANTINE, plan.quarantine)
    )
    yield dg.MaterializeResult(
        asset_key=LOADS_KEY,
        metadata=slice_metadata(
            store.LOADS,
            plan.new_loads,
            replacements=int(plan.new_loads["replaced_sha256"].notna().sum()),
        ),
    )


load_spreadsheets = dg.define_asset_job(
    "load_spreadsheets",
    selection=dg.AssetSelection.assets(*LOAD_KEYS),
    description="Load one municipality's workbooks (one run per partition).",
)


def fingerprints(sources_dir: Path, previous: dict[str, list]) -> dict[str, list]:
    """{file name: [mtime_ns, size, sha256]}; sha256 recomputed only when mtime or size moved."""
    current = {}
    for path in store.workbook_files(sources_dir):
        stat = path.stat()
        old = previous.get(path.name)
        if old and old[:2] == [stat.st_mtime_ns, stat.st_size]:
            current[path.name] = old
        else:
            current[path.name] = [stat.st_mtime_ns, stat.st_size, sha256_file(path)]
    return current


@dg.sensor(
    job=load_spreadsheets,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def spreadsheet_sensor(context: dg.SensorEvaluationContext, files: ProjectFiles) -> dg.SensorResult:
    """Notices new, changed (by sha256) or removed workbooks and requests a load of their
    municipality's partition, registering the partition first when it is new."""
    previous = json.loads(context.cursor or "{}")
    current = fingerprints(Path(files.sources_dir), previous)
    changed = {
        n
        for n in current.keys() | previous.keys()
        if (current.get(n) or [None] * 3)[2] != (previous.get(n) or [None] * 3)[2]
    }
    reference = reference_context()
    keys = sorted({partition_key(name, reference.municipalities) for name in changed})
    known = set(context.instance.get_dynamic_partitions(PARTITIONS.name))
    new = [k for k in keys if k not in known]
    version = "-".join(sorted(str(current.get(n, ["", "", "gone"])[2])[:12] for n in changed))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=k, run_key=f"{k}:{version}") for k in keys],
        dynamic_partitions_requests=[PARTITIONS.build_add_request(new)] if new else [],
        cursor=json.dumps(current),
    )


defs = dg.Definitions(
    assets=[data_collection_templates, spreadsheet_workbooks],
    jobs=[load_spreadsheets],
    sensors=[spreadsheet_sensor],
)
