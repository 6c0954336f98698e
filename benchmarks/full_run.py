"""Benchmark: the full materialization against the least any run of this stack can cost.

Measures, each as the median of --repeat runs in fresh processes:
  * import floor      python -c "import dagster, duckdb, pandas, great_expectations"
  * bare dagster      python -c "import dagster"
  * code location     import asker_pipeline.definitions and build its repository
  * full run          python -m asker_pipeline.build into a temporary warehouse (wall, peak RSS)
and prints them with the goals from the foundation issue:
  full run <= 3x import floor, peak RSS <= 1 GB, code-location load <= 2x bare dagster.
Exit status 1 when a goal is missed. Usage: python benchmarks/full_run.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable


def measure_peak(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and peak RSS of one child, measured through a wrapper so earlier runs don't mask it."""
    wrapper = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True,"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([PY, "-c", wrapper, *cmd], cwd=REPO, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def median_of(repeat: int, fn) -> tuple[float, float]:
    runs = [fn() for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}

    floor = median_of(args.repeat, lambda: measure_peak(
        [PY, "-c", "import dagster, duckdb, pandas, great_expectations"], env))
    bare = median_of(args.repeat, lambda: measure_peak([PY, "-c", "import dagster"], env))
    location = median_of(args.repeat, lambda: measure_peak(
        [PY, "-c", "from asker_pipeline.definitions import defs; defs.get_repository_def()"], env))

    def full_run():
        with tempfile.TemporaryDirectory() as tmp:
            run_env = {**env, "ASKER_WAREHOUSE": str(Path(tmp) / "bench.duckdb"),
                       "ASKER_EXPORTS": str(Path(tmp) / "exports")}
            return measure_peak([PY, "-m", "asker_pipeline.build"], run_env)

    full = median_of(args.repeat, full_run)

    goals = [
        ("full run / import floor", full[0] / floor[0], 3.0),
        ("full run peak RSS (MB)", full[1], 1024.0),
        ("code location / bare import dagster", location[0] / bare[0], 2.0),
    ]
    print(f"{'measure':38} {'wall s':>8} {'peak MB':>8}")
    for name, (wall, peak) in [("import floor (dagster+duckdb+pandas+GX)", floor),
                               ("bare import dagster", bare),
                               ("code location load", location),
                               ("full materialization", full)]:
        print(f"{name:38} {wall:8.2f} {peak:8.0f}")
    print()
    ok = True
    for name, value, limit in goals:
        passed = value <= limit
        ok &= passed
        print(f"{name:38} {value:8.2f}  goal <= {limit:g}  {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
