"""Open-data assets: snapshots (offline by default, refreshed on request or by the yearly
schedule), tidy observations, harmonised series (numerators and denominators), and KPI values
in the common value model (``raw.opendata_values``, stacked into ``staging.kpi_values``)."""

import os
from pathlib import Path

import dagster as dg
import pandas as pd

from asker_pipeline.metadata import table_metadata
from asker_pipeline.opendata import kpis
from asker_pipeline.opendata.client import PxWebClient
from asker_pipeline.opendata.registry import REGISTRY_FILE, Registry, load_registry
from asker_pipeline.opendata.snapshots import (
    RefreshOutcome,
    SnapshotError,
    read_snapshot,
    refresh_all,
)
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import ProjectFiles, Warehouse
from asker_pipeline.schema import tables
from asker_pipeline.warehouse import replace_table

GROUP = "opendata"
REFRESH_ENV = "ASKER_OPENDATA_REFRESH"
CACHE_DIR = Path("opendata") / ".cache"

SNAPSHOTS = tables.OPENDATA_SNAPSHOTS.asset_key
OBSERVATIONS = tables.OPENDATA_OBSERVATIONS.asset_key
SERIES = tables.OPENDATA_SERIES.asset_key
VALUES = tables.OPENDATA_VALUES.asset_key

class OpenDataConfig(dg.Config):
    """``refresh`` (or ASKER_OPENDATA_REFRESH=1) asks the live API; otherwise snapshots are read."""

    refresh: bool = False
    base_url: str = ""  # empty: the registry's base_url (Statistics Norway)
    timeout_seconds: float = 30.0
    max_retries: int = 4
    min_interval_seconds: float = 2.0  # SSB allows about 30 requests a minute
    backoff_seconds: float = 2.0  # first retry wait when the API sends no Retry-After


def _registry(files: ProjectFiles) -> Registry:
    return load_registry(Path(files.sources_dir) / REGISTRY_FILE, load_catalogue())


def refresh_requested(config: OpenDataConfig) -> bool:
    return config.refresh or os.environ.get(REFRESH_ENV, "").strip() == "1"


def _manifest(
    registry: Registry, sources_dir: Path, outcomes: dict[str, RefreshOutcome]
) -> pd.DataFrame:
    rows = []
    for key, series in registry.series.items():
        snapshot = read_snapshot(series, sources_dir)
        outcome = outcomes.get(key, RefreshOutcome(key, "offline"))
        rows.append(
            {
                "series_id": key,
                "role": series.role,
                "table_id": series.table_id,
                "certainty": series.certainty,
                "source_file": snapshot.relative,
                "source_sha256": snapshot.sha256,
                "is_example": snapshot.is_example,
                "retrieved_at": snapshot.provenance.get("retrieved_at"),
                "query": snapshot.provenance.get("query"),
                "refresh_outcome": outcome.outcome,
                "refresh_error": outcome.error,
            }
        )
    return pd.DataFrame(rows)


@dg.asset(key=SNAPSHOTS, group_name=GROUP, kinds={"json", "duckdb"})
def opendata_snapshots(
    context: dg.AssetExecutionContext,
    config: OpenDataConfig,
    files: ProjectFiles,
    warehouse: Warehouse,
) -> dg.MaterializeResult:
    """The recorded PxWebApi v2 responses in sources/opendata/snapshots/, one per registry
    series, listed with their provenance. Offline by default; with ``refresh`` (run config) or
    ASKER_OPENDATA_REFRESH=1 each series is fetched live and its snapshot replaced only by a
    complete response. A failed refresh keeps the last good snapshot and is reported here."""
    sources_dir = Path(files.sources_dir)
    registry = _registry(files)
    outcomes: dict[str, RefreshOutcome] = {}
    mode = "offline"
    if refresh_requested(config):
        mode = "refresh"
        client = PxWebClient(
            config.base_url or registry.base_url,
            timeout=config.timeout_seconds,
            max_retries=config.max_retries,
            min_interval=config.min_interval_seconds,
            backoff=config.backoff_seconds,
            cache_dir=sources_dir / CACHE_DIR,
        )
        outcomes = {
            o.series_id: o
            for o in refresh_all(registry, client, load_municipalities(), sources_dir)
        }
    try:
        manifest = _manifest(registry, sources_dir, outcomes)
    except SnapshotError as error:
        raise dg.Failure(
            f"open data: {error}. Run a refresh or restore the snapshot from git."
        ) from error
    failures = [o for o in outcomes.values() if o.outcome == "failed"]
    for failure in failures:
        context.log.warning(
            f"refresh of {failure.series_id} failed, last good snapshot kept: {failure.error}"
        )
    failure_md = "\n".join(f"- `{f.series_id}`: {f.error}" for f in failures) or "_(none)_"
    with warehouse.get_connection() as conn:
        replace_table(conn, tables.OPENDATA_SNAPSHOTS, manifest)
        metadata = table_metadata(
            conn,
            tables.OPENDATA_SNAPSHOTS,
            mode=mode,
            refreshed=sum(o.outcome == "refreshed" for o in outcomes.values()),
            refresh_failures=len(failures),
            failures=dg.MetadataValue.md(failure_md),
            example_snapshots=int(manifest["is_example"].sum()),
        )
    return dg.MaterializeResult(metadata=metadata)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            table.asset_key,
            deps=[upstream],
            group_name=GROUP,
            kinds={"pandas", "duckdb"},
            description=table.description,
        )
        for table, upstream in (
            (tables.OPENDATA_OBSERVATIONS, SNAPSHOTS),
            (tables.OPENDATA_SERIES, OBSERVATIONS),
            (tables.OPENDATA_VALUES, SERIES),
        )
    ],
)
def opendata_tables(files: ProjectFiles, warehouse: Warehouse):
    """Decode the snapshots, harmonise municipality codes, compute the KPIs."""
    registry = _registry(files)
    snapshots = kpis.read_snapshots(registry, Path(files.sources_dir))
    harmonised = kpis.harmonised_series(snapshots, load_municipalities())
    written = (
        (tables.OPENDATA_OBSERVATIONS, kpis.observation_table(snapshots)),
        (tables.OPENDATA_SERIES, kpis.series_table(snapshots, harmonised)),
        (tables.OPENDATA_VALUES, kpis.kpi_values(registry, snapshots, harmonised)),
    )
    example = any(s.is_example for s in snapshots.values())
    with warehouse.get_connection() as conn:
        for table, frame in written:
            replace_table(conn, table, frame)
            yield dg.MaterializeResult(
                asset_key=table.asset_key,
                metadata=table_metadata(conn, table, example_data=example),
            )


opendata_refresh = dg.define_asset_job(
    "opendata_refresh",
    selection=dg.AssetSelection.assets(SNAPSHOTS).downstream(),
    description="Fetch every registry series from the live API, replace snapshots that came back "
    "complete, and rebuild the open-data tables and staging.kpi_values.",
    config={"ops": {"raw__opendata_snapshots": {"config": {"refresh": True}}}},
)

#: KOSTRA's revised figures come on 15 June; refresh the next morning, after the 08:00 release.
opendata_yearly = dg.ScheduleDefinition(
    name="opendata_yearly_refresh",
    job=opendata_refresh,
    cron_schedule="0 9 16 6 *",
    execution_timezone="Europe/Oslo",
    description="Yearly open-data refresh on 16 June (after KOSTRA's revised figures on 15 June).",
)

defs = dg.Definitions(
    assets=[opendata_snapshots, opendata_tables],
    jobs=[opendata_refresh],
    schedules=[opendata_yearly],
)
