"""A worker process for Great Expectations validation, started early.

Importing ``great_expectations`` takes seconds, and a run needs it only for the data-quality
check on ``staging/kpi_values``. A run executes its steps one after the other in one process
(DuckDB takes one writer), so that import would sit on the run's critical path. Instead, the
validation runs in a worker process that is started when the run starts (``prewarm``) and
imports GX on another core while the run loads workbooks and open data. The worker gets plain
data (the frame, the suite as a dict) and returns plain data (one dict per expectation); it never
touches the warehouse. It is started with ``spawn``: a fresh interpreter, not a copy of a process
that holds DuckDB's threads and open files. ``ASKER_WORKERS=0`` validates in the calling process.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _import_gx() -> None:
    """The worker's initializer: import GX once, quietly, with usage analytics off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations  # noqa: F401


def enabled() -> bool:
    return os.environ.get("ASKER_WORKERS", "").strip() != "0"


def pool() -> ProcessPoolExecutor | None:
    """The process's validation worker, started on first use; None when workers are off."""
    global _pool
    if not enabled():
        return None
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=_import_gx
            )
            atexit.register(shutdown)
        return _pool


def prewarm() -> None:
    """Start the worker now, so it imports GX while the run does its other steps."""
    worker = pool()
    if worker is not None:
        worker.submit(int)  # the worker runs its initializer before its first task


def submit(fn: Callable[..., T], *args: object) -> Future[T]:
    """Run ``fn(*args)`` in the worker (``fn`` must be a module-level function), or here when
    workers are turned off."""
    worker = pool()
    if worker is not None:
        return worker.submit(fn, *args)
    future: Future[T] = Future()
    try:
        future.set_result(fn(*args))
    except BaseException as error:  # the caller sees it on .result(), as from a worker
        future.set_exception(error)
    return future


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None
