"""Runs whose process died are marked failed, so the one-run queue moves on.

A run that is killed (``kill -9``, a lost machine) never reports its end and would stay STARTED
for ever; with one run at a time, nothing else would run. Every run that writes the warehouse tags
itself with its process id and host (``resources.py``). ``fail_dead_runs`` marks a STARTED run
failed when that process is gone; the ``dead_runs`` sensor does it while the UI's daemon runs, and
``make run`` does it before it starts."""

from __future__ import annotations

import os
import socket

import dagster as dg

from asker_pipeline.resources import HOST_TAG, PID_TAG

IN_PROGRESS = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_dead(run: dg.DagsterRun, host: str | None = None) -> bool:
    """A run tagged by a process on this host that no longer exists."""
    pid, run_host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
    if not pid or run_host != (host or socket.gethostname()):
        return False
    return not process_alive(int(pid))


def in_progress(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    return list(instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS)))


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark every in-progress run whose process is gone as failed; returns their ids."""
    failed = []
    for run in in_progress(instance):
        if is_dead(run):
            instance.report_run_failed(
                run,
                f"The run's process (PID {run.tags[PID_TAG]}) ended without reporting: it was "
                "killed or crashed. Nothing it wrote was published.",
            )
            failed.append(run.run_id)
    return failed


@dg.sensor(
    name="dead_runs",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks runs whose process died (kill -9, crash) as failed, so the one-run "
    "queue moves on.",
)
def dead_run_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    failed = fail_dead_runs(context.instance)
    return dg.SkipReason(
        f"marked failed: {', '.join(failed)}" if failed else "no dead runs"
    )
