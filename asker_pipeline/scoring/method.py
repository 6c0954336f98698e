"""The scoring method, one small pure function per step (named for the method, as in COINr).

U4SSC "performance to target": each scored value gets a percentage of its target (0-100), the
percentage a band (1-4 points), and points roll up to category, sub-dimension, dimension and SDG
as points / (4 x n). A 0-100 goalposts score (SDSN style) is kept alongside. See docs/scoring.md.

Inputs are checked, not trusted: a missing value (None, NaN, pandas.NA) means "no score", while a
negative, infinite or non-numeric input raises ``ScoringInputError`` naming the argument."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass

from asker_pipeline.missing import is_missing

#: Bump when a formula or band changes; every score records it.
METHOD_VERSION = "2026.2"

#: Percentages are rounded to this many decimals before banding, so 19.8 / 60 is exactly 33 %.
PERCENT_DECIMALS = 9

#: How a target is turned into a percentage (``target_method`` in assets/targets.csv).
RATIO, GOALPOSTS, PARITY = "ratio", "goalposts", "parity"
METHODS = (RATIO, GOALPOSTS, PARITY)
DIRECTIONS = ("higher", "lower", "none")


class ScoringInputError(ValueError):
    """A value, target or score the method cannot use (negative, infinite, not a number, ...)."""


@dataclass(frozen=True)
class Band:
    points: int
    lower: float  # inclusive, % of target
    upper: float  # exclusive (the last band includes 100)
    label: str  # Norwegian and English read the same: "33–66 %"


BANDS: tuple[Band, ...] = (
    Band(1, 0.0, 33.0, "under 33 %"),
    Band(2, 33.0, 66.0, "33–66 %"),
    Band(3, 66.0, 95.0, "66–95 %"),
    Band(4, 95.0, math.inf, "95 % and over"),
)
BAND_LABELS = {b.points: b.label for b in BANDS}

#: The formula behind every percentage, shown next to it in the outputs (``formula``).
PERCENT_FORMULAS = {
    "higher": "value / target × 100, capped at 100",
    "lower": "target / value × 100, capped at 100 (value at or below target = 100)",
    GOALPOSTS: "(worse bound − value) / (worse bound − target) × 100, clipped to 0–100",
    PARITY: "(1 − |value − target| / target) × 100, at least 0: distance from parity either way",
}


def formula(direction: str, target_method: str = RATIO) -> str | None:
    """The text of the formula ``percent_of_target`` uses for this direction and method."""
    if direction == "none":
        return None
    return PERCENT_FORMULAS[direction if target_method == RATIO else target_method]


def check_number(name: str, x: object) -> float | None:
    """``x`` as a float, or None when it is missing (None, NaN, pandas.NA).

    Raises ScoringInputError for booleans, text and other non-numbers, infinities and negative
    numbers: every unit of the catalogue starts at 0, so a negative input is a data error."""
    if is_missing(x):
        return None
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ScoringInputError(f"{name} must be a number, got {x!r} ({type(x).__name__})")
    number = float(x)
    if math.isinf(number):
        raise ScoringInputError(f"{name} must be finite, got {number}")
    if number < 0:
        raise ScoringInputError(f"{name} must not be negative, got {number}")
    return number


def _direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise ScoringInputError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    return direction


def _method(target_method: str) -> str:
    if target_method not in METHODS:
        raise ScoringInputError(f"target_method must be one of {METHODS}, got {target_method!r}")
    return target_method


def percent_of_target(
    value: object,
    target: object,
    direction: str,
    target_method: str = RATIO,
    lower_bound: object = None,
) -> float | None:
    """How far a value has come towards its target, in percent, 0 to 100 (this feeds the bands).

    ratio, higher is better: value / target × 100, capped at 100.
    ratio, lower is better: target / value × 100, capped at 100 (at or below the target = 100).
    goalposts: (worse bound − value) / (worse bound − target) × 100, clipped to 0-100; the worse
      bound is ``lower_bound``. For targets of 0 (deaths, open dumping), where a ratio is undefined.
    parity: (1 − |value − target| / target) × 100, at least 0: 1.27 and 0.79 against parity 1.0
      are 27 % and 21 % away from it, so neither reaches the top band.
    Returns None when the value cannot be scored (direction "none", missing value or target)."""
    direction, target_method = _direction(direction), _method(target_method)
    value, target = check_number("value", value), check_number("target", target)
    if direction == "none" or value is None or target is None:
        return None
    if target_method == GOALPOSTS:
        bound = check_number("lower_bound", lower_bound)
        if bound is None:
            raise ScoringInputError("the goalposts method needs a lower_bound (the worse bound)")
        _check_worse_side(bound, target, direction)
        return goalposts(value, bound, target)
    if target <= 0:
        raise ScoringInputError(
            f"a {target_method} target must be positive, got {target} (score a target of 0 "
            "with the goalposts method)"
        )
    if target_method == PARITY:
        return _rounded(max(0.0, 1.0 - abs(value - target) / target) * 100.0)
    if direction == "higher":
        return _rounded(min(100.0, value / target * 100.0))
    if value <= target:
        return 100.0
    return _rounded(target / value * 100.0)


def uncapped_percent_of_target(
    value: object, target: object, direction: str, target_method: str = RATIO
) -> float | None:
    """The ratio before the cap at 100 (ratio method only): value / target × 100 when higher is
    better, target / value × 100 when lower is better. 120 means 20 % past the target. None for
    the other methods (they are bounded by construction) and for a lower-is-better value of 0."""
    direction, target_method = _direction(direction), _method(target_method)
    value, target = check_number("value", value), check_number("target", target)
    if target_method != RATIO or direction == "none" or value is None or target is None:
        return None
    if target <= 0:
        raise ScoringInputError(f"a ratio target must be positive, got {target}")
    if direction == "higher":
        return _rounded(value / target * 100.0)
    return None if value == 0 else _rounded(target / value * 100.0)


def band(percent: object) -> int | None:
    """U4SSC points: under 33 % = 1, 33 to under 66 % = 2, 66 to under 95 % = 3, 95 % and over = 4.

    Edges belong to the band above: exactly 33 % is 2, exactly 66 % is 3, exactly 95 % is 4.
    Takes a percentage of target between 0 and 100 (capped: see ``percent_of_target``)."""
    percent = check_number("percent", percent)
    if percent is None:
        return None
    percent = _rounded(percent)
    if percent > 100.0:
        raise ScoringInputError(
            f"percent must be at most 100 (cap it before banding), got {percent}"
        )
    for b in BANDS:
        if b.lower <= percent < b.upper:
            return b.points
    raise AssertionError(percent)  # the bands cover 0-100


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


def check_points(p: object) -> int | None:
    """A whole number of points 1-4, or None when missing; 3.7, 5, 0 and "3" are refused."""
    if is_missing(p):
        return None
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise ScoringInputError(f"points must be a whole number 1-4, got {p!r}")
    if not float(p).is_integer() or not 1 <= p <= 4:
        raise ScoringInputError(f"points must be a whole number 1-4, got {p!r}")
    return int(p)


def rollup(points: Iterable[object]) -> Rollup:
    """Points ÷ (4 × n) over the scored values, banded like a single value.

    Values without points (not reported, no target) are left out of numerator and denominator.
    Anything else that is not a whole number 1-4 raises ScoringInputError (never truncated)."""
    scored = [p for p in (check_points(p) for p in points) if p is not None]
    if not scored:
        return Rollup(0, 0, 0, None, None, None)
    total, maximum = sum(scored), 4 * len(scored)
    percent = rollup_percent(total, maximum)
    points_band = band(percent)
    return Rollup(len(scored), total, maximum, percent, points_band, band_label(points_band))


def rollup_percent(points: int, max_points: int) -> float:
    """A roll-up's points as a percentage of the maximum."""
    return _rounded(points / max_points * 100.0)


def goalposts(value: object, lower_bound: object, target: object) -> float | None:
    """0-100 score between a lower bound (0) and the target (100), clipped (SDSN SDG Index style).

    Works for both directions: for lower-is-better the lower bound is the larger number."""
    value = check_number("value", value)
    lower_bound = check_number("lower_bound", lower_bound)
    target = check_number("target", target)
    if value is None or lower_bound is None or target is None or lower_bound == target:
        return None
    score = (value - lower_bound) / (target - lower_bound) * 100.0
    return _rounded(min(100.0, max(0.0, score)))


def _check_worse_side(bound: float, target: float, direction: str) -> None:
    worse = bound < target if direction == "higher" else bound > target
    if not worse:
        raise ScoringInputError(
            f"lower_bound {bound} must lie on the worse side of target {target} ({direction} is "
            "better)"
        )


def _rounded(x: float) -> float:
    return round(x, PERCENT_DECIMALS)
