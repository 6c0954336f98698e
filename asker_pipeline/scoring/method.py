"""The scoring method, one small pure function per step (named for the method, as in COINr).

U4SSC "performance to target": each scored value gets a percentage of its target, the percentage
a band (1-4 points), and points roll up to category, sub-dimension, dimension and SDG as
points / (4 x n). A 0-100 goalposts score (SDSN style) is kept alongside. See docs/scoring.md."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

#: Bump when a formula or band changes; every score records it.
METHOD_VERSION = "2026.1"

#: Percentages are rounded to this many decimals before banding, so 19.8 / 60 is exactly 33 %.
PERCENT_DECIMALS = 9


@dataclass(frozen=True)
class Band:
    points: int
    lower: float  # inclusive, % of target
    upper: float  # exclusive
    label: str  # Norwegian and English read the same: "33–66 %"


BANDS: tuple[Band, ...] = (
    Band(1, -math.inf, 33.0, "under 33 %"),
    Band(2, 33.0, 66.0, "33–66 %"),
    Band(3, 66.0, 95.0, "66–95 %"),
    Band(4, 95.0, math.inf, "95 % and over"),
)
BAND_LABELS = {b.points: b.label for b in BANDS}

#: The formula each direction uses, shown next to every percentage in the outputs.
PERCENT_FORMULAS = {
    "higher": "value / target × 100",
    "lower": "target / value × 100, capped at 100 (value at or below target = 100)",
}


def percent_of_target(value: float, target: float, direction: str) -> float | None:
    """How far a value has come towards its target, in percent.

    higher is better: value / target × 100 (may exceed 100).
    lower is better: target / value × 100, capped at 100: at or below the target is 100 %, twice
    the target is 50 %. Needs a positive target (a target of 0 has no ratio; see targets).
    Returns None when the value cannot be scored (direction "none", missing value or target)."""
    if value is None or target is None or _isnan(value) or _isnan(target):
        return None
    if direction == "higher":
        if target <= 0:
            raise ValueError(f"higher-is-better target must be positive, got {target}")
        return round(value / target * 100.0, PERCENT_DECIMALS)
    if direction == "lower":
        if target <= 0:
            raise ValueError(f"lower-is-better target must be positive, got {target}")
        if value <= target:
            return 100.0
        return round(target / value * 100.0, PERCENT_DECIMALS)
    return None


def band(percent: float | None) -> int | None:
    """U4SSC points: under 33 % = 1, 33 to under 66 % = 2, 66 to under 95 % = 3, 95 % and over = 4.

    Edges belong to the band above: exactly 33 % is 2, exactly 66 % is 3, exactly 95 % is 4."""
    if percent is None or _isnan(percent):
        return None
    percent = round(percent, PERCENT_DECIMALS)
    for b in BANDS:
        if b.lower <= percent < b.upper:
            return b.points
    raise AssertionError(percent)  # the bands cover the real line


def band_label(points: int | None) -> str | None:
    return BAND_LABELS.get(points) if points is not None else None


def band_limits(target: float) -> tuple[float, float, float]:
    """Values where a higher-is-better KPI moves up a band (33, 66, 95 % of target)."""
    return tuple(round(target * edge / 100.0, PERCENT_DECIMALS) for edge in (33.0, 66.0, 95.0))


@dataclass(frozen=True)
class Rollup:
    n_scored: int
    points: int
    max_points: int
    percent: float | None
    points_band: int | None
    band_label: str | None


def rollup(points: Iterable[int | None]) -> Rollup:
    """Points ÷ (4 × n) over the scored values, banded like a single value.

    Values without points (not reported, no target) are left out of numerator and denominator."""
    scored = [int(p) for p in points if p is not None and not _isnan(p)]
    if not scored:
        return Rollup(0, 0, 0, None, None, None)
    total, maximum = sum(scored), 4 * len(scored)
    percent = round(total / maximum * 100.0, PERCENT_DECIMALS)
    points_band = band(percent)
    return Rollup(len(scored), total, maximum, percent, points_band, band_label(points_band))


def goalposts(value: float | None, lower_bound: float | None, target: float | None) -> float | None:
    """0-100 score between a lower bound (0) and the target (100), clipped (SDSN SDG Index style).

    Works for both directions: for lower-is-better the lower bound is the larger number."""
    if any(x is None or _isnan(x) for x in (value, lower_bound, target)) or lower_bound == target:
        return None
    score = (value - lower_bound) / (target - lower_bound) * 100.0
    return round(min(100.0, max(0.0, score)), PERCENT_DECIMALS)


def _isnan(x: object) -> bool:
    """None, NaN and pandas.NA all mean "no number"."""
    return bool(pd.isna(x))
