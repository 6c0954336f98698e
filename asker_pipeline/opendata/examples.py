"""The example snapshots that ship in ``sources/opendata/snapshots/``: invented but plausible
figures for every municipality in Norway, in exactly the shape of a PxWebApi v2 JSON-stat2
response, labelled as example data in ``label``, ``note``, ``extension.asker_pipeline`` and
(through it) every value's provenance.

The figures come from two tables: inhabitants per region code and year
(``assets/example_population.csv``: invented, of the order of each municipality's size, not
SSB's figures) and the rates behind each KPI (``example_rates``: for the five network
municipalities the hand-set ``NETWORK_RATES``, for the others drawn reproducibly within the
ranges of assets/example_ranges.csv from the code, the size and the year). Every count is
derived from them, so the KPIs the pipeline computes from the snapshots come back as those
rates. The example workbooks take their values for the same KPIs from ``example_kpi_values``
(the same arithmetic), so the two sources agree (tests/test_example_data.py checks it by
reading both).

Regenerate with ``python -m asker_pipeline.opendata.examples [sources_dir]``. A refresh
(``ASKER_OPENDATA_REFRESH=1``) replaces them with real responses."""

from __future__ import annotations

import math
import sys
import zlib
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from asker_pipeline.opendata import jsonstat
from asker_pipeline.opendata.registry import (
    REGISTRY_FILE,
    KpiFormula,
    Registry,
    Series,
    load_registry,
)
from asker_pipeline.opendata.snapshots import EXAMPLE_LABEL, with_provenance, write_snapshot
from asker_pipeline.paths import SOURCES_DIR
from asker_pipeline.reference.catalogue import read_csv
from asker_pipeline.reference.municipalities import (
    MunicipalityHistory,
    UnknownMunicipalityCode,
    load_municipalities,
)
from asker_pipeline.settings import assets_dir

POPULATION_FILE = "example_population.csv"  # in the reference folder (ASKER_ASSETS)


def _read_population(path: Path | None = None) -> dict[int, dict[str, int]]:
    table = read_csv(path or assets_dir() / POPULATION_FILE)
    population: dict[int, dict[str, int]] = {}
    for code, year, inhabitants in table[["code", "year", "inhabitants"]].itertuples(index=False):
        population.setdefault(int(year), {})[code] = int(inhabitants)
    return population


#: Invented inhabitants per code and year (the magnitude of the real figures, not the figures):
#: every code in use on 1 January 2019 and 2024.
EXAMPLE_POPULATION = _read_population()
#: How the area of a code split in 2020 with no successor continuing it is shared out when SSB's
#: K-codes are summed at today's boundaries (invented shares for the example data).
SPLIT_SHARES = {
    "1850": {"1806": 0.6, "1875": 0.4},  # Tysfjord: east to Narvik, west to Hamarøy
    "5012": {"5055": 0.45, "5056": 0.2, "5059": 0.35},  # Snillfjord: Heim, Hitra, Orkland
}
#: A K-code's area in 2019 that is not the codes that resolve to it: Haram (1580) was
#: re-established in 2024 with its pre-2020 borders, so K-1580 is old Haram (1534) and K-1508
#: today's Ålesund without it.
K_AREA_2019 = {"1580": ("1534",), "1508": ("1504", "1523", "1529", "1546")}


class Rates(NamedTuple):
    """Invented rates for one region code and year, all in percent."""

    unemployed: float  # registered unemployed / labour force, 15-74
    youth: float  # the same, 15-24
    tourism: float  # employed in NACE 55, 56, 79 / all employed
    ict: float  # employed in NACE 61-63 / all employed
    higher_education: float  # persons 16+ with higher education / all inhabitants
    low_income: float  # persistent low income, as published per municipality


#: Invented rates per code and year for the network. Stavanger and Ålesund 2019 are set so that
#: the sums over their 2019 codes come out at their published U4SSC figures (Stavanger:
#: unemployment 2.74, tourism 6.33, ICT 3.22; Ålesund: 2.16, 2.25, 3.90, 1.25), and former
#: Asker's (0220) low income near its published poverty rate (4.27 %): the workbooks cite those
#: figures, and example data that contradicted them would not be believable.
NETWORK_RATES: dict[int, dict[str, Rates]] = {
    2019: {
        "0220": Rates(1.80, 2.00, 3.30, 6.90, 41.0, 4.4),
        "0627": Rates(2.10, 2.60, 2.90, 5.20, 30.0, 5.6),
        "0628": Rates(2.40, 3.10, 2.60, 3.40, 24.0, 6.8),
        "0219": Rates(1.75, 2.10, 3.60, 7.30, 41.5, 5.9),
        "5001": Rates(2.00, 2.30, 4.60, 4.60, 36.0, 8.7),
        "5030": Rates(1.70, 2.20, 2.80, 2.90, 27.0, 5.2),
        "1103": Rates(2.78, 2.45, 6.45, 3.35, 32.5, 8.2),
        "1141": Rates(2.00, 2.00, 4.20, 1.20, 22.0, 6.1),
        "1142": Rates(1.90, 2.10, 4.00, 1.50, 24.0, 5.4),
        "1504": Rates(2.20, 2.25, 4.10, 1.42, 26.0, 7.2),
        "1523": Rates(2.00, 2.30, 3.00, 0.70, 19.0, 6.0),
        "1529": Rates(1.90, 2.10, 2.80, 0.80, 21.0, 5.5),
        "1534": Rates(2.20, 2.30, 3.60, 0.90, 18.0, 6.3),
        "1546": Rates(1.80, 2.00, 3.50, 0.50, 16.0, 6.6),
    },
    2024: {
        "3203": Rates(1.75, 2.10, 3.40, 7.00, 38.0, 5.3),
        "3201": Rates(1.70, 2.05, 3.80, 7.60, 43.0, 6.1),
        "5001": Rates(2.05, 2.40, 4.80, 4.90, 37.5, 9.0),
        "1103": Rates(2.10, 2.50, 5.90, 3.60, 34.0, 8.6),
        "1508": Rates(1.90, 2.20, 4.10, 1.50, 27.5, 7.4),
    },
}
#: Series that are a share of the population, and that share.
_OF_POPULATION = {"labour_force_15_74": 0.55, "labour_force_15_24": 0.07, "employed_total": 0.52}
#: Series that are a rate (a ``Rates`` field) of another series.
_OF_SERIES = {
    "unemployed_15_74": ("labour_force_15_74", "unemployed"),
    "unemployed_15_24": ("labour_force_15_24", "youth"),
    "employed_tourism": ("employed_total", "tourism"),
    "employed_ict": ("employed_total", "ict"),
    "higher_education_persons": ("population", "higher_education"),
}
#: How a series' total splits over the selected categories (NACE, education level), roughly as
#: employment splits in Norway; a category not listed gets an equal share.
_CATEGORY_SHARES = {
    "55": 0.30,
    "56": 0.60,
    "79": 0.10,
    "61": 0.15,
    "62": 0.70,
    "63": 0.15,
    "03a": 0.62,
    "04a": 0.38,
}
#: Persons per household: 2.1 plus a tenth per (last digit of the code mod 4), so 2.1-2.4.
_HOUSEHOLD_SIZE = 2.1
#: The one cell of a network predecessor suppressed for confidentiality (a small count); small
#: municipalities' youth unemployment is suppressed too (``SUPPRESS_BELOW``): ``:`` in the snapshot.
CONFIDENTIAL = ("unemployed_15_24", "1142", 2019)
SUPPRESS_BELOW = 600  # inhabitants: a youth-unemployment count this small is not published


def _uniform(*key: object) -> float:
    """A reproducible draw in [0, 1) for a key (crc32: the same on every machine and run)."""
    return zlib.crc32(":".join(map(str, key)).encode()) / 2**32


def _clamp(value: float, low: float, high: float) -> float:
    return round(min(max(value, low), high), 2)


@cache
def example_rates(code: str, year: int) -> Rates:
    """The invented rates of one region code in a snapshot year.

    The network's are set by hand (``NETWORK_RATES``). The others are drawn within the example
    ranges (assets/example_ranges.csv) from today's municipality the code belongs to, so an area
    looks alike in 2019 and 2024, moved a little per code and year; ICT employment and higher
    education grow with the municipality's size, as they do in Norway."""
    if code in NETWORK_RATES.get(year, {}):
        return NETWORK_RATES[year][code]
    try:
        today = load_municipalities().current_code(code)
    except UnknownMunicipalityCode:
        today = code  # split with no successor continuing it: its own draws
    size = math.log10(EXAMPLE_POPULATION[year][code])

    def draw(field: str, low: float, span: float) -> float:
        own = 0.1 * (_uniform(field, code, year) - 0.5)  # up to ±5 % for the code and year
        return (low + span * _uniform(field, today)) * (1 + own)

    unemployed = _clamp(draw("unemployed", 1.5, 1.8), 1.5, 3.5)
    return Rates(
        unemployed=unemployed,
        youth=_clamp(unemployed + draw("youth", -0.2, 1.0), 1.5, 4.0),
        tourism=_clamp(draw("tourism", 2.5, 4.5), 2.5, 7.0),
        ict=_clamp(draw("ict", 1.0, 1.5) + 1.4 * (size - 3), 1.0, 9.0),
        higher_education=_clamp(draw("higher_education", 20.0, 6.0) + 7 * (size - 3), 20.0, 45.0),
        low_income=_clamp(draw("low_income", 5.0, 5.0), 3.0, 11.0),
    )


def _population(code: str, year: int, history: MunicipalityHistory) -> int:
    """Inhabitants of a code, or of a K-code: today's municipality at today's boundaries (old
    Haram in Haram, not in Ålesund; a split code's inhabitants shared out by ``SPLIT_SHARES``)."""
    if not code.startswith("K-"):
        return EXAMPLE_POPULATION[year][code]
    current = code[2:]
    parts = K_AREA_2019.get(current) if year == 2019 else None
    parts = parts or history.predecessors(current, year)
    total = sum(EXAMPLE_POPULATION[year][c] for c in parts)
    for split, shares in SPLIT_SHARES.items():
        if current in shares and split in EXAMPLE_POPULATION[year]:
            total += round(EXAMPLE_POPULATION[year][split] * shares[current])
    return total


def series_total(series_id: str, code: str, year: int, history: MunicipalityHistory) -> float:
    """The invented value of one series for one region code and year (all categories)."""
    pop = _population(code, year, history)
    if series_id == "population":
        return float(pop)
    if series_id == "households":
        return float(round(pop / (_HOUSEHOLD_SIZE + (int(code[-1]) % 4) / 10)))
    if series_id == "low_income_share":
        return example_rates(code, year).low_income
    if series_id in _OF_POPULATION:
        return float(round(pop * _OF_POPULATION[series_id]))
    base, field = _OF_SERIES[series_id]
    rate = getattr(example_rates(code, year), field)
    return float(round(series_total(base, code, year, history) * rate / 100))


def _suppressed(series_id: str, code: str, year: int) -> bool:
    if (series_id, code, year) == CONFIDENTIAL:
        return True
    small = not code.startswith("K-") and EXAMPLE_POPULATION[year][code] < SUPPRESS_BELOW
    return series_id == "unemployed_15_24" and small


def _split(
    series: Series,
    total: float,
    combo: dict[str, str],
    code: str,
    year: int,
    history: MunicipalityHistory,
) -> float:
    """One selected category's part of a series' total; the parts add up to the total exactly
    (labour force = employed A.01 + registered unemployed A.09, as in the unemployed series)."""
    if series.id.startswith("labour_force"):
        unemployed = series.id.replace("labour_force", "unemployed")
        part = series_total(unemployed, code, year, history)
        return part if combo.get("HovArbStyrkStatus") == "A.09" else total - part
    for variable, code_value in combo.items():
        codes = series.selection[variable]
        if len(codes) > 1:
            shares = [_CATEGORY_SHARES.get(c, 1 / len(codes)) for c in codes]
            position = codes.index(code_value)
            parts = [round(total * s) for s in shares[:-1]]
            parts.append(total - sum(parts))
            return float(parts[position])
    return total


def example_response(series: Series, registry: Registry, history: MunicipalityHistory) -> dict:
    query = series.query(history, registry.years, registry.lang)
    regions = query.selection[series.region_variable]
    other = [(var, codes) for var, codes in series.selection.items()]
    rows = []
    for code in regions:
        for combo_codes in pd.MultiIndex.from_product([codes for _, codes in other]):
            combo = dict(zip([var for var, _ in other], combo_codes, strict=True))
            for year in registry.years:
                valid = code.startswith("K-") or history.is_valid(code, year)
                value, symbol = None, ".."
                if valid and _suppressed(series.id, code, year):
                    symbol = ":"  # a small count suppressed for confidentiality
                elif valid:
                    total = series_total(series.id, code, year, history)
                    value, symbol = _split(series, total, combo, code, year, history), ""
                rows.append(
                    {
                        series.region_variable: code,
                        **combo,
                        series.time_variable: str(year),
                        "value": value,
                        "symbol": symbol,
                    }
                )
    frame = pd.DataFrame(rows)
    order = [series.region_variable] + [var for var, _ in other] + [series.time_variable]
    dims = {
        series.region_variable: {
            "label": "region",
            "category": {
                "label": {
                    c: (
                        f"{history.name(c[2:])} (K-kode, summert)"
                        if c.startswith("K-")
                        else history.name(c)
                    )
                    for c in regions
                }
            },
        },
        series.time_variable: {
            "label": "år",
            "category": {"label": {str(y): str(y) for y in registry.years}},
        },
    }
    for var, codes in other:
        dims[var] = {"label": var, "category": {"label": {c: c for c in codes}}}
    dims["ContentsCode"]["category"]["unit"] = {
        c: {
            "base": "prosent" if series.unit == "percent" else "personer",
            "decimals": 1 if series.unit == "percent" else 0,
        }
        for c in series.selection["ContentsCode"]
    }
    doc = jsonstat.encode(
        frame[order + ["value", "symbol"]],
        {name: dims[name] for name in order},
        label=f"EXAMPLE DATA - {series.table_id}: {series.title}",
        source="Example data shaped like Statistisk sentralbyrå's PxWebApi v2 (not SSB's figures)",
        updated="2026-01-01T00:00:00Z",
        note=[
            EXAMPLE_LABEL,
            ".. = Tallgrunnlag mangler.",
            ": = Vises ikke av konfidensialitetshensyn.",
        ],
        role={
            "time": [series.time_variable],
            "metric": ["ContentsCode"],
            "geo": [series.region_variable],
        },
        extension={
            "px": {"tableid": series.table_id, "language": registry.lang, "contents": series.title}
        },
    )
    return with_provenance(doc, registry.provider, query.describe(), None, is_example=True)


def _area_value(formula: KpiFormula, codes: tuple[str, ...], year: int, history) -> float:
    def total(series_id: str) -> float:
        return sum(series_total(series_id, c, year, history) for c in codes)

    if formula.denominator is None:  # a published share: weighted by inhabitants
        weights = [series_total("population", c, year, history) for c in codes]
        shares = [series_total(formula.numerator, c, year, history) for c in codes]
        return sum(w * s for w, s in zip(weights, shares, strict=True)) / sum(weights)
    return total(formula.numerator) / total(formula.denominator) * formula.scale


def example_kpi_values(
    codes: tuple[str, ...], year: int, sources_dir: Path = SOURCES_DIR
) -> dict[tuple[str, str], float]:
    """Every registry KPI for the area of ``codes`` in a snapshot year, from the same invented
    figures as the snapshots: what the pipeline computes from them for that area (a published
    share over several codes is weighted by inhabitants here; the pipeline leaves it missing)."""
    registry = load_registry(sources_dir / REGISTRY_FILE)
    history = load_municipalities()
    return {(f.kpi_code, f.data_point): _area_value(f, codes, year, history) for f in registry.kpis}


def example_population(codes: tuple[str, ...], year: int) -> int:
    """Invented inhabitants of the area of ``codes`` in a snapshot year."""
    return sum(EXAMPLE_POPULATION[year][c] for c in codes)


def write_examples(sources_dir: Path = SOURCES_DIR) -> list[Path]:
    registry = load_registry(sources_dir / REGISTRY_FILE)
    history = load_municipalities()
    written = []
    for series in registry.series.values():
        path = sources_dir / series.snapshot
        write_snapshot(path, example_response(series, registry, history))
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCES_DIR
    for p in write_examples(target):
        print(p)
