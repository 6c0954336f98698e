"""All or nothing: a run builds into a working copy and publishes it whole at its end.

What readers see (the warehouse file, the export folder, the baseline release files) changes only
when a run succeeds, and then at once:

- **Warehouse.** At the start of a run the published DuckDB file is read through once (so a damaged
  file stops the run before anything is written) and copied into a working file beside it. Every
  step writes the working file. At the end it is checkpointed and renamed over the published file:
  readers that have the old file open keep reading the old version; new readers get the new one.
  While the run works, it keeps the published file open read-only, which lets other readers in and
  keeps writers out (DuckDB allows readers alongside readers, not alongside a writer).
- **Exports.** The export folder is a symbolic link to a version folder. A run that writes exports
  gets a new version folder (a hard-linked copy of the current one, so files it does not rewrite
  stay), seals it with ``manifest.json`` and swaps the link in one rename.
- **Releases.** Baseline release files are append-only; a run's new ones are moved in at the end.

One run writes at a time: a lock file beside the warehouse is held for the whole run. A run killed
with ``kill -9`` leaves only its working files behind; the next run removes them."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from asker_pipeline.warehouse import (
    LOCK_WAIT_SECONDS,
    DamagedWarehouseError,
    WarehouseLockedError,
    damaged_message,
    is_damage_error,
    open_warehouse,
    program_of,
    retry_locked,
)

RELEASES_FOLDER = "releases"
#: Published export versions kept besides the current one (a reader may still be copying it).
KEEP_EXPORT_VERSIONS = 2


class WarehouseBusyError(RuntimeError):
    """Another run is writing the warehouse."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


@dataclass
class RunLock:
    """An exclusive ``flock`` on ``<warehouse>.lock``, naming its holder inside the file.

    The kernel releases it when the holding process ends, however it ends."""

    path: Path
    handle: object = None

    def acquire(self, run_id: str, wait_seconds: float) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115  (held for the whole run)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self.holder()
                    handle.close()
                    raise WarehouseBusyError(self._busy_message(holder)) from None
                time.sleep(0.25)
        handle.seek(0)
        handle.truncate()
        holder = {"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(),
                  "program": program_of(os.getpid())}
        handle.write(json.dumps(holder))
        handle.flush()
        self.handle = handle

    def holder(self) -> dict:
        try:
            return json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return {}

    def _busy_message(self, holder: dict) -> str:
        who = (
            f"run {holder.get('run_id', '?')} (PID {holder.get('pid', '?')}: "
            f"{holder.get('program') or 'unknown program'})"
        )
        return (
            f"The warehouse {self.path.with_suffix('')} is being built by {who}. One run writes at "
            "a time: wait for it to finish (Dagster UI, Runs) or stop it, then run again."
        )

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


@dataclass
class RunWorkspace:
    """One run's working copy of the warehouse and, when asked for, of the export folder."""

    database: Path
    exports: Path
    run_id: str
    lock: RunLock
    guard: duckdb.DuckDBPyConnection | None = None
    #: The run's one connection to its working file; steps get cursors of it (opening the file
    #: once per run, not once per step, and checkpointing once, at the end).
    conn: duckdb.DuckDBPyConnection | None = None
    staged_exports: Path | None = None
    staged_releases: Path | None = None
    published: list[str] = field(default_factory=list)

    @property
    def working(self) -> Path:
        return self.database.with_name(f".{self.database.name}.{self.run_id}")

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection of its own (a DuckDB cursor) to the run's working file."""
        if self.conn is None:
            self.conn = open_warehouse(self.working)
        cursor = self.conn.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    @property
    def releases(self) -> Path:
        return self.database.parent / RELEASES_FOLDER

    def exports_dir(self) -> Path:
        """The run's export folder: a copy of the published one (hard links), made on first use."""
        if self.staged_exports is None:
            staged = _staging_dir(self.exports, self.run_id)
            current = self.exports.resolve() if self.exports.exists() else None
            if staged.exists():
                shutil.rmtree(staged)
            if current is not None and current.is_dir():
                shutil.copytree(current, staged, copy_function=_link_or_copy)
            else:
                staged.mkdir(parents=True)
            self.staged_exports = staged
        return self.staged_exports

    def releases_dir(self) -> Path:
        """Where the run puts new baseline release files; moved into ``releases/`` on publish."""
        if self.staged_releases is None:
            self.staged_releases = self.database.with_name(f".releases.{self.run_id}")
            self.staged_releases.mkdir(parents=True, exist_ok=True)
        return self.staged_releases

    def publish(
        self, seal_exports: Callable[[Path, duckdb.DuckDBPyConnection], object] | None = None
    ) -> list[str]:
        """Make the run's work what readers see: releases, then the warehouse, then the exports
        (sealed first, while the run's warehouse can still be read)."""
        if self.staged_exports is not None and seal_exports is not None:
            with self.cursor() as cursor:
                seal_exports(self.staged_exports, cursor)
        with self.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        self._close_connection()
        if self.staged_releases is not None:
            self.releases.mkdir(parents=True, exist_ok=True)
            for path in sorted(self.staged_releases.iterdir()):
                final = self.releases / path.name
                if not final.exists():  # append-only: an id is never rewritten
                    _fsync_file(path)
                    os.replace(path, final)
            _fsync_dir(self.releases)
            shutil.rmtree(self.staged_releases, ignore_errors=True)
            self.published.append(str(self.releases))
        self._close_guard()
        Path(f"{self.database}.wal").unlink(missing_ok=True)  # the old file's, already copied
        _fsync_file(self.working)
        os.replace(self.working, self.database)
        _fsync_dir(self.database.parent)
        self.published.append(str(self.database))
        if self.staged_exports is not None:
            version = _version_dir(self.exports, self.run_id)
            os.replace(self.staged_exports, version)
            _swap_link(self.exports, version)
            self.published.append(str(self.exports))
        return self.published

    def discard(self) -> None:
        """Forget the run's work: what readers see stays as it was."""
        self._close_connection()
        self._close_guard()
        _remove_working_files(self.database, self.exports, run_id=self.run_id)

    def close(self) -> None:
        self._close_connection()
        self._close_guard()
        self.lock.release()

    def _close_connection(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _close_guard(self) -> None:
        if self.guard is not None:
            self.guard.close()
            self.guard = None


def begin(
    database: Path, exports: Path, run_id: str, wait_seconds: float = LOCK_WAIT_SECONDS
) -> RunWorkspace:
    """Take the run lock, then copy the published warehouse into the run's working file.

    Raises ``WarehouseBusyError`` (another run), ``WarehouseLockedError`` (another program has the
    file open for writing) or ``DamagedWarehouseError`` before anything is written."""
    database, exports = Path(database).absolute(), Path(exports).absolute()
    lock = RunLock(Path(f"{database}.lock"))
    lock.acquire(run_id, wait_seconds)
    workspace = RunWorkspace(database, exports, run_id, lock)
    try:
        _remove_working_files(database, exports, run_id=None)
        if database.exists():
            workspace.guard = _copy_published(database, workspace.working, wait_seconds)
        workspace.conn = open_warehouse(workspace.working)  # also the layer schemas
    except BaseException:
        workspace.discard()
        workspace.close()
        raise
    return workspace


def _copy_published(
    database: Path, working: Path, wait_seconds: float
) -> duckdb.DuckDBPyConnection:
    """Read every block of the published file (checksums verified) into the working file, and
    return the connection that keeps the published file open read-only for the run."""
    guard = duckdb.connect()
    try:
        retry_locked(
            lambda: guard.execute(f"ATTACH '{database}' AS published (READ_ONLY)"),
            database,
            wait_seconds,
        )
        guard.execute(f"ATTACH '{working}' AS work")
        guard.execute("COPY FROM DATABASE published TO work")
        guard.execute("DETACH work")
    except WarehouseLockedError:
        guard.close()
        raise
    except duckdb.Error as error:
        guard.close()
        if is_damage_error(error):
            raise DamagedWarehouseError(damaged_message(database, error)) from error
        raise
    return guard


def _version_dir(exports: Path, run_id: str) -> Path:
    """A published version of the export folder."""
    return exports.with_name(f".{exports.name}.{run_id}")


def _staging_dir(exports: Path, run_id: str) -> Path:
    """A run's export folder before it is published."""
    return exports.with_name(f".{exports.name}.staging.{run_id}")


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _swap_link(exports: Path, version: Path) -> None:
    """Point ``exports`` at ``version`` in one rename; keep the previous version for readers."""
    for path in version.rglob("*"):
        if path.is_file():
            _fsync_file(path)
    _fsync_dir(version)
    if exports.exists() and not exports.is_symlink():
        # A real folder from before exports were versioned: it becomes an old version.
        os.replace(exports, _version_dir(exports, "unversioned"))
    link = exports.with_name(f".{exports.name}.link")
    link.unlink(missing_ok=True)
    os.symlink(version.name, link)
    os.replace(link, exports)
    _fsync_dir(exports.parent)
    versions = sorted(
        (
            p
            for p in exports.parent.glob(f".{exports.name}.*")
            if p.is_dir() and p != version and ".staging." not in p.name
        ),
        key=lambda p: p.stat().st_mtime,
    )
    for old in versions[: max(0, len(versions) - (KEEP_EXPORT_VERSIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)


def _remove_working_files(database: Path, exports: Path, run_id: str | None) -> None:
    """Remove the working files of ``run_id``, or of every earlier run when None (a killed run
    leaves them behind). Published export versions are pruned by ``_swap_link``."""
    pattern = run_id or "*"
    for path in database.parent.glob(f".{database.name}.{pattern}"):
        path.unlink(missing_ok=True)
    for path in database.parent.glob(f".releases.{pattern}"):
        shutil.rmtree(path, ignore_errors=True)
    for path in exports.parent.glob(f".{exports.name}.staging.{pattern}"):
        shutil.rmtree(path, ignore_errors=True)
