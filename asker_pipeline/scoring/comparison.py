"""Peer comparison: each municipality against the others of a peer set, per KPI data point.

A peer set is data (``assets/peer_sets.csv``): the network (the subject's default set), a county,
all of Norway, any list. ``compare_peer_sets`` compares the default set and every other set the
subject is in (its county, all of Norway); ``compare`` does one set, vectorised over every data point and
municipality at once (a data point × municipality matrix), so all of Norway costs about as much
as five.

Only comparable values are compared: the data point's catalogue unit, and the reference year or
the nearest year (shown). Which data points are compared, and at which reference year, is decided
once, by the subject and its default set (the network), and kept in every set: the larger sets
place the network's values in the county and the country, so a municipality's network rank and
its national percentile describe the same year. A county or all of Norway is compared on a data
point only where at least half of its municipalities have a value (``MIN_COVERAGE``): two
network members with a workbook are not "the county".

Every figure is direction-aware, so "better" means the same everywhere: higher is better, lower
is better, or - for a parity target such as gender income equity - closer to parity from either
side. Ranks are 1 = best with ties sharing the best rank ("1, 2, 2, 4"); the peer median is the
median of the *other* municipalities' values; ``lead_over_peer_median`` is positive when the
value is better than that median; the 0-100 position is min-max within the set, 100 = best; the
percentile rank is the share of the others a value beats (ties count half), 0-100, comparable
across set sizes (in the set ``all``: the national position); leads/lags compares with the peer
median. Rank intervals (median rank, 90 % interval, probability of being best) come from
``rank_intervals``, each value drawn with the uncertainty of its data-quality level.

A value under review (``quality/review.py``) is shown, marked, but left out of every figure
(median, rank, percentile rank, position, lead, standing, interval) unless
``include_under_review``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from asker_pipeline.missing import is_missing
from asker_pipeline.schema import tables
from asker_pipeline.scoring import method, rank_intervals
from asker_pipeline.scoring.zero_point import pick_years

COMPARISON_COLUMNS = tables.PEER_COMPARISON.column_names
SUMMARY_COLUMNS = tables.PEER_SUMMARY.column_names
#: How "better" is read: the catalogue's directions, and parity (closer to the target is better).
ORIENTATIONS = ("higher", "lower", "parity")
#: Peer-set kinds compared on a data point only where enough of their members have a value.
COVERAGE_KINDS = ("county", "all")
#: The share of a county's or the country's municipalities that must have a value.
MIN_COVERAGE = 0.5
KEYS = ["kpi_code", "data_point"]


# -- figures of a data point × municipality matrix ---------------------------------------------


def _orientations(orientation) -> np.ndarray:
    return np.asarray(orientation, dtype=object).reshape(-1)


def figures(values: np.ndarray, counted: np.ndarray, orientation, parity) -> dict[str, np.ndarray]:
    """Every comparison figure for a matrix of values (data points × municipalities, NaN = no
    value); ``counted`` says which values count (False: under review). Per data point,
    ``orientation`` ("higher", "lower", "parity"; anything else: no direction) and ``parity``
    (the parity target, NaN elsewhere). NaN (None for ``standing``) where a figure has no value."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    orientation, parity = _orientations(orientation), np.asarray(parity, dtype=float).reshape(-1)
    shown = np.where(counted, values, np.nan)  # the values the figures are computed from
    merit = rank_intervals.merits(shown, orientation, parity)
    present = ~np.isnan(merit)
    n_present = present.sum(axis=1, keepdims=True)
    rank = rank_intervals.competition_ranks(merit)
    worse = rank_intervals.competition_ranks(-merit) - 1  # how many are worse
    equal = n_present - (rank - 1) - worse  # itself included
    beaten = worse + 0.5 * (equal - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        percentile = np.where(n_present >= 2, np.round(100.0 * beaten / (n_present - 1), 9), np.nan)
        median = _median_of_others(shown, ~np.isnan(values) & ~np.asarray(counted, dtype=bool))
        lead = np.round(merit - rank_intervals.merits(median, orientation, parity), 9)
        low = np.fmin.reduce(merit, axis=1, initial=np.inf, keepdims=True)
        high = np.fmax.reduce(merit, axis=1, initial=-np.inf, keepdims=True)
        position = np.where(high == low, 100.0, np.round(100.0 * (merit - low) / (high - low), 9))
    position[~present] = np.nan
    directed = np.isin(orientation, ORIENTATIONS)[:, None]
    standing = np.select(
        [np.isnan(median), ~directed, lead == 0, lead > 0],
        ["no peers", "no direction", "level", "leads"],
        "lags",
    ).astype(object)
    standing[np.isnan(shown)] = None
    return {
        "n_compared": (~np.isnan(shown)).sum(axis=1),
        "rank": rank,
        "percentile_rank": percentile,
        "peer_median": median,
        "lead_over_peer_median": lead,
        "position": position,
        "standing": standing,
    }


def _median_of_others(shown: np.ndarray, left_out: np.ndarray) -> np.ndarray:
    """Per element, the median of the other counted values of its row. A counted value leaves
    one copy of itself out of its row's sorted values; a value left out (``left_out``) sees the
    whole row. NaN where there are no others."""
    ordered = np.sort(shown, axis=1)  # NaN last
    n = (~np.isnan(shown)).sum(axis=1, keepdims=True)
    own = ~np.isnan(shown)
    below = rank_intervals.competition_ranks(-shown) - 1  # own position among the sorted
    others = np.where(own, n - 1, n)
    first, second = (others - 1) // 2, others // 2
    # Skip over the element's own copy: positions at or after it move one on.
    skip = np.where(own, below, np.inf)
    first = np.where(first >= skip, first + 1, first)
    second = np.where(second >= skip, second + 1, second)
    width = shown.shape[1]
    pick = lambda k: np.take_along_axis(  # noqa: E731
        ordered, np.clip(np.nan_to_num(k, nan=0), 0, max(width - 1, 0)).astype(int), axis=1
    )
    median = (pick(first) + pick(second)) / 2
    median[(others < 1) | ~(own | left_out)] = np.nan
    return median


# -- the same figures for one list of values (the pure functions tests and texts read) ----------


def _row(values: list[object]) -> np.ndarray:
    return np.array([[np.nan if (n := method.check_number("value", v)) is None else n
                      for v in values]], dtype=float)


def _parity(parity: float | None) -> np.ndarray:
    return np.array([np.nan if parity is None else parity], dtype=float)


def _out(array: np.ndarray, kind=float) -> list:
    return [None if np.isnan(x) else kind(x) for x in array.ravel()]


def merit(value: object, orientation: str, parity: float | None = None) -> float | None:
    """A number that is larger when the value is better: the value (higher is better), its
    negative (lower is better), or minus its distance from ``parity``. None for a missing value
    or a data point without direction; negative, infinite and non-numeric values raise."""
    if orientation == "parity" and parity is None and method.check_number("value", value) is not None:
        raise method.ScoringInputError("the parity orientation needs the parity value")
    return _out(rank_intervals.merits(_row([value]), [orientation], _parity(parity)))[0]


def rank(values: list[object], orientation: str, parity: float | None = None) -> list[int | None]:
    """Direction-aware competition rank, 1 = best; ties share the best rank (1, 2, 2, 4).

    A missing value gets no rank and is not counted when ranking the others."""
    row = _row(values)
    return _out(figures(row, np.ones(row.shape, bool), [orientation], _parity(parity))["rank"], int)


def percentile_rank(
    values: list[object], orientation: str, parity: float | None = None
) -> list[float | None]:
    """Per value, the share of the other values it beats, ties counting half, × 100: 100 = better
    than every other, 0 = worse than every other, 50 = in the middle. Unlike a rank it reads the
    same out of 3, 4 or 5 compared. None for a missing value, or when nothing else is compared."""
    row = _row(values)
    return _out(
        figures(row, np.ones(row.shape, bool), [orientation], _parity(parity))["percentile_rank"]
    )


def position(
    value: object, values: list[object], orientation: str, parity: float | None = None
) -> float | None:
    """0-100 min-max position among ``values``, 100 = best; all equal gives 100."""
    mine, row = merit(value, orientation, parity), _row(values)
    keyed = rank_intervals.merits(row, [orientation], _parity(parity))
    keyed = keyed[~np.isnan(keyed)]
    if mine is None or not keyed.size:
        return None
    low, high = float(keyed.min()), float(keyed.max())
    return 100.0 if high == low else round(100.0 * (mine - low) / (high - low), 9)


def lead_over_peer_median(
    value: object, peer_median: object, orientation: str, parity: float | None = None
) -> float | None:
    """How much better than the peer median, in the data point's unit: value − median when
    higher is better, median − value when lower is better, and for parity how much closer to
    parity (|median − parity| − |value − parity|). Positive always means better than the median."""
    mine, theirs = merit(value, orientation, parity), merit(peer_median, orientation, parity)
    if mine is None or theirs is None:
        return None
    return round(mine - theirs, 9)


def standing(
    value: object, peer_median: object, orientation: str, parity: float | None = None
) -> str:
    """leads / lags / level against the peer median, in the better direction."""
    if is_missing(peer_median):
        return "no peers"
    if orientation not in ORIENTATIONS:
        return "no direction"
    lead = lead_over_peer_median(value, peer_median, orientation, parity)
    return "level" if lead == 0 else "leads" if lead > 0 else "lags"


def orientation_of(direction: str, target_method: object) -> str:
    """Parity data points are compared by their distance from parity, the others by direction."""
    if isinstance(target_method, str) and target_method == method.PARITY:
        return "parity"
    return direction


def reference_years(values: pd.DataFrame, subject: str | None, max_distance: int) -> pd.Series:
    """Per data point (index: kpi_code, data_point), the subject's latest year that at least one
    other municipality can be compared with (a value within ``max_distance`` years); else the
    subject's latest year; else the latest year of anyone."""
    years = values[[*KEYS, "municipality_code", "year"]]
    mine = years["municipality_code"] == subject
    own = years.loc[mine, [*KEYS, "year"]].drop_duplicates()
    others = years.loc[~mine, [*KEYS, "year"]].drop_duplicates()
    pairs = own.merge(others, on=KEYS, suffixes=("", "_other"))
    near = pairs[(pairs["year"] - pairs["year_other"]).abs() <= max_distance]
    chosen = near.groupby(KEYS)["year"].max()
    chosen = chosen.combine_first(own.groupby(KEYS)["year"].max())
    return chosen.combine_first(years.groupby(KEYS)["year"].max()).astype(int)


# -- one peer set, and every peer set -----------------------------------------------------------


def compare(
    values: pd.DataFrame,
    points: pd.DataFrame,
    municipalities: pd.DataFrame,
    versions: dict[str, str],
    year: int | None = None,
    max_distance: int = 2,
    include_under_review: bool = False,
    *,
    peer_set: str = "network",
    min_coverage: float = 0.0,
    uncertainty: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per data point and member of the peer set ``municipalities`` (code, name, role)
    that has a comparable value.

    ``values``: selected, reported rows, marked by ``review.under_review``; their
    ``data_quality`` (and ``source_kind``) set each value's uncertainty (``uncertainty``: the
    table of ``rank_intervals.load_uncertainty``). The reference year per data point is ``year``,
    else ``reference_years`` (the subject's latest year a peer can be compared with). A data point
    that fewer than ``min_coverage`` of the members have a value for is left out. Values under
    review keep their row but count in no figure, unless ``include_under_review``."""
    members = _Members(peer_set, "list", municipalities, min_coverage)
    return _compare([members], values, points, members.codes, versions, year, max_distance,
                    include_under_review, uncertainty)


def compare_peer_sets(
    values: pd.DataFrame,
    points: pd.DataFrame,
    history,
    versions: dict[str, str],
    year: int | None = None,
    max_distance: int = 2,
    include_under_review: bool = False,
    uncertainty: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """``compare`` for every set of ``peer_sets_compared``. The default set (the network)
    decides which data points are compared and at which reference year; the larger sets place
    the values of those data points in the county and the country, where at least
    ``MIN_COVERAGE`` of their municipalities have one. Values are read and years picked once for
    all sets; the rank intervals of all sets are drawn on two cores."""
    network = history.municipalities
    roles = dict(zip(network["code"], network["role"], strict=True))
    sets = []
    for name, kind in peer_sets_compared(history):
        if name == history.default_peer_set:
            members = network
        else:
            codes = list(history.peer_set(name))
            members = history.register.set_index("code").loc[codes, ["name"]].reset_index()
            members["role"] = [roles.get(c, "") for c in members["code"]]
        coverage = MIN_COVERAGE if kind in COVERAGE_KINDS else 0.0
        sets.append(_Members(name, kind, members, coverage))
    return _compare(sets, values, points, list(network["code"]), versions, year, max_distance,
                    include_under_review, uncertainty)


class _Members:
    """A peer set's name, kind, members (code -> name), subject and coverage rule."""

    def __init__(self, name: str, kind: str, members: pd.DataFrame, min_coverage: float) -> None:
        self.name, self.kind, self.min_coverage = name, kind, min_coverage
        self.names = dict(zip(members["code"], members["name"], strict=True))
        self.codes = sorted(self.names)
        subjects = members.loc[members["role"] == "subject", "code"]
        self.subject = subjects.iloc[0] if len(subjects) else None


def _compare(sets, values, points, reference_codes, versions, year, max_distance, include,
             uncertainty) -> pd.DataFrame:
    """Pick each municipality's value once for the union of the sets (years from
    ``reference_codes``' comparison), lay out every set's matrix, draw the intervals of all sets
    at once, then write the rows."""
    union = set().union(*(s.codes for s in sets))
    picked = _picked(values, points, union, reference_codes, sets[0].subject, year, max_distance)
    uncertainty = uncertainty if uncertainty is not None else rank_intervals.load_uncertainty()
    laid_out = []
    for members in sets:
        mine = picked[picked["municipality_code"].isin(members.names)]
        if members.min_coverage and len(mine):
            counts = mine.groupby(KEYS)["municipality_code"].transform("size")
            mine = mine[counts >= members.min_coverage * len(members.names)]
        if len(mine):
            laid_out.append(_Matrix(mine.reset_index(drop=True), points, members, include,
                                    uncertainty))
    intervals = rank_intervals.on_two_cores([m.problem for m in laid_out])
    frames = [m.rows(versions, drawn) for m, drawn in zip(laid_out, intervals, strict=True)]
    if not frames:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _picked(values, points, codes, reference_codes, subject, year, max_distance) -> pd.DataFrame:
    """The value of each municipality of ``codes`` per data point that ``reference_codes``
    compare: in the catalogue's unit, at the data point's reference year or the nearest
    (``_ref`` holds the reference year), sorted by data point and municipality."""
    reported = values[(values["status"] == "reported") & values["municipality_code"].isin(codes)]
    reported = reported.merge(
        points[[*KEYS, "unit"]].rename(columns={"unit": "dp_unit"}), on=KEYS
    )
    reported = reported[reported["unit"] == reported["dp_unit"]]  # same unit only
    if reported.empty:
        return reported.assign(_ref=pd.Series(dtype=int))
    among = reported[reported["municipality_code"].isin(reference_codes)]
    if year is None:
        refs = reference_years(among, subject, max_distance).rename("_ref")
    else:
        refs = pd.Series(year, index=among.set_index(KEYS).index.unique(), name="_ref")
    reported = reported.join(refs, on=KEYS, how="inner")
    # one pick over every data point (each against its own reference year), not one per group
    picked = pick_years(reported, reported["_ref"], max_distance)
    return picked.sort_values([*KEYS, "municipality_code"], kind="stable").reset_index(drop=True)


class _Matrix:
    """One peer set's picked values as a data point × municipality matrix, with its figures."""

    def __init__(self, picked, points, members: _Members, include: bool, uncertainty) -> None:
        self.picked, self.members = picked, members
        point = pd.MultiIndex.from_frame(picked[KEYS])
        self.g, point_index = pd.factorize(point, sort=True)
        self.m = pd.Index(members.codes).get_indexer(picked["municipality_code"])
        shape = (len(point_index), len(members.codes))
        self.info = points.set_index(KEYS).loc[point_index].reset_index()
        orientation = np.array(
            [orientation_of(d, t) for d, t in
             zip(self.info["direction"], self.info["target_method"], strict=True)],
            dtype=object,
        )
        parity = np.where(
            orientation == "parity", pd.to_numeric(self.info["target"]).astype(float), np.nan
        )
        self.value = pd.to_numeric(picked["value"]).to_numpy(dtype=float)
        _check(self.value, picked)
        self.under_review = picked["under_review"].fillna(False).astype(bool).to_numpy()
        matrix = np.full(shape, np.nan)
        matrix[self.g, self.m] = self.value
        counted = np.zeros(shape, dtype=bool)
        counted[self.g, self.m] = include | ~self.under_review
        self.figures = figures(matrix, counted, orientation, parity)
        levels = rank_intervals.value_levels(
            picked["data_quality"] if "data_quality" in picked else pd.Series([None] * len(picked)),
            picked["source_kind"] if "source_kind" in picked else None,
        )
        sd = np.zeros(shape)
        sd[self.g, self.m] = rank_intervals.relative_sd(levels, uncertainty)
        #: What the intervals are drawn from: the counted values only.
        self.problem = (np.where(counted, matrix, np.nan), sd, orientation, parity)

    def rows(self, versions, drawn: rank_intervals.RankIntervals) -> pd.DataFrame:
        picked, g, m, info = self.picked, self.g, self.m, self.info
        at = lambda array: array[g, m]  # noqa: E731
        ref = picked["_ref"].astype(int)
        year = picked["year"].astype(int)
        result = self.figures
        rows = pd.DataFrame(
            {
                "peer_set": self.members.name,
                **{c: info[c].to_numpy()[g] for c in (
                    "kpi_code", "data_point", "category_node", "dimension_code", "kpi_name_en",
                    "kpi_name_nb", "data_point_name_en", "data_point_name_nb", "unit",
                    "direction",
                )},
                "reference_year": ref.to_numpy(),
                "municipality_code": picked["municipality_code"].to_numpy(),
                "municipality_name": picked["municipality_code"].map(self.members.names).to_numpy(),
                "is_subject": (picked["municipality_code"] == self.members.subject).to_numpy(),
                "value": self.value,
                "year": year.to_numpy(),
                "year_note": np.where(year == ref, "", "nearest year: " + year.astype(str)),
                "n_compared": result["n_compared"][g],
                "rank": at(result["rank"]),
                "rank_median": at(drawn.median),
                "rank_low": at(drawn.low),
                "rank_high": at(drawn.high),
                "p_best": at(drawn.p_best),
                "percentile_rank": at(result["percentile_rank"]),
                "peer_median": at(result["peer_median"]),
                "lead_over_peer_median": at(result["lead_over_peer_median"]),
                "position": at(result["position"]),
                "standing": at(result["standing"]),
                "under_review": self.under_review,
                "review_reason": picked["review_reason"].to_numpy(),
                "area_code": picked["area_code"].to_numpy(),
                "former_area": picked["former_area"].fillna(False).astype(bool).to_numpy(),
                "source_ref": picked["source_ref"].to_numpy(),
                "is_example": picked["is_example"].fillna(False).astype(bool).to_numpy(),
                **versions,
            }
        )
        return rows.replace({np.nan: None})[COMPARISON_COLUMNS]


def _check(value: np.ndarray, picked: pd.DataFrame) -> None:
    """A negative or infinite value is a data error (every unit starts at 0): name the row."""
    bad = ~np.isfinite(value) | (value < 0)
    if bad.any():
        row = picked.iloc[int(np.argmax(bad))]
        raise method.ScoringInputError(
            f"value must be a finite number ≥ 0, got {row['value']!r} ({row['municipality_code']} "
            f"{row['year']} {row['kpi_code']} {row['data_point']})"
        )


def peer_sets_compared(history) -> list[tuple[str, str]]:
    """(peer set, kind) of the sets compared: the subject's default set (the network: the subject
    and its partners) first, then every other set the subject is in (its county, all of Norway,
    any list), in the order of ``assets/peer_sets.csv``."""
    sets = history.peer_sets
    with_subject = set(sets.loc[sets["municipality_code"] == history.subject_code, "peer_set"])
    kinds = dict(zip(history.peer_set_definitions["peer_set"], history.peer_set_definitions["kind"],
                     strict=True))
    others = [s for s in history.peer_set_definitions["peer_set"]
              if s in with_subject and s != history.default_peer_set]
    return [(history.default_peer_set, kinds[history.default_peer_set])] + [
        (s, kinds[s]) for s in others
    ]


def summarise(comparison: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Per peer set, category node and dimension, per municipality: how often it leads or lags,
    and the mean percentile rank and mean position over the data points compared (both 0-100,
    100 = best, so they read the same whatever the number of municipalities compared)."""
    ranked = comparison[comparison["rank"].notna()]
    if "peer_set" not in ranked.columns:
        ranked = ranked.assign(peer_set="network")
    ranked = ranked.assign(
        n_leads=ranked["standing"] == "leads",
        n_lags=ranked["standing"] == "lags",
        n_level=ranked["standing"] == "level",
        mean_percentile_rank=pd.to_numeric(ranked["percentile_rank"]).astype(float),
        mean_position=pd.to_numeric(ranked["position"]).astype(float),
    )
    frames = []
    order = {s: i for i, s in enumerate(dict.fromkeys(ranked["peer_set"]))}
    for level, column, en, nb in (
        ("category", "category_node", "category_en", "category_nb"),
        ("dimension", "dimension_code", "dimension_en", "dimension_nb"),
    ):
        names = points.drop_duplicates(column).set_index(column)
        grouped = ranked.groupby(["peer_set", column, "municipality_code", "municipality_name"])
        summary = grouped.agg(
            n_compared=("rank", "size"),
            n_leads=("n_leads", "sum"),
            n_lags=("n_lags", "sum"),
            n_level=("n_level", "sum"),
            mean_percentile_rank=("mean_percentile_rank", "mean"),
            mean_position=("mean_position", "mean"),
        ).reset_index().rename(columns={column: "node_code"})
        summary["level"] = level
        summary["node_name_en"] = summary["node_code"].map(names[en])
        summary["node_name_nb"] = summary["node_code"].map(names[nb])
        frames.append(summary)
    if not frames or ranked.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    for column in ("mean_percentile_rank", "mean_position"):
        out[column] = out[column].round(9)
    out = out.assign(_set=out["peer_set"].map(order), _level=out["level"] != "category")
    out = out.sort_values(["_set", "_level", "node_code", "municipality_code"], kind="stable")
    return out.replace({np.nan: None})[SUMMARY_COLUMNS].reset_index(drop=True)
