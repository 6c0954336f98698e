"""Scored values and roll-ups as frames: the method functions (``method.py``) applied to the
selected, reported values of ``staging.kpi_values``, with provenance on every row."""

from __future__ import annotations

import pandas as pd

from asker_pipeline.reference.catalogue import Catalogue
from asker_pipeline.schema import tables
from asker_pipeline.scoring import method
from asker_pipeline.scoring.targets import TARGET_COLUMNS, Targets

#: The versions every scored row carries.
PROVENANCE = tuple(c.name for c in tables.PROVENANCE)

#: A data point's names, in every table that lists data points.
DATA_POINT_NAMES = [c.name for c in tables.DATA_POINT_NAMES]
#: Where a data point sits in the tree (the category node is dimension + sub-dimension + category).
DATA_POINT_PLACE = [c.name for c in tables.DATA_POINT_PLACE]
#: What scoring adds to a value (``score_rows``).
SCORED = [c.name for c in tables.SCORED]

DATA_POINT_COLUMNS = [
    "kpi_code",
    "data_point",
    "dimension_code",
    "dimension_en",
    "dimension_nb",
    "sub_dimension_code",
    "sub_dimension_en",
    "sub_dimension_nb",
    "category_code",
    "category_en",
    "category_nb",
    "category_node",
    "kpi_type",
    "kpi_name_en",
    "kpi_name_nb",
    "data_point_name_en",
    "data_point_name_nb",
    "unit",
    "direction",
    "sdg_goals",
    *TARGET_COLUMNS,
    "target_certainty",
    "target_rationale",
]

SCORE_COLUMNS = tables.KPI_SCORES.column_names

ROLLUP_LEVELS = ("category", "sub_dimension", "dimension", "sdg")
ROLLUP_COLUMNS = tables.ROLLUP_SCORES.column_names


def provenance(catalogue: Catalogue, targets: Targets) -> dict[str, str]:
    return {
        "catalogue_version": catalogue.version,
        "catalogue_sha256": catalogue.sha256,
        "targets_version": targets.version,
        "method_version": method.METHOD_VERSION,
    }


def data_points(catalogue: Catalogue, targets: Targets) -> pd.DataFrame:
    """Every data point with its KPI's place in the tree (27 category nodes) and its target."""
    kpis = catalogue.kpis.rename(
        columns={"code": "kpi_code", "name_en": "kpi_name_en", "name_nb": "kpi_name_nb"}
    )
    points = catalogue.data_points.rename(
        columns={"name_en": "data_point_name_en", "name_nb": "data_point_name_nb"}
    )
    frame = points.merge(kpis.drop(columns=["unit", "direction"]), on="kpi_code").merge(
        targets.frame.drop(columns=["unit", "direction", "peer_set", "peer_year"]).rename(
            columns={"rationale": "target_rationale", "certainty": "target_certainty"}
        ),
        on=["kpi_code", "data_point"],
    )
    frame["category_node"] = (
        frame["dimension_code"] + ": " + frame["sub_dimension_code"] + ": " + frame["category_code"]
    )
    return frame[DATA_POINT_COLUMNS].reset_index(drop=True)


def score_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Add scored, not_scored_reason, percent_of_target (capped, feeds the band),
    percent_of_target_uncapped, percent_formula, points, band_label and goalposts_score to a frame
    of values joined with their data points (value, target, target_method, lower_bound, ...).

    A value the method refuses (negative, infinite) is not scored, with the reason, so one bad
    value never stops the others."""
    out = frame.copy()
    reasons, percents, uncapped, formulas, points, goal = [], [], [], [], [], []
    for row in out.itertuples(index=False):
        reason = _not_scored_reason(row)
        percent = over = score = text = None
        if reason is None:
            try:
                percent = method.percent_of_target(
                    row.value, row.target, row.direction, row.target_method, row.lower_bound
                )
                over = method.uncapped_percent_of_target(
                    row.value, row.target, row.direction, row.target_method
                )
                score = method.goalposts(row.value, row.lower_bound, row.target)
                text = method.formula(row.direction, row.target_method)
            except method.ScoringInputError as error:
                reason, percent, over, score = f"cannot score: {error}", None, None, None
        reasons.append(reason)
        percents.append(percent)
        uncapped.append(over)
        formulas.append(text)
        points.append(method.band(percent))
        goal.append(score)
    out["not_scored_reason"] = pd.array(reasons, dtype="string")
    out["scored"] = out["not_scored_reason"].isna()
    out["percent_of_target"] = pd.array(percents, dtype="Float64")
    out["percent_of_target_uncapped"] = pd.array(uncapped, dtype="Float64")
    out["percent_formula"] = pd.array(formulas, dtype="string")
    out["points"] = pd.array(points, dtype="Int64")
    out["band_label"] = pd.array([method.band_label(p) for p in points], dtype="string")
    out["goalposts_score"] = pd.array(goal, dtype="Float64")
    return out


def _not_scored_reason(row) -> str | None:
    status = getattr(row, "status", "reported")
    if status != "reported" or pd.isna(row.value):
        return (
            "not reported" if status in ("reported", "not_reported") else status.replace("_", " ")
        )
    if row.direction == "none":
        return "no preferred direction"
    if not row.has_target:
        return "no target"
    if getattr(row, "value_unit", row.unit) != row.unit:
        return f"unit {row.value_unit} differs from the catalogue's {row.unit}"
    return None


def score_values(
    values: pd.DataFrame, points: pd.DataFrame, versions: dict[str, str]
) -> pd.DataFrame:
    """One row per selected, reported value: percentage of target, points, band, goalposts score.

    ``values`` are marked by ``review.under_review``: a value under review is scored like any
    other (U4SSC scores what is reported) and keeps its mark and reason."""
    reported = values[values["status"] == "reported"].rename(columns={"unit": "value_unit"})
    joined = reported.merge(points, on=["kpi_code", "data_point"], how="inner")
    scored = score_rows(joined).assign(**versions)
    scored = scored.sort_values(["municipality_code", "year", "kpi_code", "data_point"])
    return scored[SCORE_COLUMNS].reset_index(drop=True)


def _nodes(points: pd.DataFrame, level: str) -> pd.DataFrame:
    """(kpi_code, data_point) -> node_code, node names, for one roll-up level."""
    p = points
    if level == "category":
        return p.assign(
            node_code=p["category_node"],
            node_name_en=p["category_en"],
            node_name_nb=p["category_nb"],
        )
    if level == "sub_dimension":
        return p.assign(
            node_code=p["dimension_code"] + ": " + p["sub_dimension_code"],
            node_name_en=p["sub_dimension_en"],
            node_name_nb=p["sub_dimension_nb"],
        )
    if level == "dimension":
        return p.assign(
            node_code=p["dimension_code"],
            node_name_en=p["dimension_en"],
            node_name_nb=p["dimension_nb"],
        )
    goals = p.assign(goal=p["sdg_goals"].str.split(";")).explode("goal")
    goal = goals["goal"].str.strip().astype(int)
    return goals.assign(
        node_code="SDG " + goal.map("{:02d}".format),
        node_name_en="SDG " + goal.astype(str),
        node_name_nb="Bærekraftsmål " + goal.astype(str),
    )


def rollup_scores(
    scores: pd.DataFrame,
    points: pd.DataFrame,
    versions: dict[str, str],
    levels=ROLLUP_LEVELS,
) -> pd.DataFrame:
    """Points ÷ (4 × n) per node of each level, municipality and year (scored values only).

    The same arithmetic as ``method.rollup``, by group in one pass (a national warehouse has
    tens of thousands of groups): points are checked once, then summed and counted per group."""
    scored = scores[scores["scored"]][
        ["municipality_code", "year", "kpi_code", "data_point", "points"]
    ]
    for value in scored["points"].unique():
        method.check_points(value)  # whole points 1-4 only, never truncated
    keys = ["node_code", "node_name_en", "node_name_nb", "municipality_code", "year"]
    frames = []
    for level in levels:
        nodes = _nodes(points, level)[
            ["kpi_code", "data_point", "node_code", "node_name_en", "node_name_nb"]
        ]
        joined = scored.merge(nodes, on=["kpi_code", "data_point"])
        sums = joined.groupby(keys, sort=True)["points"].agg(["count", "sum"]).reset_index()
        frames.append(
            sums.assign(
                level=level,
                n_scored=sums["count"].astype(int),
                points=sums["sum"].astype(int),
                max_points=4 * sums["count"].astype(int),
            )
        )
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=keys)
    out["percent"] = [
        method.rollup_percent(p, m) for p, m in zip(out["points"], out["max_points"], strict=True)
    ]
    bands = {p: method.band(p) for p in out["percent"].unique()}
    out["points_band"] = out["percent"].map(bands)
    out["band_label"] = out["points_band"].map(method.band_label)
    return out.assign(**versions)[ROLLUP_COLUMNS]
