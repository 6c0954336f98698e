"""Resources: the warehouse (DuckDB file, export folder, release files), published all or nothing
per run, and the input folder. Paths come from environment variables through ``dg.EnvVar``
(defaults in ``settings.py``), so tests and deployments point them elsewhere."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from asker_pipeline import publish, workers
from asker_pipeline.opendata.client import StatisticsNorway
from asker_pipeline.warehouse import LOCK_WAIT_SECONDS

#: The table the GX checks validate (``quality/assets.py``).
CHECKED = dg.AssetKey(["staging", "kpi_values"])
#: Run tags that let a dead run be told from a live one (``runs.py``).
PID_TAG = "asker/pid"
HOST_TAG = "asker/host"


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse and the export folder, written through a working copy that is
    published whole when the run succeeds (``publish.py``) and thrown away when it fails."""

    database: str
    exports_dir: str
    lock_wait_seconds: float = LOCK_WAIT_SECONDS

    _workspace: publish.RunWorkspace | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run = context.dagster_run
        run_id = run.run_id if run else "direct"
        self._workspace = publish.begin(
            Path(self.database), Path(self.exports_dir), run_id, self.lock_wait_seconds
        )
        if run and context.instance:
            context.instance.add_run_tags(
                run.run_id, {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}
            )
        if run is None or run.asset_selection is None or CHECKED in run.asset_selection:
            # the run validates staging: the worker imports GX while the run does other steps
            workers.prewarm()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        workspace, self._workspace = self._workspace, None
        if workspace is None:
            return
        try:
            if _run_failed(context):
                workspace.discard()
                context.log.info("run failed: nothing published; readers see the previous run")
            else:
                published = workspace.publish(seal_exports=_seal)
                context.log.info(f"published {', '.join(published)}")
        except BaseException:
            workspace.discard()
            raise
        finally:
            workspace.close()

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the run's working copy."""
        with self._active().cursor() as conn:
            yield conn

    def exports_path(self) -> Path:
        """The run's export folder; published with the warehouse at the end of the run."""
        return self._active().exports_dir()

    def releases_path(self) -> Path:
        """Where new baseline release files go during the run (``releases/`` once published)."""
        return self._active().releases_dir()

    @property
    def published_releases(self) -> Path:
        return Path(self.database).absolute().parent / publish.RELEASES_FOLDER

    def _active(self) -> publish.RunWorkspace:
        if self._workspace is None:
            raise RuntimeError(
                "the warehouse resource is used outside a run: materialize through Dagster "
                "(dg.materialize, a job, or build_asset_context with resources)"
            )
        return self._workspace



def _seal(folder: Path, conn: duckdb.DuckDBPyConnection) -> None:
    """Seal an export folder with its manifest, reading versions from the run's warehouse."""
    from asker_pipeline.exports import manifest  # the exports know what their versions are

    manifest.seal(folder, conn)


def _run_failed(context: dg.InitResourceContext) -> bool:
    """Did any step of this run fail (a blocking check included), or was it cancelled?"""
    run, instance = context.dagster_run, context.instance
    if run is None or instance is None:
        return False
    failures = instance.get_records_for_run(
        run.run_id, of_type={dg.DagsterEventType.STEP_FAILURE}, limit=1
    ).records
    current = instance.get_run_by_id(run.run_id)
    cancelled = current is not None and current.status in (
        dg.DagsterRunStatus.CANCELING,
        dg.DagsterRunStatus.CANCELED,
    )
    return bool(failures) or cancelled


class ProjectFiles(dg.ConfigurableResource):
    """The input folder: spreadsheets, open-data snapshots and the source registry."""

    sources_dir: str


def build_resources(
    warehouse: str | None = None, sources: str | None = None, exports: str | None = None
) -> dict[str, object]:
    """The resources every asset uses; tests pass a temporary warehouse, sources and exports."""
    return {
        "warehouse": Warehouse(
            database=warehouse or dg.EnvVar("ASKER_WAREHOUSE"),
            exports_dir=exports or dg.EnvVar("ASKER_EXPORTS"),
        ),
        "files": ProjectFiles(sources_dir=sources or dg.EnvVar("ASKER_SOURCES")),
        # Statistics Norway's API, used only by an open-data refresh (defaults in the class).
        "statistics_norway": StatisticsNorway(),
    }
