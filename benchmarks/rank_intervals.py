"""Benchmark: Monte Carlo rank intervals (asker_pipeline/scoring/rank_intervals.py).

Goals (issue 13): 1 000 draws for 5 municipalities × 112 data points in at most 2 s, and for
357 municipalities × 112 data points in at most 30 s. The inputs are synthetic (seeded): values
of several magnitudes, about one in ten missing, every data-quality level and values without
one, higher-, lower- and parity-oriented data points. Each size is timed --repeat times; the
median counts. Exit status 1 when a goal is missed.
Usage: python benchmarks/rank_intervals.py [--repeat 3] [--draws 1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from asker_pipeline.scoring.rank_intervals import (
    LEVELS,
    load_uncertainty,
    rank_intervals,
    relative_sd,
)

DATA_POINTS = 112
GOALS = {5: 2.0, 357: 30.0}  # municipalities -> seconds


def synthetic(municipalities: int, seed: int = 13):
    rng = np.random.default_rng(seed)
    scale = rng.lognormal(2, 2, (DATA_POINTS, 1))
    values = scale * rng.lognormal(0, 0.3, (DATA_POINTS, municipalities))
    values[rng.random(values.shape) < 0.1] = np.nan
    levels = rng.choice(np.array([*LEVELS, ""], dtype=object), values.shape)
    directions = np.array(["higher", "lower", "parity"])
    orientation = rng.choice(directions, DATA_POINTS, p=[0.5, 0.45, 0.05])
    parity = np.where(orientation == "parity", scale[:, 0], np.nan)
    return values, relative_sd(levels, load_uncertainty()), orientation, parity


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    ok = True
    for municipalities, goal in GOALS.items():
        values, sd, orientation, parity = synthetic(municipalities)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = rank_intervals(values, sd, orientation, parity, draws=args.draws)
            timings.append(time.perf_counter() - started)
        elapsed = statistics.median(timings)
        width = np.nanmean(result.high - result.low)
        met = elapsed <= goal
        ok &= met
        print(
            f"{municipalities:>3} municipalities × {DATA_POINTS} data points × {args.draws} draws: "
            f"{elapsed:.2f} s (goal ≤ {goal:.0f} s: {'met' if met else 'MISSED'}); "
            f"mean 90 % interval width {width:.1f} ranks"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
