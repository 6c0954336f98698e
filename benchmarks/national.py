"""Benchmark: the full build at national scale, side by side with the network of five.

For each size, a temporary copy of the project (code, assets/, sources/, expectations/) is made.
The reference data already holds every municipality of the country (357) and the example open
data covers them all; for the national size, N of the municipalities outside the network
(default all 352, in code order) get a generated workbook each for 2019 and 2023 in the copy's
sources/, typed from the template with example values (labelled example data, as the bundled
ones). They are municipalities of the country (in the peer set ``all``, with a national position
on every data point), not partners: the network stays the five, so the partner files (workbooks,
factsheets, templates) are the same ten, five and five, and their cost must not grow with the
country.
Then ``make run``'s entry point (``asker_pipeline.build.materialize_everything``: the workbook
load over every partition, then ``build_all``) runs in a fresh process into a temporary
warehouse, and the benchmark reports its wall time per step (from the Dagster event log), the
process's wall time and its peak resident memory.

Goals (issue 13): 357 municipalities × 2 years in at most 10× the five-municipality run, peak RSS
at most 1 GB. Exit status 1 when a goal is missed (printed either way).
Usage: python benchmarks/national.py [--others 352] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
COPIED = ("asker_pipeline", "assets", "sources", "expectations", "dagster_home")
YEARS = (2019, 2023)
GOAL_RATIO, GOAL_RSS_MB = 10.0, 1024.0


def project_copy(target: Path) -> Path:
    """The project's code and data in ``target`` (imports resolve there through PYTHONPATH)."""
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    for stale in ("sources/opendata/.cache", "dagster_home/storage", "dagster_home/history"):
        shutil.rmtree(target / stale, ignore_errors=True)
    return target


def _child(root: Path, env: dict[str, str], *args: str) -> tuple[float, dict]:
    """Run this script's child mode against the copy; its wall time and JSON report."""
    started = time.perf_counter()
    out = subprocess.run(
        [PY, __file__, *args],
        env={**env, "PYTHONPATH": str(root)},
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    return wall, json.loads(out.stdout.strip().splitlines()[-1])


def measure(label: str, others: int, keep: Path | None) -> dict:
    base = Path(tempfile.mkdtemp(prefix="national-", dir=keep))
    root = project_copy(base / "project")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ASKER_", "DAGSTER_HOME"))
    }
    env.update(
        ASKER_WAREHOUSE=str(base / "warehouse" / "bench.duckdb"),
        ASKER_EXPORTS=str(base / "warehouse" / "exports"),
        ASKER_SOURCES=str(root / "sources"),
        DAGSTER_HOME=str(root / "dagster_home"),
    )
    (base / "warehouse").mkdir()
    generated = 0
    if others:
        _, report = _child(root, env, "--child", "generate", str(others))
        generated = report["workbooks"]
    wall, report = _child(root, env, "--child", "build")
    report.update(label=label, process_wall=wall, generated=generated)
    if keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return report


# -- child modes (run with PYTHONPATH at the project copy) ---------------------------------------


def child_generate(count: int) -> dict:
    """Example workbooks for the first ``count`` municipalities outside the network: one
    template per year, its metadata and input cells emptied and typed again per municipality
    (fast, and what the reader reads)."""
    from asker_pipeline.reference.catalogue import load_catalogue
    from asker_pipeline.reference.municipalities import load_municipalities
    from asker_pipeline.spreadsheets.examples import example_entries
    from asker_pipeline.spreadsheets.layout import COLUMNS, HEADER_ROW, KPI_SHEET, METADATA_SHEET
    from asker_pipeline.spreadsheets.template import (
        build_workbook,
        fill_workbook,
        workbook_file_name,
        write_workbook,
    )

    catalogue, history = load_catalogue(), load_municipalities()
    codes = [c for c in history.current_codes if c not in history.network_codes][:count]
    folder = Path(os.environ["ASKER_SOURCES"]) / "spreadsheets"
    written = 0
    for year in YEARS:
        book = build_workbook(catalogue, codes[0], history.name(codes[0]), year, example=True)
        meta, sheet = book[METADATA_SHEET], book[KPI_SHEET]
        inputs = [i for i, column in enumerate(COLUMNS, start=1) if column.editable]
        for code in codes:
            name = history.name(code)
            meta.cell(1, 2).value, meta.cell(2, 2).value = code, name
            for row in range(HEADER_ROW + 1, sheet.max_row + 1):
                for column in inputs:
                    sheet.cell(row, column).value = None
            fill_workbook(book, example_entries(catalogue, code, year))
            write_workbook(book, folder / workbook_file_name(code, name, year))
            written += 1
    return {"workbooks": written}


def child_build() -> dict:
    from asker_pipeline.settings import apply_defaults

    apply_defaults()
    import dagster as dg

    from asker_pipeline.build import materialize_everything

    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        results = materialize_everything(instance)
        build_wall = time.perf_counter() - started
        steps: dict[str, float] = {}
        for result in results:
            begun: dict[str, float] = {}
            for entry in instance.all_logs(result.run_id):
                event = entry.dagster_event
                if event is None or event.step_key is None:
                    continue
                if event.event_type_value == "STEP_START":
                    begun[event.step_key] = entry.timestamp
                elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
                    steps[event.step_key] = entry.timestamp - begun[event.step_key]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "success": all(r.success for r in results),
        "build_wall": build_wall,
        "steps": steps,
        "peak_rss_mb": own,
        "workers_peak_rss_mb": workers,
    }


def report(small: dict, large: dict) -> bool:
    width = max(len(k) for k in (*small["steps"], *large["steps"], "step")) + 2
    print(f"{'step':<{width}}{small['label']:>16}{large['label']:>22}{'ratio':>9}")
    keys = sorted(
        set(small["steps"]) | set(large["steps"]), key=lambda k: -large["steps"].get(k, 0)
    )
    for key in keys:
        a, b = small["steps"].get(key, float("nan")), large["steps"].get(key, float("nan"))
        print(f"{key:<{width}}{a:>14.2f} s{b:>20.2f} s{b / a if a else float('nan'):>8.1f}×")
    rows = [
        ("build (materialize_everything)", small["build_wall"], large["build_wall"]),
        ("process (make run's entry point)", small["process_wall"], large["process_wall"]),
    ]
    for name, a, b in rows:
        print(f"{name:<{width}}{a:>14.2f} s{b:>20.2f} s{b / a:>8.1f}×")
    print(
        f"{'peak RSS (build process)':<{width}}{small['peak_rss_mb']:>13.0f} MB"
        f"{large['peak_rss_mb']:>19.0f} MB"
    )
    print(
        f"{'peak RSS (child processes)':<{width}}{small['workers_peak_rss_mb']:>13.0f} MB"
        f"{large['workers_peak_rss_mb']:>19.0f} MB"
    )
    ratio = large["process_wall"] / small["process_wall"]
    ok = ratio <= GOAL_RATIO and large["peak_rss_mb"] <= GOAL_RSS_MB
    ok &= small["success"] and large["success"]
    print(
        f"goal: {large['label']} ≤ {GOAL_RATIO:.0f}× the five ({ratio:.1f}×), peak RSS ≤ "
        f"{GOAL_RSS_MB:.0f} MB ({large['peak_rss_mb']:.0f} MB): {'met' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--others", type=int, default=352,
        help="municipalities outside the network that get example workbooks",
    )
    parser.add_argument("--keep", type=Path, help="keep the copies and warehouses under DIR")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        done = child_generate(int(rest[0])) if mode == "generate" else child_build()
        print(json.dumps(done))
        return 0
    small = measure("5 municipalities", 0, args.keep)
    total = 5 + args.others
    large = measure(f"{total} municipalities", args.others, args.keep)
    print(f"workbooks: 10 vs {10 + large['generated']} (2019 and 2023 each)")
    return 0 if report(small, large) else 1


if __name__ == "__main__":
    sys.exit(main())
