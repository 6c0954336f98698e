"""Targets per KPI data point (``assets/targets.csv``, explained in assets/TARGETS.md).

Each target carries its value, how it is scored (``target_method``: ratio, goalposts, parity),
its kind (U4SSC, SDG/UN, EU/EEA, WHO, Norwegian national, top performers), its source (document,
year, section), whether its number was read in that source, recalled, or computed (from real or
from example data), and a rationale. A row with an empty ``target`` marks a data point without a
defensible target: it is left out of scoring, as U4SSC does, and the rationale says why.

Loading validates the file against the catalogue, so a bad edit by the municipality fails with
the row named before anything is scored."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from asker_pipeline.reference.catalogue import FILES as CATALOGUE_FILES
from asker_pipeline.reference.catalogue import (
    Catalogue,
    CatalogueError,
    cached_by_files,
    files_sha256,
    load_catalogue,
    read_csv,
    reference_version,
)
from asker_pipeline.schema import tables
from asker_pipeline.scoring import method
from asker_pipeline.settings import assets_dir

FILES = ("targets.csv",)
COLUMNS = (
    "kpi_code",
    "data_point",
    "target",
    "lower_bound",
    "target_method",
    "target_kind",
    "target_source",
    "certainty",
    "peer_set",
    "peer_year",
    "rationale",
)
#: The kinds of target, in order of preference (issue 11): a published U4SSC target; an
#: explicit international or national target; otherwise the SDSN top-performers rule.
KINDS = ("U4SSC", "SDG/UN", "EU/EEA", "WHO", "Norwegian national", "top performers")
TOP_PERFORMERS = "top performers"
#: read: the number was read in the cited source; recalled: not read, check before relying on
#: it; computed: by the top-performers command from real data; example data: computed from the
#: bundled example data, to be recomputed after the real collection.
CERTAINTIES = ("read", "recalled", "computed", "example data")
COMPUTED = ("computed", "example data")
#: What every table that lists data points says about their target.
TARGET_COLUMNS = [
    "target",
    "lower_bound",
    "target_method",
    "target_kind",
    "has_target",
    "target_source",
]
#: The columns of ``Targets.frame``: reference.targets as declared.
FRAME_COLUMNS = tables.TARGETS.column_names


@dataclass(frozen=True)
class Targets:
    #: FRAME_COLUMNS, one row per data point of the catalogue
    frame: pd.DataFrame
    version: str
    sha256: str


def load_targets(directory: Path | None = None, catalogue: Catalogue | None = None) -> Targets:
    """The validated targets: read once per process while the files are unchanged (every scoring
    asset asks), unless a catalogue other than the project's is given. Without a directory, the
    reference folder in use (``ASKER_ASSETS``)."""
    directory = directory or assets_dir()
    if catalogue is None or catalogue is load_catalogue(directory):
        return _project_targets(directory)
    return _read_targets(directory, catalogue)


@cached_by_files(FILES + CATALOGUE_FILES)
def _project_targets(directory: Path | None = None) -> Targets:
    return _read_targets(directory, load_catalogue(directory))


def _read_targets(directory: Path, catalogue: Catalogue) -> Targets:
    raw = read_csv(directory / "targets.csv")
    validate(raw, catalogue)
    frame = raw.merge(
        catalogue.data_points[["kpi_code", "data_point", "direction", "unit"]],
        on=["kpi_code", "data_point"],
        how="left",
    )
    for column in ("target", "lower_bound"):
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Float64")
    frame["peer_year"] = pd.to_numeric(frame["peer_year"].replace("", None)).astype("Int64")
    frame["has_target"] = frame["target"].notna()
    for column in ("target_method", "target_kind", "certainty", "peer_set"):
        frame[column] = frame[column].replace("", None)
    return Targets(
        frame=frame[FRAME_COLUMNS].reset_index(drop=True),
        version=reference_version("targets", directory),
        sha256=files_sha256(directory, FILES),
    )


def _fail(row: int | None, message: str) -> None:
    where = f"targets.csv row {row + 2}" if row is not None else "targets.csv"
    raise CatalogueError(f"{where}: {message}")


def _number(i: int, column: str, text: str) -> float | None:
    if not text.strip():
        return None
    try:
        number = float(text)
    except ValueError:
        _fail(i, f"{column} {text!r} is not a number")
    if not math.isfinite(number) or number < 0:
        _fail(i, f"{column} {text!r} must be a finite number, 0 or more")
    return number


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
        _validate_row(i, row, points.loc[key, "direction"])


def _validate_row(i: int, row: pd.Series, direction: str) -> None:
    if not row["rationale"].strip():
        _fail(i, "rationale is empty (say why the target, or why there is none)")
    kind, certainty, target_method = row["target_kind"], row["certainty"], row["target_method"]
    if kind and kind not in KINDS:
        _fail(i, f"target_kind {kind!r} is not one of {KINDS}")
    if certainty and certainty not in CERTAINTIES:
        _fail(i, f"certainty {certainty!r} is not one of {CERTAINTIES}")
    if certainty in COMPUTED and kind != TOP_PERFORMERS:
        _fail(i, f"only top-performers targets are computed, not {kind or 'no kind'!r}")
    target = _number(i, "target", row["target"])
    lower = _number(i, "lower_bound", row["lower_bound"])
    if target is None:
        # no target; a top-performers row may wait for enough peer values (its rationale says)
        if target_method or (kind and kind != TOP_PERFORMERS):
            _fail(i, "a row without a target has no target_method and no target_kind")
        return
    if direction == "none":
        _fail(i, "a target for a data point without direction cannot be scored")
    if target_method not in method.METHODS:
        _fail(i, f"target_method {target_method!r} is not one of {method.METHODS}")
    if not kind:
        _fail(i, "target_kind is empty")
    if not certainty:
        _fail(i, f"certainty is empty (one of {CERTAINTIES})")
    if not row["target_source"].strip():
        _fail(i, "target_source is empty")
    if kind == TOP_PERFORMERS and not (row["peer_set"].strip() and row["peer_year"].strip()):
        _fail(i, "a top-performers target needs its peer_set and peer_year")
    if target_method == method.GOALPOSTS:
        if lower is None:
            _fail(i, "the goalposts method needs a lower_bound (the worse bound)")
    elif target <= 0:
        _fail(i, f"a {target_method} target must be positive (score a target of 0 by goalposts)")
    if lower is not None and (lower >= target if direction == "higher" else lower <= target):
        _fail(
            i,
            f"lower_bound {lower} is not on the worse side of target {target} ({direction} is "
            "better)",
        )
