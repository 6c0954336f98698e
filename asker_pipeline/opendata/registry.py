"""The open-data source registry (``sources/opendata/registry.yaml``): which tables, which
selections, and how each KPI is computed from them. Loading validates it against the KPI
catalogue, so a typo in a KPI code or unit fails at load time, not in a score."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from asker_pipeline.opendata.client import Query
from asker_pipeline.reference.catalogue import Catalogue
from asker_pipeline.reference.municipalities import MunicipalityHistory

REGISTRY_FILE = Path("opendata") / "registry.yaml"
SNAPSHOT_DIR = Path("opendata") / "snapshots"
CERTAINTIES = ("V", "V3", "U")
ROLES = ("numerator", "denominator", "kpi")
#: A codelist that sums predecessors into today's municipalities (codes "K-3203").
KOMM_SUMMER = "agg_KommSummer"


class RegistryError(ValueError):
    """The registry is inconsistent (unknown KPI, series, unit, or an impossible selection)."""


@dataclass(frozen=True)
class Series:
    id: str
    role: str
    table_id: str
    title: str
    region_variable: str
    codelist: str | None
    selection: dict[str, tuple[str, ...]]
    additive: bool
    unit: str
    certainty: str
    notes: str = ""
    time_variable: str = "Tid"

    @property
    def snapshot(self) -> Path:
        """Snapshot file, relative to the sources folder."""
        return SNAPSHOT_DIR / f"{self.id}.json"

    def region_codes(self, history: MunicipalityHistory, years: tuple[int, ...]) -> tuple[str, ...]:
        """All of Norway: K-codes of every municipality today, or every municipality code in use
        in those years (the harmonisation sums predecessors and flags splits itself). The client
        splits a selection that passes the API's cell limit."""
        if self.codelist == KOMM_SUMMER:
            return tuple(f"K-{code}" for code in history.current_codes)
        in_use = [c for c in history.codes["code"] if any(history.is_valid(c, y) for y in years)]
        return tuple(sorted(dict.fromkeys(in_use)))

    def query(
        self, history: MunicipalityHistory, years: tuple[int, ...], lang: str = "no"
    ) -> Query:
        selection = {self.region_variable: self.region_codes(history, years)}
        selection.update(self.selection)
        selection[self.time_variable] = tuple(str(y) for y in years)
        codelists = {self.region_variable: self.codelist} if self.codelist else {}
        output = {self.region_variable: "aggregated"} if self.codelist == KOMM_SUMMER else {}
        return Query(self.table_id, selection, codelists, output, lang)


@dataclass(frozen=True)
class KpiFormula:
    kpi_code: str
    data_point: str
    numerator: str
    denominator: str | None
    scale: float
    unit: str

    def describe(self) -> str:
        if self.denominator is None:
            return f"{self.numerator} (published directly)"
        return f"{self.numerator} / {self.denominator} × {self.scale:g}"


@dataclass(frozen=True)
class Registry:
    provider: str
    lang: str
    years: tuple[int, ...]
    series: dict[str, Series]
    kpis: tuple[KpiFormula, ...] = field(default_factory=tuple)


def _series(key: str, raw: dict) -> Series:
    try:
        region = raw["region"]
        selection = {
            str(k): tuple(str(v) for v in values) for k, values in raw["selection"].items()
        }
        series = Series(
            id=key,
            role=raw["role"],
            table_id=str(raw["table_id"]),
            title=raw["title"],
            region_variable=region["variable"],
            codelist=region.get("codelist"),
            selection=selection,
            additive=bool(raw["additive"]),
            unit=raw["unit"],
            certainty=str(raw["certainty"]),
            notes=raw.get("notes", ""),
            time_variable=raw.get("time_variable", "Tid"),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise RegistryError(f"series {key!r}: missing or malformed field {error}") from error
    if series.role not in ROLES:
        raise RegistryError(f"series {key!r}: role {series.role!r} not in {ROLES}")
    if series.certainty not in CERTAINTIES:
        raise RegistryError(f"series {key!r}: certainty {series.certainty!r} not in {CERTAINTIES}")
    if "ContentsCode" not in series.selection:
        raise RegistryError(
            f"series {key!r}: ContentsCode must be selected (mandatory in PxWebApi v2)"
        )
    if not series.additive and any(len(v) > 1 for v in series.selection.values()):
        raise RegistryError(
            f"series {key!r}: several codes are summed, so the series must be additive"
        )
    return series


def load_registry(path: Path, catalogue: Catalogue | None = None) -> Registry:
    """Read and validate the registry; with a catalogue, KPI codes and units are checked too."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    series = {key: _series(key, entry) for key, entry in raw.get("series", {}).items()}
    kpis = []
    for i, entry in enumerate(raw.get("kpis", [])):
        formula = KpiFormula(
            kpi_code=entry["kpi_code"],
            data_point=entry.get("data_point", "main"),
            numerator=entry["numerator"],
            denominator=entry.get("denominator"),
            scale=float(entry.get("scale", 1)),
            unit=entry["unit"],
        )
        where = f"kpis[{i}] ({formula.kpi_code})"
        for part in (formula.numerator, formula.denominator):
            if part is not None and part not in series:
                raise RegistryError(f"{where}: unknown series {part!r}")
        if formula.denominator is None and series[formula.numerator].role != "kpi":
            raise RegistryError(f"{where}: without a denominator the series must have role 'kpi'")
        if catalogue is not None:
            code = catalogue.normaliser.normalise(formula.kpi_code)
            points = catalogue.data_points
            match = points[
                (points["kpi_code"] == code) & (points["data_point"] == formula.data_point)
            ]
            if match.empty:
                raise RegistryError(
                    f"{where}: no data point {formula.data_point!r} in the catalogue"
                )
            expected = match["unit"].iloc[0]
            if expected != formula.unit:
                raise RegistryError(f"{where}: unit {formula.unit!r}; catalogue: {expected!r}")
            formula = replace(formula, kpi_code=code)
        kpis.append(formula)
    return Registry(
        provider=raw["provider"],
        lang=str(raw.get("lang", "no")),
        years=tuple(int(y) for y in raw["years"]),
        series=series,
        kpis=tuple(kpis),
    )
