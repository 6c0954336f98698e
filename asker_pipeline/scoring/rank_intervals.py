"""Rank intervals: how sure a rank is, given how each value was obtained.

A rank among peers reads as exact ("Asker is 2nd of 5") although the values behind it are of
very different reliability: a register count and a personal estimate rank alike. Following the
uncertainty analysis of composite indicators (COINr's ``get_sensitivity(SA_type = "UA")``: many
Monte Carlo replications, then per unit the nominal rank, the median rank and the 5th-95th
percentile of its ranks), this draws each value many times around itself, with a spread set by
its U4SSC data-quality level (``assets/data_quality_uncertainty.csv``, a relative standard
deviation per level and a default for values without one), ranks every draw, and reports per
data point and municipality:

- ``nominal``: the rank of the values as given (1 = best; ties share the best rank);
- ``median``: the median rank over the draws;
- ``low`` / ``high``: the 5th and 95th percentile of the ranks (a 90 % rank interval);
- ``p_best``: the share of draws in which the municipality is best (ranked 1).

A value is drawn as ``value × exp(σ·z − σ²/2)`` with ``z`` standard normal: multiplicative
(an error in proportion to the value, as the levels describe), never changing sign, with the
value as its mean. A value with σ = 0 is never moved, so with no uncertainty the interval is the
nominal rank. Ranks are direction-aware through the same merit as the peer comparison
(``comparison.merit``): higher is better, lower is better, or closer to a parity target. A missing
value (NaN) gets no rank and does not count when the others are ranked. Pure numpy; the draws
depend only on the seed and the data point's position, so the same inputs give the same result.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from asker_pipeline.settings import assets_dir
from asker_pipeline.spreadsheets.layout import DATA_QUALITY

UNCERTAINTY_FILE = "data_quality_uncertainty.csv"
LEVELS = tuple(quality.key for quality in DATA_QUALITY)
#: The key of the row used for a value without a data-quality level.
NOT_STATED = ""
#: The level a value without one is drawn with, by its source: Statistics Norway's figures are
#: counts from registers (employment, unemployment, education, income), a complete enumeration
#: with small errors of coverage, timing and definition, which is what the level "accurate
#: measurement" describes (assets/RANK_INTERVALS.md).
SOURCE_LEVELS = {"open_data": "accurate_measurement"}
DRAWS, SEED, INTERVAL = 1000, 2026, 0.90
#: Elements (data points × draws × municipalities) ranked at once: bounds memory (~8 bytes each).
CHUNK_ELEMENTS = 4_000_000


class UncertaintyTableError(ValueError):
    """The level-to-uncertainty table is incomplete or malformed."""


def load_uncertainty(path: Path | None = None) -> dict[str, float]:
    """Relative standard deviation per data-quality level, ``""`` for a value without one
    (default: ``data_quality_uncertainty.csv`` in the reference folder, ``ASKER_ASSETS``)."""
    path = path or assets_dir() / UNCERTAINTY_FILE
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table: dict[str, float] = {}
    for number, row in enumerate(rows, start=2):
        level = row["level"].strip()
        try:
            sd = float(row["relative_sd"])
        except ValueError as error:
            raise UncertaintyTableError(f"{Path(path).name} row {number}: {error}") from error
        if sd < 0 or not np.isfinite(sd):
            raise UncertaintyTableError(f"{Path(path).name} row {number}: relative_sd {sd} < 0")
        if level not in (*LEVELS, NOT_STATED) or level in table:
            raise UncertaintyTableError(
                f"{Path(path).name} row {number}: level {level!r} unknown or repeated"
            )
        table[level] = sd
    missing = [level for level in (*LEVELS, NOT_STATED) if level not in table]
    if missing:
        raise UncertaintyTableError(f"{Path(path).name}: no row for {missing}")
    return table


def relative_sd(levels: np.ndarray, table: dict[str, float]) -> np.ndarray:
    """The relative standard deviation of each value from its level (None or "" = not stated)."""
    keys = pd.Series(np.asarray(levels, dtype=object).ravel()).fillna(NOT_STATED)
    unknown = sorted(set(keys) - set(table))
    if unknown:
        raise UncertaintyTableError(f"no uncertainty for data-quality level {unknown[0]!r}")
    return keys.map(table).to_numpy(dtype=float).reshape(np.shape(levels))


def value_levels(data_quality: pd.Series, source_kind: pd.Series | None = None) -> np.ndarray:
    """The level each value is drawn with: the reporter's, else the one its source implies
    (``SOURCE_LEVELS``: open data from Statistics Norway's registers), else not stated."""
    levels = data_quality.astype(object).where(data_quality.notna() & (data_quality != ""), None)
    if source_kind is not None:
        implied = source_kind.astype(object).map(SOURCE_LEVELS)
        levels = levels.where(levels.notna(), implied)
    return levels.fillna(NOT_STATED).to_numpy(dtype=object)


def merits(values: np.ndarray, orientation: np.ndarray, parity: np.ndarray) -> np.ndarray:
    """Larger is better, per data point (rows): the value, its negative, or minus its distance
    from parity; NaN for a missing value or a data point without a direction."""
    values = np.asarray(values, dtype=float)
    orientation = np.asarray(orientation, dtype=object).reshape(-1)
    parity = np.asarray(parity, dtype=float).reshape(-1)
    out = values.copy()
    lower, par = orientation == "lower", orientation == "parity"
    out[lower] = -out[lower]
    if par.any():
        shape = (-1, *([1] * (values.ndim - 1)))
        out[par] = -np.abs(values[par] - parity[par].reshape(shape))
    out[~(lower | par | (orientation == "higher"))] = np.nan
    return out


def competition_ranks(merit: np.ndarray) -> np.ndarray:
    """Rank along the last axis, 1 = largest merit, ties sharing the best rank (1, 2, 2, 4);
    NaN stays NaN and is not counted."""
    ranks = _ranks(merit).astype(float)
    ranks[ranks == 0] = np.nan
    return ranks


def _ranks(merit: np.ndarray) -> np.ndarray:
    """``competition_ranks`` as small integers, 0 for NaN (what the draws are ranked with)."""
    missing = np.isnan(merit)
    # Best first, NaN last (as +inf: numpy's vectorised sort is several times faster without
    # NaN); the order among ties does not matter, they get one rank.
    order = np.argsort(np.where(missing, np.inf, -merit), axis=-1)
    ordered = np.take_along_axis(merit, order, axis=-1)
    starts = np.empty(ordered.shape, dtype=bool)  # where a run of equal merits starts
    starts[..., 0] = True
    np.not_equal(ordered[..., 1:], ordered[..., :-1], out=starts[..., 1:])
    ranked = np.where(starts, np.arange(1, merit.shape[-1] + 1, dtype=np.int32), np.int32(0))
    np.maximum.accumulate(ranked, axis=-1, out=ranked)  # a tie keeps its run's first position
    ranked[np.isnan(ordered)] = 0
    ranks = np.empty_like(ranked)
    np.put_along_axis(ranks, order, ranked, axis=-1)
    return ranks


@dataclass(frozen=True)
class RankIntervals:
    """Per data point (rows) and municipality (columns); NaN where a value is missing."""

    nominal: np.ndarray
    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    p_best: np.ndarray
    draws: int
    seed: int
    interval: float


def rank_intervals(
    values: np.ndarray,
    sd: np.ndarray,
    orientation: np.ndarray,
    parity: np.ndarray | None = None,
    draws: int = DRAWS,
    seed: int = SEED,
    interval: float = INTERVAL,
    first_row: int = 0,
) -> RankIntervals:
    """Monte Carlo rank intervals for ``values`` (data points × municipalities, NaN = missing).

    ``sd``: relative standard deviation of each value (``relative_sd``), same shape;
    ``orientation``: per data point "higher", "lower" or "parity" (anything else: no ranks);
    ``parity``: per data point, the parity target (NaN where not parity); ``first_row``: the
    position of the first row in a larger matrix (its draws are seeded by position)."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    sd = np.broadcast_to(np.asarray(sd, dtype=float), values.shape)
    points, municipalities = values.shape
    orientation = np.asarray(orientation, dtype=object).reshape(points)
    parity = np.full(points, np.nan) if parity is None else np.asarray(parity, dtype=float)
    if np.any(sd < 0):
        raise ValueError("a relative standard deviation is negative")
    nominal = competition_ranks(merits(values, orientation, parity))
    shape = (points, municipalities)
    median, low, high, p_best = (np.full(shape, np.nan) for _ in range(4))
    tail = (1 - interval) / 2
    # Positions in the sorted draws: numpy's quantile methods "lower" and "higher" for the
    # interval, the mean of the two middle ones for the median.
    at_low, at_high = int(np.floor(tail * (draws - 1))), int(np.ceil((1 - tail) * (draws - 1)))
    middle = [(draws - 1) // 2, draws // 2]
    step = max(1, CHUNK_ELEMENTS // max(1, draws * municipalities))
    for start in range(0, points, step):
        rows = slice(start, min(points, start + step))
        drawn = _drawn_merits(
            values[rows], sd[rows], orientation[rows], parity[rows], draws, seed, first_row + start
        )  # (chunk, draws, municipalities)
        # Each municipality's ranks over the draws, sorted (small integers: a fast sort; a
        # missing value's rank is 0, masked below).
        ordered = np.sort(_ranks(drawn).transpose(0, 2, 1), axis=-1)
        present = ~np.isnan(values[rows])
        median[rows] = np.where(present, ordered[..., middle].mean(axis=-1), np.nan)
        low[rows] = np.where(present, ordered[..., at_low], np.nan)
        high[rows] = np.where(present, ordered[..., at_high], np.nan)
        p_best[rows] = np.where(present, (ordered == 1).mean(axis=-1), np.nan)
    directed = np.isin(orientation, ("higher", "lower", "parity"))[:, None]
    median, low, high, p_best = (np.where(directed, a, np.nan) for a in (median, low, high, p_best))
    return RankIntervals(nominal, median, low, high, p_best, draws, seed, interval)


def on_two_cores(
    problems: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    draws: int = DRAWS,
    seed: int = SEED,
    interval: float = INTERVAL,
) -> list[RankIntervals]:
    """``rank_intervals`` for each (values, sd, orientation, parity), the first half of every
    matrix's rows here and the second half in the run's worker process at the same time
    (``workers.share``). Rows are seeded by position, so the result is the one call's."""
    from asker_pipeline import workers

    cuts = [(len(values) + 1) // 2 for values, *_ in problems]
    halves = [
        (*(np.asarray(a)[part] for a in problem), draws, seed, interval, part.start or 0)
        for part_of in (lambda cut: slice(0, cut), lambda cut: slice(cut, None))
        for problem, cut in zip(problems, cuts, strict=True)
        for part in [part_of(cut)]
    ]
    done = workers.share([(rank_intervals, half) for half in halves])
    first, second = done[: len(problems)], done[len(problems) :]
    return [
        RankIntervals(
            *(np.vstack([getattr(a, f), getattr(b, f)]) for f in FIELDS), draws, seed, interval
        )
        for a, b in zip(first, second, strict=True)
    ]


FIELDS = ("nominal", "median", "low", "high", "p_best")


def _drawn_merits(values, sd, orientation, parity, draws: int, seed: int, first: int):
    """Each value drawn ``draws`` times around itself, value × exp(σz − σ²/2), as merits. One
    generator per data point (seeded with its position), so the chunking never changes a result."""
    z = np.empty((values.shape[0], draws, values.shape[1]))
    for i in range(values.shape[0]):
        np.random.default_rng([seed, first + i]).standard_normal(out=z[i])
    s = sd[:, None, :]
    drawn = values[:, None, :] * np.exp(s * z - s * s / 2)
    return merits(drawn, orientation, parity).astype(np.float32)  # ranks only: float32 is enough
