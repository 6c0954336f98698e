"""The zero-point measurement (nullpunktsmåling) for the subject municipality at a baseline year,
its coverage per category, the not-reported list, the frozen baseline release and progress.

A release is identified by the baseline year and a hash of everything that went into it (values,
catalogue, targets, method). Releases are kept: re-materializing with the same inputs finds the
same release; changed baseline-year inputs add a new one. Later years are scored against a
release's frozen targets, so progress is measured against the same baseline."""

from __future__ import annotations

import hashlib

import pandas as pd

from asker_pipeline.schema import tables
from asker_pipeline.scoring import method
from asker_pipeline.scoring.scores import (
    PROVENANCE,
    score_rows,
)
from asker_pipeline.scoring.targets import KINDS

ZERO_POINT_COLUMNS = tables.ZERO_POINT.column_names
#: What identifies a release: the baseline values and the versions they were scored with.
RELEASE_KEY_COLUMNS = [
    "kpi_code",
    "data_point",
    "year",
    "value",
    "status",
    "source_ref",
    "target",
    "lower_bound",
    "target_method",
]
#: ... and, for the values under review, why.
REVIEW_KEY_COLUMNS = ["kpi_code", "data_point", "review_reason"]
#: ... and, for the values that describe a former area, which.
AREA_KEY_COLUMNS = ["kpi_code", "data_point", "area_code"]
RELEASE_COLUMNS = tables.BASELINE_RELEASES.column_names
COVERAGE_COLUMNS = tables.ZERO_POINT_COVERAGE.column_names
#: Coverage of the zero point by the kind of target (assets/targets.csv ``target_kind``).
TARGET_COVERAGE_COLUMNS = tables.ZERO_POINT_TARGET_COVERAGE.column_names
#: The rows of marts.zero_point_target_coverage, in order of preference of the kinds.
NO_TARGET = "no target"
NOT_REPORTED_COLUMNS = tables.ZERO_POINT_NOT_REPORTED.column_names
PROGRESS_COLUMNS = tables.BASELINE_PROGRESS.column_names


#: The trend of a data point whose baseline and latest values describe different areas.
AREA_CHANGED = "area changed"


def pick_years(values: pd.DataFrame, year: int | pd.Series, max_distance: int) -> pd.DataFrame:
    """Per municipality and data point, the row of ``year``; else the nearest reported year within
    ``max_distance`` (the earlier on a tie). Reported rows are preferred to other statuses.
    ``year`` may be a Series aligned with ``values``: a reference year per row."""
    if values.empty:
        return values.iloc[0:0]
    v = values.assign(
        _distance=(values["year"] - year).abs(),
        _later=values["year"] > year,
        _unreported=values["status"] != "reported",
    )
    v = v[(v["_distance"] <= max_distance) & (~v["_unreported"] | (v["_distance"] == 0))]
    v = v.sort_values(["_unreported", "_distance", "_later"])
    picked = v.drop_duplicates(["municipality_code", "kpi_code", "data_point"], keep="first")
    return picked.drop(columns=["_distance", "_later", "_unreported"])


def zero_point(
    values: pd.DataFrame,
    points: pd.DataFrame,
    municipality_code: str,
    baseline_year: int,
    versions: dict[str, str],
    targets_sha256: str,
    max_distance: int = 2,
) -> pd.DataFrame:
    """Every data point of the catalogue for one municipality at the baseline year, scored.

    ``values`` are selected rows of the value model (any status), marked by
    ``review.under_review``. A data point with no row is "not_reported" (U4SSC's default NR). A
    value under review is scored like any other, and marked."""
    own = values[values["municipality_code"] == municipality_code]
    picked = pick_years(own, baseline_year, max_distance)[
        [
            "kpi_code",
            "data_point",
            "year",
            "value",
            "unit",
            "status",
            "source_ref",
            "is_example",
            "under_review",
            "review_reason",
            "area_code",
            "former_area",
        ]
    ].rename(columns={"unit": "value_unit"})
    frame = points.merge(picked, on=["kpi_code", "data_point"], how="left")
    frame["status"] = frame["status"].fillna("not_reported")
    frame["is_example"] = frame["is_example"].astype("boolean")
    frame["under_review"] = frame["under_review"].astype("boolean").fillna(False)
    frame["former_area"] = frame["former_area"].astype("boolean").fillna(False)
    frame = score_rows(frame).assign(
        municipality_code=municipality_code,
        baseline_year=baseline_year,
        **versions,
        targets_sha256=targets_sha256,
    )
    frame["release_id"] = release_id(frame, baseline_year, versions, targets_sha256)
    return frame[ZERO_POINT_COLUMNS].sort_values(["kpi_code", "data_point"]).reset_index(drop=True)


def release_id(
    frame: pd.DataFrame, baseline_year: int, versions: dict[str, str], targets_sha256: str
) -> str:
    """``<baseline year>-<12 hex>``: a hash of the baseline values, the versions used, and which
    values are under review and why, and which describe a former area (each only when some do, so
    a baseline with none keeps the id it had before values were marked)."""
    digest = hashlib.sha256()
    for key in sorted(versions):
        digest.update(f"{key}={versions[key]}\n".encode())
    digest.update(f"targets_sha256={targets_sha256}\n".encode())
    key = frame[RELEASE_KEY_COLUMNS].sort_values(["kpi_code", "data_point"])
    digest.update(key.to_csv(index=False, float_format="%.12g").encode())
    for marked, columns in (
        ("under_review", REVIEW_KEY_COLUMNS),
        ("former_area", AREA_KEY_COLUMNS),
    ):
        rows = frame.loc[frame[marked].fillna(False).astype(bool), columns]
        if len(rows):
            digest.update(rows.sort_values(["kpi_code", "data_point"]).to_csv(index=False).encode())
    return f"{baseline_year}-{digest.hexdigest()[:12]}"


def release_summary(zero: pd.DataFrame, release_number: int) -> pd.DataFrame:
    """One row describing a release, for marts.baseline_releases."""
    first = zero.iloc[0]
    r = method.rollup(zero["points"])
    row = {
        "release_id": first["release_id"],
        "release_number": release_number,
        "municipality_code": first["municipality_code"],
        "baseline_year": int(first["baseline_year"]),
        **{c: first[c] for c in PROVENANCE},
        "targets_sha256": first["targets_sha256"],
        "n_data_points": len(zero),
        "n_reported": int((zero["status"] == "reported").sum()),
        "n_scored": r.n_scored,
        "n_under_review": int(zero["under_review"].fillna(False).sum()),
        "n_former_area": int(
            (zero["former_area"].fillna(False) & (zero["status"] == "reported")).sum()
        ),
        "points": r.points,
        "max_points": r.max_points,
        "percent": r.percent,
        "band_label": r.band_label,
    }
    return pd.DataFrame([row], columns=RELEASE_COLUMNS)


def coverage(zero: pd.DataFrame) -> pd.DataFrame:
    """Per category node (27): data points reported, not reported, without target, scored."""
    rows = []
    for (node, name_en, name_nb), g in zero.groupby(
        ["category_node", "category_en", "category_nb"], sort=True
    ):
        r = method.rollup(g["points"])
        reported = int((g["status"] == "reported").sum())
        rows.append(
            (
                node,
                name_en,
                name_nb,
                len(g),
                reported,
                len(g) - reported,
                int((~g["has_target"]).sum()),
                r.n_scored,
                r.points,
                r.max_points,
                r.percent,
                r.band_label,
            )
        )
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def target_coverage(zero: pd.DataFrame) -> pd.DataFrame:
    """Per kind of target (U4SSC, SDG/UN, EU/EEA, WHO, Norwegian national, top performers, no
    target): data points, reported, scored, how many of them use a target computed from example
    data, and the kind's points ÷ (4 × n). Every kind is listed, also when it has no rows. A row
    of a kind that has no number (a top-performers rule with too few peers) counts as no target."""
    kinds = zero["target_kind"].astype("string").fillna(NO_TARGET)
    kinds = kinds.where(zero["has_target"].astype(bool), NO_TARGET)
    example = zero["target_certainty"].astype("string").fillna("") == "example data"
    rows = []
    for kind in (*KINDS, NO_TARGET):
        g = zero[kinds == kind]
        r = method.rollup(g["points"])
        rows.append(
            (
                kind,
                len(g),
                int((g["status"] == "reported").sum()),
                r.n_scored,
                int((example[kinds == kind] & g["scored"].astype(bool)).sum()),
                r.points,
                r.max_points,
                r.percent,
                r.band_label,
            )
        )
    return pd.DataFrame(rows, columns=TARGET_COVERAGE_COLUMNS)


def not_reported(zero: pd.DataFrame) -> pd.DataFrame:
    """Data points without a reported value at the baseline: the plan for the next collection."""
    return zero.loc[zero["status"] != "reported", NOT_REPORTED_COLUMNS].reset_index(drop=True)


def progress(release: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """From the frozen baseline to the latest later year with a reported value, scored against the
    release's own (frozen) target and formula. ``values``: selected reported rows. When the two
    values describe different areas (a merger since the baseline), the trend is "area changed"
    and no change is computed: the difference would not be progress."""
    base = release[release["status"] == "reported"]
    if base.empty:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    code, baseline_year = base["municipality_code"].iloc[0], int(base["baseline_year"].iloc[0])
    later = values[
        (values["municipality_code"] == code)
        & (values["year"] > baseline_year)
        & (values["status"] == "reported")
    ]
    latest = later.sort_values("year").drop_duplicates(["kpi_code", "data_point"], keep="last")
    latest = latest[["kpi_code", "data_point", "year", "value", "area_code"]].rename(
        columns={"year": "latest_year", "value": "latest_value", "area_code": "latest_area_code"}
    )
    joined = base.merge(latest, on=["kpi_code", "data_point"])
    rows = []
    for r in joined.itertuples(index=False):
        percent = None
        if r.has_target and r.direction != "none":
            try:
                percent = method.percent_of_target(
                    r.latest_value, r.target, r.direction, r.target_method, r.lower_bound
                )
            except method.ScoringInputError:  # a value the method refuses is not scored
                percent = None
        points = method.band(percent)
        change = r.latest_value - r.value
        parity = isinstance(r.target_method, str) and r.target_method == method.PARITY
        if parity:  # better = closer to parity, from either side
            closer = abs(r.latest_value - r.target) - abs(r.value - r.target)
            better = None if closer == 0 else closer < 0
        else:
            better = {"higher": change > 0, "lower": change < 0}.get(r.direction)
        trend = (
            "unchanged"
            if change == 0 or (parity and better is None)
            else "no direction"
            if better is None
            else ("improved" if better else "worsened")
        )
        # Two different areas (former Asker at the baseline, today's Asker now): no trend.
        area_changed = r.area_code != r.latest_area_code
        if area_changed:
            change, trend = None, AREA_CHANGED
        rows.append(
            (
                r.release_id,
                r.municipality_code,
                r.kpi_code,
                r.data_point,
                r.kpi_name_en,
                r.unit,
                r.direction,
                r.year,
                r.value,
                r.points,
                r.latest_year,
                r.latest_value,
                r.target,
                percent,
                points,
                change,
                None
                if area_changed or points is None or pd.isna(r.points)
                else points - int(r.points),
                trend,
                r.area_code,
                r.latest_area_code,
            )
        )
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
