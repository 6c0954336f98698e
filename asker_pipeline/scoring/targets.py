"""Targets per KPI data point (``assets/targets.csv``, explained in assets/TARGETS.md).

A row with an empty ``target`` marks a data point without a defensible target: it is left out of
scoring, as U4SSC does. Loading validates the file against the catalogue, so a bad edit by the
municipality fails with the row named before anything is scored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from asker_pipeline.paths import ASSETS_DIR
from asker_pipeline.reference.catalogue import (
    Catalogue,
    CatalogueError,
    files_sha256,
    load_catalogue,
    read_csv,
    reference_version,
)

FILES = ("targets.csv",)
COLUMNS = ("kpi_code", "data_point", "target", "lower_bound", "target_source", "rationale")


@dataclass(frozen=True)
class Targets:
    #: kpi_code, data_point, direction, unit, target, lower_bound, has_target, target_source,
    #: rationale
    frame: pd.DataFrame
    version: str
    sha256: str


def load_targets(directory: Path = ASSETS_DIR, catalogue: Catalogue | None = None) -> Targets:
    catalogue = catalogue or load_catalogue(directory)
    raw = read_csv(directory / "targets.csv")
    validate(raw, catalogue)
    frame = raw.merge(
        catalogue.data_points[["kpi_code", "data_point", "direction", "unit"]],
        on=["kpi_code", "data_point"],
        how="left",
    )
    for column in ("target", "lower_bound"):
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Float64")
    frame["has_target"] = frame["target"].notna()
    frame = frame[
        [
            "kpi_code",
            "data_point",
            "direction",
            "unit",
            "target",
            "lower_bound",
            "has_target",
            "target_source",
            "rationale",
        ]
    ]
    return Targets(
        frame=frame.reset_index(drop=True),
        version=reference_version("targets", directory),
        sha256=files_sha256(directory, FILES),
    )


def _fail(row: int | None, message: str) -> None:
    where = f"targets.csv row {row + 2}" if row is not None else "targets.csv"
    raise CatalogueError(f"{where}: {message}")


def validate(raw: pd.DataFrame, catalogue: Catalogue) -> None:
    if tuple(raw.columns) != COLUMNS:
        _fail(None, f"columns must be {COLUMNS}, found {tuple(raw.columns)}")
    points = catalogue.data_points.set_index(["kpi_code", "data_point"])
    keys = list(zip(raw["kpi_code"], raw["data_point"], strict=True))
    if len(set(keys)) != len(keys):
        _fail(
            int(raw.index[raw.duplicated(["kpi_code", "data_point"])][0]),
            "data point appears twice",
        )
    missing = set(points.index) - set(keys)
    if missing:
        _fail(None, f"data points without a row (give a target or a reason): {sorted(missing)}")
    for i, row in raw.iterrows():
        key = (row["kpi_code"], row["data_point"])
        if key not in points.index:
            _fail(i, f"{key} is not a data point of the catalogue")
        if not row["rationale"].strip():
            _fail(i, "rationale is empty (say why the target, or why there is none)")
        if not row["target"].strip():
            continue
        direction = points.loc[key, "direction"]
        try:
            target = float(row["target"])
            lower = float(row["lower_bound"]) if row["lower_bound"].strip() else None
        except ValueError:
            _fail(
                i, f"target {row['target']!r} / lower_bound {row['lower_bound']!r} is not a number"
            )
        if direction == "none":
            _fail(i, "a target for a data point without direction cannot be scored")
        if target <= 0:
            _fail(i, "target must be positive (a ratio to a target of 0 is undefined)")
        if not row["target_source"].strip():
            _fail(i, "target_source is empty")
        if lower is not None and (lower >= target if direction == "higher" else lower <= target):
            _fail(
                i,
                f"lower_bound {lower} is not on the worse side of target {target} ({direction} is "
                "better)",
            )
