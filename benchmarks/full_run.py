"""Benchmark: `make run` against the least any run of this stack can cost, side by side.

Measures, in fresh processes, alternating so that both see the same machine:
  * import floor      python -c "import dagster, duckdb, pandas, great_expectations"
  * full run          python -m asker_pipeline (make run's entry point) into a new, empty
                      warehouse each time, on one Dagster instance with the project's settings
                      (dagster_home/dagster.yaml: the same queue and SQLite storage as make run),
                      created before the first measurement, as a developer's instance exists
                      after their first `make run`
and then, alternating too:
  * bare dagster      python -c "import dagster"
  * code location     import asker_pipeline.definitions and build its repository
Our package's bytecode is compiled first (``make run`` does the same): the installed packages the
floor imports have theirs, and Python writes ours on first import unless PYTHONDONTWRITEBYTECODE
is set, as on our machines.
Prints medians and the goals of issue 9: full run <= 2.5x the import floor (the ratio of each
pair, median), peak RSS <= 1 GB, code-location load <= 2x bare dagster.
Exit status 1 when a goal is missed. Usage: python benchmarks/full_run.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
FLOOR = [PY, "-c", "import dagster, duckdb, pandas, great_expectations"]
LOCATION = [PY, "-c", "from asker_pipeline.definitions import defs; defs.get_repository_def()"]
GOALS = {"full run / import floor": 2.5, "full run peak RSS (MB)": 1024.0,
         "code location / bare import dagster": 2.0}


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child, through a wrapper process of its own."""
    wrapper = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True,"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [PY, "-c", wrapper, *cmd], cwd=REPO, env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def instance_home(root: Path, env: dict[str, str]) -> Path:
    """A Dagster instance with the project's settings, its storage created."""
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", home)
    subprocess.run(
        [PY, "-c", "import dagster; dagster.DagsterInstance.get().dispose()"],
        env={**env, "DAGSTER_HOME": str(home)}, check=True, capture_output=True,
    )
    return home


def full_run(env: dict[str, str], home: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        run_env = {
            **env,
            "DAGSTER_HOME": str(home),
            "ASKER_WAREHOUSE": str(Path(tmp) / "warehouse" / "asker.duckdb"),
            "ASKER_EXPORTS": str(Path(tmp) / "warehouse" / "exports"),
        }
        return measure([PY, "-m", "asker_pipeline"], run_env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASKER_", "DAGSTER_"))}

    subprocess.run([PY, "-m", "compileall", "-q", "asker_pipeline"], cwd=REPO, check=True)
    measure(FLOOR, env)  # warm the file cache once, for both
    floors, fulls = [], []
    with tempfile.TemporaryDirectory() as tmp:
        home = instance_home(Path(tmp), env)
        for _ in range(args.repeat):
            floors.append(measure(FLOOR, env))
            fulls.append(full_run(env, home))
    bares, locations = [], []
    for _ in range(args.repeat):
        bares.append(measure([PY, "-c", "import dagster"], env))
        locations.append(measure(LOCATION, env))
    bare = [statistics.median(m[i] for m in bares) for i in (0, 1)]
    location = [statistics.median(m[i] for m in locations) for i in (0, 1)]

    floor = statistics.median(w for w, _ in floors)
    full = statistics.median(w for w, _ in fulls)
    ratio = statistics.median(f[0] / i[0] for f, i in zip(fulls, floors, strict=True))
    peak = max(p for _, p in fulls)
    print(f"{'measure':40} {'wall s':>8} {'peak MB':>8}")
    for name, wall, mb in [
        ("import floor (dagster+duckdb+pandas+GX)", floor, max(p for _, p in floors)),
        ("full run (python -m asker_pipeline)", full, peak),
        ("bare import dagster", *bare),
        ("code location load", *location),
    ]:
        print(f"{name:40} {wall:8.2f} {mb:8.0f}")
    print(f"(median of {args.repeat} alternating pairs)\n")
    values = {
        "full run / import floor": ratio,
        "full run peak RSS (MB)": peak,
        "code location / bare import dagster": statistics.median(
            loc[0] / b[0] for loc, b in zip(locations, bares, strict=True)
        ),
    }
    ok = True
    for name, value in values.items():
        passed = value <= GOALS[name]
        ok &= passed
        print(f"{name:40} {value:8.2f}  goal <= {GOALS[name]:g}  {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
