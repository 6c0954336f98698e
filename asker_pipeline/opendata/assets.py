"""Open-data assets: snapshots (offline by default, refreshed on request or by the yearly
schedule), tidy observations, harmonised series (numerators and denominators), and KPI values
in the common value model (``raw.opendata_values``, stacked into ``staging.kpi_values``)."""

import os
from pathlib import Path

import dagster as dg
import pandas as pd

from asker_pipeline.metadata import table_metadata
from asker_pipeline.opendata import kpis
from asker_pipeline.opendata.client import StatisticsNorway
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
    """``refresh`` (or ASKER_OPENDATA_REFRESH=1) asks the live API; otherwise snapshots are read.
    How the API is reached (URL, timeouts, pacing, retries) is the ``statistics_norway``
    resource."""

    refresh: bool = False


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


def refresh_failure(outcomes: list[RefreshOutcome]) -> dg.Failure:
    """The run's failure when any series could not be refreshed: every reason, in the message
    (``make run`` prints it) and in the metadata (the UI shows it on the failed step). Series
    that failed for the same reason (no network) share one line."""
    failed = [o for o in outcomes if o.outcome == "failed"]
    refreshed = [o.series_id for o in outcomes if o.outcome == "refreshed"]
    by_reason: dict[str, list[str]] = {}
    for outcome in failed:
        by_reason.setdefault(outcome.error or "unknown", []).append(outcome.series_id)
    reasons = [(", ".join(ids), reason) for reason, ids in by_reason.items()]
    done = f"; {len(refreshed)} refreshed and replaced" if refreshed else ""
    return dg.Failure(
        description=f"open-data refresh: {len(failed)} of {len(outcomes)} series failed and keep "
        f"their last good snapshots{done}. Nothing downstream is rebuilt in this run.\n"
        + "\n".join(f"- {ids}: {reason}" for ids, reason in reasons),
        metadata={
            "refresh_failures": len(failed),
            "refreshed": dg.MetadataValue.json(refreshed),
            "failures": dg.MetadataValue.md(
                "\n".join(f"- `{ids}`: {reason}" for ids, reason in reasons)
            ),
        },
        allow_retries=False,
    )


@dg.asset(key=SNAPSHOTS, group_name=GROUP, kinds={"json", "duckdb"})
def opendata_snapshots(
    config: OpenDataConfig,
    files: ProjectFiles,
    warehouse: Warehouse,
    statistics_norway: StatisticsNorway,
) -> dg.MaterializeResult:
    """The recorded PxWebApi v2 responses in sources/opendata/snapshots/, one per registry
    series, listed with their provenance. Offline by default; with ``refresh`` (run config) or
    ASKER_OPENDATA_REFRESH=1 each series is fetched live and its snapshot replaced only by a
    complete response. If any series fails, the step fails (the run exits non-zero) with every
    reason: the failed series keep their last good snapshots, the complete ones are replaced,
    and this table is not written."""
    sources_dir = Path(files.sources_dir)
    registry = _registry(files)
    outcomes: dict[str, RefreshOutcome] = {}
    mode = "offline"
    if refresh_requested(config):
        mode = "refresh"
        client = statistics_norway.client(cache_dir=sources_dir / CACHE_DIR)
        outcomes = {
            o.series_id: o
            for o in refresh_all(registry, client, load_municipalities(), sources_dir)
        }
        if any(o.outcome == "failed" for o in outcomes.values()):
            raise refresh_failure(list(outcomes.values()))
    try:
        manifest = _manifest(registry, sources_dir, outcomes)
    except SnapshotError as error:
        raise dg.Failure(
            f"open data: {error}. Run a refresh or restore the snapshot from git."
        ) from error
    with warehouse.get_connection() as conn:
        replace_table(conn, tables.OPENDATA_SNAPSHOTS, manifest)
        metadata = table_metadata(
            conn,
            tables.OPENDATA_SNAPSHOTS,
            mode=mode,
            refreshed=sum(o.outcome == "refreshed" for o in outcomes.values()),
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
    observed = kpis.observation_table(snapshots)
    harmonised = kpis.harmonised_series(snapshots, load_municipalities(), observed)
    written = (
        (tables.OPENDATA_OBSERVATIONS, observed),
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
