"""Peer comparison: each municipality of the network against the others, per KPI data point.

Only comparable values are compared: the data point's catalogue unit, and the reference year or
the nearest year (shown). Ranks are direction-aware (1 = best) with ties sharing the best rank
("1, 2, 2, 4"); the peer median is the median of the *other* municipalities' values; the 0-100
position is min-max within the network, 100 = best; leads/lags compares with the peer median."""

from __future__ import annotations

import pandas as pd

from asker_pipeline.schema import tables
from asker_pipeline.scoring.zero_point import pick_years

COMPARISON_COLUMNS = tables.PEER_COMPARISON.column_names
SUMMARY_COLUMNS = tables.PEER_SUMMARY.column_names


def rank(values: list[float], direction: str) -> list[int | None]:
    """Direction-aware competition rank, 1 = best; ties share the best rank (1, 2, 2, 4)."""
    if direction not in ("higher", "lower"):
        return [None] * len(values)
    sign = -1 if direction == "higher" else 1
    keyed = [sign * v for v in values]
    return [1 + sum(1 for other in keyed if other < mine) for mine in keyed]


def position(value: float, values: list[float], direction: str) -> float | None:
    """0-100 min-max position in the network, 100 = best; all equal gives 100."""
    if direction not in ("higher", "lower") or not values:
        return None
    low, high = min(values), max(values)
    if high == low:
        return 100.0
    share = (value - low) / (high - low)
    return round(100.0 * (share if direction == "higher" else 1.0 - share), 9)


def standing(value: float, peer_median: float | None, direction: str) -> str:
    """leads / lags / level against the peer median, in the better direction."""
    if peer_median is None or pd.isna(peer_median):
        return "no peers"
    if direction not in ("higher", "lower"):
        return "no direction"
    if value == peer_median:
        return "level"
    better = value > peer_median if direction == "higher" else value < peer_median
    return "leads" if better else "lags"


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
) -> pd.DataFrame:
    """One row per data point and municipality that has a comparable value.

    ``values``: selected, reported rows. The reference year per data point is ``year`` or else
    ``reference_year``: Asker's latest year that a partner can be compared with."""
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
        ranks = rank(vals, info["direction"])
        for i, r in enumerate(picked.itertuples(index=False)):
            others = vals[:i] + vals[i + 1 :]
            median = float(pd.Series(others).median()) if others else None
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
                    "n_compared": len(vals),
                    "rank": ranks[i],
                    "peer_median": median,
                    "difference_to_peer_median": None if median is None else vals[i] - median,
                    "position": position(vals[i], vals, info["direction"]),
                    "standing": standing(vals[i], median, info["direction"]),
                    "source_ref": r.source_ref,
                    "is_example": bool(r.is_example),
                    **versions,
                }
            )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def summarise(comparison: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Per category node and dimension, per municipality: how often it leads or lags, mean rank
    and mean position over the data points compared."""
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
                    "mean_rank": round(float(g["rank"].astype(float).mean()), 9),
                    "mean_position": round(float(g["position"].astype(float).mean()), 9),
                }
            )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
