"""Peer comparison: each municipality of the network against the others, per KPI data point.

Only comparable values are compared: the data point's catalogue unit, and the reference year or
the nearest year (shown). Every figure is direction-aware, so "better" means the same everywhere:
higher is better, lower is better, or - for a parity target such as gender income equity - closer
to parity from either side. Ranks are 1 = best with ties sharing the best rank ("1, 2, 2, 4");
the peer median is the median of the *other* municipalities' values; ``lead_over_peer_median`` is
positive when the value is better than that median; the 0-100 position is min-max within the
network, 100 = best; the percentile rank is the share of the others a value beats (ties count
half), 0-100, comparable across peer counts; leads/lags compares with the peer median.

A value under review (``quality/review.py``) is shown, marked, but left out of every figure
(median, rank, percentile rank, position, lead, standing) unless ``include_under_review``."""

from __future__ import annotations

import pandas as pd

from asker_pipeline.schema import tables
from asker_pipeline.scoring import method
from asker_pipeline.scoring.zero_point import pick_years

COMPARISON_COLUMNS = tables.PEER_COMPARISON.column_names
SUMMARY_COLUMNS = tables.PEER_SUMMARY.column_names
#: How "better" is read: the catalogue's directions, and parity (closer to the target is better).
ORIENTATIONS = ("higher", "lower", "parity")


def merit(value: object, orientation: str, parity: float | None = None) -> float | None:
    """A number that is larger when the value is better: the value (higher is better), its
    negative (lower is better), or minus its distance from ``parity``. None for a missing value
    or a data point without direction; negative, infinite and non-numeric values raise."""
    number = method.check_number("value", value)
    if number is None or orientation not in ORIENTATIONS:
        return None
    if orientation == "higher":
        return number
    if orientation == "lower":
        return -number
    if parity is None:
        raise method.ScoringInputError("the parity orientation needs the parity value")
    return -abs(number - parity)


def rank(values: list[object], orientation: str, parity: float | None = None) -> list[int | None]:
    """Direction-aware competition rank, 1 = best; ties share the best rank (1, 2, 2, 4).

    A missing value gets no rank and is not counted when ranking the others."""
    keyed = [merit(v, orientation, parity) for v in values]
    present = [k for k in keyed if k is not None]
    return [None if k is None else 1 + sum(1 for other in present if other > k) for k in keyed]


def percentile_rank(
    values: list[object], orientation: str, parity: float | None = None
) -> list[float | None]:
    """Per value, the share of the other values it beats, ties counting half, × 100: 100 = better
    than every other, 0 = worse than every other, 50 = in the middle. Unlike a rank it reads the
    same out of 3, 4 or 5 compared. None for a missing value, or when nothing else is compared."""
    keyed = [merit(v, orientation, parity) for v in values]
    present = [k for k in keyed if k is not None]
    out: list[float | None] = []
    for k in keyed:
        if k is None or len(present) < 2:
            out.append(None)
            continue
        beaten = sum(1 for o in present if o < k) + 0.5 * (sum(1 for o in present if o == k) - 1)
        out.append(round(100.0 * beaten / (len(present) - 1), 9))
    return out


def position(
    value: object, values: list[object], orientation: str, parity: float | None = None
) -> float | None:
    """0-100 min-max position in the network, 100 = best; all equal gives 100."""
    mine = merit(value, orientation, parity)
    keyed = [k for k in (merit(v, orientation, parity) for v in values) if k is not None]
    if mine is None or not keyed:
        return None
    low, high = min(keyed), max(keyed)
    if high == low:
        return 100.0
    return round(100.0 * (mine - low) / (high - low), 9)


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
    if peer_median is None or pd.isna(peer_median):
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


def reference_year(group: pd.DataFrame, subject: str, max_distance: int) -> int:
    """The subject's latest year that at least one partner can be compared with (a value within
    ``max_distance`` years); else the subject's latest year; else the network's latest year."""
    own = sorted(set(group.loc[group["municipality_code"] == subject, "year"]), reverse=True)
    others = group.loc[group["municipality_code"] != subject, "year"]
    for year in own:
        if ((others - year).abs() <= max_distance).any():
            return int(year)
    return int(own[0]) if own else int(group["year"].max())


def compare(
    values: pd.DataFrame,
    points: pd.DataFrame,
    municipalities: pd.DataFrame,
    versions: dict[str, str],
    year: int | None = None,
    max_distance: int = 2,
    include_under_review: bool = False,
) -> pd.DataFrame:
    """One row per data point and municipality that has a comparable value.

    ``values``: selected, reported rows, marked by ``review.under_review``. The reference year per
    data point is ``year`` or else ``reference_year``: Asker's latest year that a partner can be
    compared with. Values under review keep their row but count in no figure, unless
    ``include_under_review``."""
    names = dict(zip(municipalities["code"], municipalities["name"], strict=True))
    subject = municipalities.loc[municipalities["role"] == "subject", "code"].iloc[0]
    reported = values[(values["status"] == "reported") & values["municipality_code"].isin(names)]
    reported = reported.merge(
        points[["kpi_code", "data_point", "unit"]].rename(columns={"unit": "dp_unit"}),
        on=["kpi_code", "data_point"],
    )
    reported = reported[reported["unit"] == reported["dp_unit"]]  # same unit only
    rows = []
    keys = ["kpi_code", "data_point"]
    ref_years = {
        key: year if year is not None else reference_year(group, subject, max_distance)
        for key, group in reported.groupby(keys, sort=False)
    }
    reported = reported.assign(
        _ref=[
            ref_years[key] for key in zip(reported["kpi_code"], reported["data_point"], strict=True)
        ]
    )
    # one pick over every data point (each against its own reference year), not one per group
    picked_all = pick_years(reported, reported["_ref"], max_distance)
    infos = points.set_index(keys)
    for (code, dp), picked in picked_all.groupby(keys, sort=True):
        picked = picked.sort_values("municipality_code")
        ref_year = ref_years[(code, dp)]
        info = infos.loc[(code, dp)]
        vals = [float(v) for v in picked["value"]]
        reviewed = [bool(x) for x in picked["under_review"]]
        # the values the figures are computed from: those under review left out (None)
        counted = [
            None if review and not include_under_review else v
            for v, review in zip(vals, reviewed, strict=True)
        ]
        n_counted = sum(v is not None for v in counted)
        orientation = orientation_of(info["direction"], info["target_method"])
        parity = float(info["target"]) if orientation == "parity" else None
        ranks = rank(counted, orientation, parity)
        percentiles = percentile_rank(counted, orientation, parity)
        for i, r in enumerate(picked.itertuples(index=False)):
            others = [v for j, v in enumerate(counted) if j != i and v is not None]
            median = float(pd.Series(others).median()) if others else None
            left_out = counted[i] is None
            rows.append(
                {
                    "kpi_code": code,
                    "data_point": dp,
                    "category_node": info["category_node"],
                    "dimension_code": info["dimension_code"],
                    "kpi_name_en": info["kpi_name_en"],
                    "kpi_name_nb": info["kpi_name_nb"],
                    "data_point_name_en": info["data_point_name_en"],
                    "data_point_name_nb": info["data_point_name_nb"],
                    "unit": info["unit"],
                    "direction": info["direction"],
                    "reference_year": ref_year,
                    "municipality_code": r.municipality_code,
                    "municipality_name": names[r.municipality_code],
                    "is_subject": r.municipality_code == subject,
                    "value": vals[i],
                    "year": int(r.year),
                    "year_note": "" if r.year == ref_year else f"nearest year: {int(r.year)}",
                    "n_compared": n_counted,
                    "rank": ranks[i],
                    "percentile_rank": percentiles[i],
                    "peer_median": median,
                    "lead_over_peer_median": lead_over_peer_median(
                        counted[i], median, orientation, parity
                    ),
                    "position": position(counted[i], counted, orientation, parity),
                    "standing": None
                    if left_out
                    else standing(vals[i], median, orientation, parity),
                    "under_review": reviewed[i],
                    "review_reason": r.review_reason,
                    "area_code": r.area_code,
                    "former_area": bool(r.former_area),
                    "source_ref": r.source_ref,
                    "is_example": bool(r.is_example),
                    **versions,
                }
            )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def summarise(comparison: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Per category node and dimension, per municipality: how often it leads or lags, and the mean
    percentile rank and mean position over the data points compared (both 0-100, 100 = best, so
    they read the same whether 3, 4 or 5 municipalities were compared)."""
    names = points.drop_duplicates("category_node").set_index("category_node")
    dims = points.drop_duplicates("dimension_code").set_index("dimension_code")
    rows = []
    ranked = comparison[comparison["rank"].notna()]
    for level, column, lookup in (
        ("category", "category_node", (names, "category_en", "category_nb")),
        ("dimension", "dimension_code", (dims, "dimension_en", "dimension_nb")),
    ):
        table, en, nb = lookup
        for (node, code, name), g in ranked.groupby(
            [column, "municipality_code", "municipality_name"], sort=True
        ):
            rows.append(
                {
                    "level": level,
                    "node_code": node,
                    "node_name_en": table.loc[node, en],
                    "node_name_nb": table.loc[node, nb],
                    "municipality_code": code,
                    "municipality_name": name,
                    "n_compared": len(g),
                    "n_leads": int((g["standing"] == "leads").sum()),
                    "n_lags": int((g["standing"] == "lags").sum()),
                    "n_level": int((g["standing"] == "level").sum()),
                    "mean_percentile_rank": _mean(g["percentile_rank"]),
                    "mean_position": _mean(g["position"]),
                }
            )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _mean(column: pd.Series) -> float | None:
    """Mean of the non-missing numbers, None when there are none."""
    numbers = pd.to_numeric(column, errors="coerce").dropna()
    return None if numbers.empty else round(float(numbers.mean()), 9)
