"""Benchmark: from the moment a changed workbook is detected to the moment its partner files are
rewritten, with the UI's daemon running (issue 9, goal: under 60 s on the example data).

On temporary copies (sources, warehouse, exports, Dagster instance with the project's
dagster.yaml) it builds everything once (make run), starts `dagster dev` the way `make dev` does,
waits until the first sensor ticks and the runs they cause are over, then rewrites one value of
Asker's 2023 workbook and watches:
  detected   the spreadsheet sensor's run for that municipality is created
  loaded     that run succeeded
  published  benchmark_3203_Asker.xlsx in the published export folder has changed
Prints each step's time. Usage: python benchmarks/automation_latency.py [--timeout 600]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import openpyxl

from asker_pipeline.spreadsheets import layout

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
WORKBOOK = "3203_asker_2023.xlsx"
PARTNER_FILE = Path("excel") / "benchmark_3203_Asker.xlsx"
IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def wait_for(condition, timeout: float, what: str, poll: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(poll)
    raise TimeoutError(f"waited {timeout:.0f} s for {what}")


def change_a_value(path: Path) -> None:
    """Raise Asker's unemployment rate by 5 % and save, as a person would in Excel."""
    book = openpyxl.load_workbook(path)
    sheet = book[layout.KPI_SHEET]
    columns = {cell.value: cell.column for cell in sheet[layout.HEADER_ROW]}
    code_column = columns[layout.COLUMN_BY_KEY["kpi_code"].header]
    value_column = columns[layout.COLUMN_BY_KEY["value"].header]
    for row in range(layout.HEADER_ROW + 1, sheet.max_row + 1):
        if sheet.cell(row, code_column).value == "EC: P: EM: 1C":
            cell = sheet.cell(row, value_column)
            cell.value = round(float(str(cell.value).replace(",", ".")) * 1.05, 2)
            break
    book.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        home = root / "dagster_home"
        home.mkdir()
        shutil.copy(REPO / "dagster_home" / "dagster.yaml", home)
        shutil.copytree(REPO / "sources", root / "sources")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("ASKER_", "DAGSTER_"))},
            "DAGSTER_HOME": str(home),
            "ASKER_SOURCES": str(root / "sources"),
            "ASKER_WAREHOUSE": str(root / "warehouse" / "asker.duckdb"),
            "ASKER_EXPORTS": str(root / "warehouse" / "exports"),
        }
        subprocess.run([PY, "-m", "asker_pipeline"], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dev = subprocess.Popen(
            [PY, "-m", "asker_pipeline.settings", str(Path(PY).with_name("dagster")), "dev",
             "-w", "workspace.yaml", "-p", "3917"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            os.environ["DAGSTER_HOME"] = str(home)
            with dg.DagsterInstance.get() as instance:
                def runs(statuses=None):
                    filters = dg.RunsFilter(statuses=statuses) if statuses else None
                    return list(instance.get_runs(filters=filters))

                # The first sensor tick sees every workbook as new; wait until its runs are over.
                wait_for(lambda: runs(), args.timeout, "the first sensor run")
                quiet_since = [time.monotonic()]

                def quiet():
                    if runs(IN_PROGRESS):
                        quiet_since[0] = time.monotonic()
                    return time.monotonic() - quiet_since[0] > 40

                wait_for(quiet, args.timeout, "the first runs to end", poll=2)
                partner = root / "warehouse" / "exports" / PARTNER_FILE
                before = partner.read_bytes()
                known = {r.run_id for r in runs()}
                changed_at = time.time()
                change_a_value(root / "sources" / "spreadsheets" / WORKBOOK)

                def detection():
                    new = [r for r in runs() if r.run_id not in known
                           and r.tags.get("dagster/partition", "").startswith("3203")]
                    return new[0] if new else None

                load = wait_for(detection, args.timeout, "the sensor to notice the change")
                detected = instance.get_run_record_by_id(load.run_id).create_timestamp.timestamp()

                def loaded():
                    run = instance.get_run_by_id(load.run_id)
                    return run.status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE)

                wait_for(loaded, args.timeout, "the load run")
                loaded_at = time.time()
                wait_for(lambda: partner.exists() and partner.read_bytes() != before,
                         args.timeout, "the partner file to be rewritten", poll=0.25)
                published = time.time()
        finally:
            os.killpg(dev.pid, signal.SIGINT)
            try:
                dev.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(dev.pid, signal.SIGKILL)
    print(f"{'step':52} {'s':>6}")
    print(f"{'changed -> detected (spreadsheet sensor interval)':52} {detected - changed_at:6.1f}")
    print(f"{'detected -> workbook loaded':52} {loaded_at - detected:6.1f}")
    print(f"{'loaded -> partner files published (automation)':52} {published - loaded_at:6.1f}")
    total = published - detected
    print(f"{'detected -> partner files published':52} {total:6.1f}  goal < 60  "
          f"{'PASS' if total < 60 else 'FAIL'}")
    return 0 if total < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
