"""The U4SSC KPI catalogue as the project keeps it in ``assets/`` (see assets/CATALOGUE.md).

Loading validates the files, so a bad edit to the catalogue fails with the file and row named,
before anything is scored with it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache, wraps
from pathlib import Path

import pandas as pd
import yaml

from asker_pipeline.reference.codes import CodeNormaliser, compact
from asker_pipeline.settings import assets_dir

DIRECTIONS = ("higher", "lower", "none")
KPI_TYPES = ("core", "advanced")
FILES = ("kpi_catalogue.csv", "kpi_data_points.csv", "units.csv", "kpi_code_aliases.csv")


class CatalogueError(ValueError):
    """A catalogue file breaks one of its rules."""


def read_csv(path: Path) -> pd.DataFrame:
    """Reference CSVs are read as text (codes like 0220 keep their zeros); empty cells become ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def files_sha256(directory: Path, names: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    return digest.hexdigest()


def reference_version(kind: str, directory: Path | None = None) -> str:
    directory = directory or assets_dir()
    return str(yaml.safe_load((directory / "versions.yaml").read_text(encoding="utf-8"))[kind])


def _fail(path: Path, row: int | None, message: str) -> None:
    where = f"{path.name} row {row + 2}" if row is not None else path.name  # +2: header, 1-based
    raise CatalogueError(f"{where}: {message}")


@dataclass(frozen=True)
class Catalogue:
    kpis: pd.DataFrame
    data_points: pd.DataFrame
    units: pd.DataFrame
    aliases: pd.DataFrame
    version: str
    sha256: str

    @cached_property
    def normaliser(self) -> CodeNormaliser:
        return CodeNormaliser(
            self.kpis["code"], dict(zip(self.aliases["alias"], self.aliases["code"], strict=False))
        )

    @cached_property
    def data_point_index(self) -> pd.DataFrame:
        """Data points with their KPI's descriptive columns, indexed by (kpi_code, data_point)."""
        kpi_cols = ["code", "name_en", "name_nb", "category_en", "dimension_code", "kpi_type"]
        merged = self.data_points.merge(
            self.kpis[kpi_cols].rename(
                columns={"name_en": "kpi_name_en", "name_nb": "kpi_name_nb"}
            ),
            left_on="kpi_code",
            right_on="code",
        ).drop(columns="code")
        return merged.set_index(["kpi_code", "data_point"], drop=False)


def cached_by_files(names: tuple[str, ...]):
    """Memoise a loader of reference files per process until one of the files changes.

    Every asset and check asks for the catalogue and the municipality history; reading and
    validating them each time cost about a second per run. Without a directory, the one
    ``ASKER_ASSETS`` names (``settings.assets_dir()``), read at each call."""

    def decorate(load):
        @lru_cache(maxsize=4)
        def cached(directory: Path, _stamp: tuple):
            return load(directory)

        @wraps(load)
        def loader(directory: Path | None = None):
            directory = Path(directory) if directory else assets_dir()
            stamp = tuple(
                (directory / name).stat().st_mtime_ns for name in (*names, "versions.yaml")
            )
            return cached(directory, stamp)

        return loader

    return decorate


@cached_by_files(FILES)
def load_catalogue(directory: Path | None = None) -> Catalogue:
    """The validated catalogue (read once per process, again when a file changes)."""
    kpis = read_csv(directory / "kpi_catalogue.csv")
    points = read_csv(directory / "kpi_data_points.csv")
    units = read_csv(directory / "units.csv")
    aliases = read_csv(directory / "kpi_code_aliases.csv")
    validate(directory, kpis, points, units, aliases)
    for column in ("min_value", "max_value"):
        units[column] = pd.to_numeric(units[column].replace("", None))
    return Catalogue(
        kpis=kpis,
        data_points=points,
        units=units,
        aliases=aliases,
        version=reference_version("catalogue", directory),
        sha256=files_sha256(directory, FILES),
    )


def validate(directory, kpis, points, units, aliases) -> None:
    path = directory / "kpi_catalogue.csv"
    known_units = set(units["unit"])
    seen: set[str] = set()
    for i, row in kpis.iterrows():
        parts = [p.strip() for p in row["code"].split(":")]
        if len(parts) != 4 or row["code"] != ": ".join(parts):
            _fail(path, i, f"code {row['code']!r} is not in the canonical form 'DIM: SUB: CAT: NX'")
        if compact(row["code"]) in seen:
            _fail(path, i, f"code {row['code']!r} appears twice")
        seen.add(compact(row["code"]))
        dim, sub, cat, number = parts
        if (dim, sub, cat) != (
            row["dimension_code"],
            row["sub_dimension_code"],
            row["category_code"],
        ):
            _fail(
                path,
                i,
                f"code {row['code']!r} disagrees with its dimension/sub-dimension/category columns",
            )
        expected_type = {"C": "core", "A": "advanced"}.get(number[-1:])
        if row["kpi_type"] != expected_type:
            _fail(
                path,
                i,
                f"kpi_type {row['kpi_type']!r} disagrees with the code suffix {number[-1:]!r}",
            )
        if row["direction"] not in DIRECTIONS:
            _fail(path, i, f"direction {row['direction']!r} is not one of {DIRECTIONS}")
        if row["unit"] not in known_units:
            _fail(path, i, f"unit {row['unit']!r} is not in units.csv")
        for column in ("name_en", "name_nb", "definition_en", "sdg_goals"):
            if not row[column].strip():
                _fail(path, i, f"{column} is empty")
    path = directory / "kpi_data_points.csv"
    codes = set(kpis["code"])
    if points.duplicated(["kpi_code", "data_point"]).any():
        i = int(points.index[points.duplicated(["kpi_code", "data_point"])][0])
        _fail(path, i, "the same KPI data point appears twice")
    for i, row in points.iterrows():
        if row["kpi_code"] not in codes:
            _fail(path, i, f"kpi_code {row['kpi_code']!r} is not in kpi_catalogue.csv")
        if row["unit"] not in known_units:
            _fail(path, i, f"unit {row['unit']!r} is not in units.csv")
        if row["direction"] not in DIRECTIONS:
            _fail(path, i, f"direction {row['direction']!r} is not one of {DIRECTIONS}")
    without_points = codes - set(points["kpi_code"])
    if without_points:
        _fail(path, None, f"KPIs without a data point: {sorted(without_points)}")
    path = directory / "kpi_code_aliases.csv"
    for i, row in aliases.iterrows():
        if row["code"] not in codes:
            _fail(path, i, f"alias {row['alias']!r} points to unknown code {row['code']!r}")
        if compact(row["alias"]) in seen:
            _fail(path, i, f"alias {row['alias']!r} is itself a canonical code")
