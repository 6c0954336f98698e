"""The run's worker process: tasks shared between it and this process (``workers.share``)."""

import os
import time

import pytest

from asker_pipeline import workers


@pytest.fixture(scope="module")
def worker_pid():
    return workers.call(os.getpid)  # started and warm before the tests time anything


def test_share_gives_every_result_in_order(worker_pid):
    tasks = [(divmod, (i, 3)) for i in range(25)]
    assert workers.share(tasks) == [divmod(i, 3) for i in range(25)]


def test_the_worker_takes_tasks_from_the_back_while_this_process_is_busy(worker_pid):
    assert worker_pid != os.getpid()
    results = workers.share([(time.sleep, (0.5,)), *[(os.getpid, ())] * 3])
    assert results == [None, worker_pid, worker_pid, worker_pid]


def test_this_process_takes_the_rest_while_the_worker_is_busy(worker_pid):
    results = workers.share([*[(os.getpid, ())] * 3, (time.sleep, (0.5,))])
    assert results == [os.getpid()] * 3 + [None]


def test_an_error_on_either_side_is_raised(worker_pid):
    with pytest.raises(ZeroDivisionError):
        workers.share([(divmod, (1, 0)), (time.sleep, (0.2,))])
    with pytest.raises(workers.WorkerError, match="ZeroDivisionError"):
        workers.share([(time.sleep, (0.3,)), (divmod, (1, 0))])
    assert workers.share([(divmod, (7, 2)), (divmod, (9, 4))]) == [(3, 1), (2, 1)]  # pipe clean


def test_turned_off_everything_runs_here(monkeypatch):
    monkeypatch.setenv("ASKER_WORKERS", "0")
    assert workers.share([(os.getpid, ())] * 4) == [os.getpid()] * 4


def test_a_worker_still_importing_gx_gets_no_share():
    """Nothing waits for the worker's GX import: this process does every task meanwhile."""
    workers.shutdown()
    workers.prewarm()  # a fresh worker: seconds of importing before it is ready
    assert workers.share([(os.getpid, ())] * 4) == [os.getpid()] * 4
    assert workers.call(os.getpid) != os.getpid()  # call waits until it is ready
