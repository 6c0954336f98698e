"""A second process for the run's self-contained work: GX validation, and half of the rendering.

A run executes its steps one after the other in one process (DuckDB takes one writer), so only
one core works. Two kinds of work need no warehouse: validating a frame with Great Expectations
(whose import alone takes seconds) and rendering prepared data into files (workbooks,
factsheets, charts). A worker process is started when the run starts (``prewarm``); it imports
GX, then the renderers, on the other core while the run loads workbooks and open data. The check
validates in it (``call``), the zero point's charts are drawn in it, and the partner files are
rendered by both processes at once (``share``). The worker gets plain data and returns plain
data (dicts, bytes, text); it never touches the warehouse. It is started with ``spawn``: a fresh interpreter, not a copy of a process
that holds DuckDB's threads and open files. Every task carries the caller's ``ASKER_*`` settings
(the reference folder, ``ASKER_ASSETS``, above all), so a worker started by an earlier run reads
the same files as this one. ``ASKER_WORKERS=0`` does everything in the calling process.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_worker: _Worker | None = None
_lock = threading.Lock()


class WorkerError(RuntimeError):
    """The task raised in the worker; the message carries the worker's traceback."""


def _import_gx() -> None:
    """Import GX once, quietly, with usage analytics off. GX's progress bars (off) would give
    tqdm a multiprocessing lock, a semaphore that stopping the worker would leak: a thread lock
    does here."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import warnings

    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations  # noqa: F401


#: What the worker imports after GX, for rendering (while the run has not needed it yet).
RENDERERS = (
    "asker_pipeline.exports.excel",
    "asker_pipeline.exports.factsheet",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
)


def _serve(connection) -> None:
    """The worker's loop: import GX, then run each task it receives, importing the renderers
    one by one while no task is waiting (the run's validation should not wait for matplotlib)."""
    import importlib

    _import_gx()
    connection.send(READY)
    waiting = list(RENDERERS)
    while True:
        while waiting and not connection.poll():
            importlib.import_module(waiting.pop(0))
        try:
            fn, args = connection.recv()
        except EOFError:
            return
        try:
            connection.send((True, fn(*args)))
        except BaseException as error:  # sent back whole: the caller raises it
            connection.send((False, f"{error!r}\n{traceback.format_exc()}"))


#: The worker's first message: GX is imported, tasks are taken from now on.
READY = "ready"


class _Worker:
    """One worker process and the pipe to it (one task at a time)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.busy = threading.Lock()
        self._ready = False

    def ready(self, timeout: float | None = 0.0) -> bool:
        """Whether the worker has imported GX, waiting up to ``timeout`` seconds (None: until it
        has). Call it holding ``busy``."""
        if not self._ready and self.connection.poll(timeout):
            if self.connection.recv() != READY:
                raise WorkerError("the worker's first message was not READY")
            self._ready = True
        return self._ready

    def call(self, fn: Callable[..., T], args: tuple) -> T:
        with self.busy:
            self.ready(timeout=None)
            self.connection.send((fn, args))
            return self._result()

    def _result(self):
        ok, result = self.connection.recv()
        if not ok:
            raise WorkerError(result)
        return result

    def stop(self) -> None:
        """Stop at once: the worker holds nothing to save (letting it wind down, with GX
        loaded, would cost the run most of a second)."""
        self.connection.close()
        self.process.terminate()
        self.process.join(timeout=5)


def enabled() -> bool:
    return os.environ.get("ASKER_WORKERS", "").strip() != "0"


def _started() -> _Worker | None:
    global _worker
    if not enabled():
        return None
    with _lock:
        if _worker is None or not _worker.process.is_alive():
            _worker = _Worker()
            atexit.register(shutdown)
        return _worker


def prewarm() -> None:
    """Start the worker now, so it imports GX while the run does its other steps."""
    _started()


def call(fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` in the worker (``fn`` must be a module-level function), or here when
    workers are turned off."""
    worker = _started()
    return fn(*args) if worker is None else worker.call(_each, (fn, [args], _settings()))[0]


def _settings() -> dict[str, str]:
    """The calling process's ``ASKER_*`` settings, sent with every task."""
    return {k: v for k, v in os.environ.items() if k.startswith("ASKER_")}


def _each(
    fn: Callable[..., T], argument_lists: list[tuple], settings: dict[str, str] | None = None
) -> list[T]:
    """``fn(*args)`` for each argument tuple; in the worker, under the caller's settings."""
    if settings is not None:
        for name in [k for k in os.environ if k.startswith("ASKER_") and k not in settings]:
            del os.environ[name]
        os.environ.update(settings)
    return [fn(*args) for args in argument_lists]


def share(tasks: list[tuple[Callable[..., T], tuple]]) -> list[T]:
    """``fn(*args)`` for every ``(fn, args)`` of ``tasks``, results in order. This process takes
    tasks from the front of the list, the worker from the back, each the next one as soon as it
    is free, so the two finish together whatever each task costs. Put what the worker is ready
    for (it has imported the renderers and matplotlib) at the end. ``fn`` must be a module-level
    function; the first error, from either side, is raised once both have stopped. A worker
    still importing GX gets tasks only once it is done, so nothing waits for that import."""
    worker = _started()
    if worker is None or len(tasks) < 2:
        return [fn(*args) for fn, args in tasks]
    results: list = [None] * len(tasks)
    errors: list[BaseException] = []
    lock = threading.Lock()
    front, back = 0, len(tasks)  # the next task here; one past the next task there
    settings = _settings()

    def finished() -> bool:  # call it holding ``lock``
        return bool(errors) or front >= back

    def take(from_front: bool) -> int | None:
        nonlocal front, back
        with lock:
            if finished():
                return None
            if from_front:
                front += 1
                return front - 1
            back -= 1
            return back

    def feed_worker() -> None:
        with worker.busy:
            try:
                while not worker.ready(timeout=0.05):  # importing GX: this process goes on
                    with lock:
                        if finished():
                            return
                while (i := take(from_front=False)) is not None:
                    fn, args = tasks[i]
                    worker.connection.send((_each, (fn, [args], settings)))
                    results[i] = worker._result()[0]
            except BaseException as error:
                errors.append(error)

    feeder = threading.Thread(target=feed_worker, name="asker-worker-feed", daemon=True)
    feeder.start()
    try:
        while (i := take(from_front=True)) is not None:
            fn, args = tasks[i]
            results[i] = fn(*args)
    except BaseException as error:
        errors.append(error)
    finally:
        feeder.join()
    if errors:
        raise errors[0]
    return results


def shutdown() -> None:
    global _worker
    with _lock:
        if _worker is not None:
            _worker.stop()
            _worker = None
