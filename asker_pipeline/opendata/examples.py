"""The example snapshots that ship in ``sources/opendata/snapshots/``: invented but plausible
figures, in exactly the shape of a PxWebApi v2 JSON-stat2 response, labelled as example data in
``label``, ``note``, ``extension.asker_pipeline`` and (through it) every value's provenance.

Regenerate with ``python -m asker_pipeline.opendata.examples [sources_dir]``. A refresh
(``ASKER_OPENDATA_REFRESH=1``) replaces them with real responses."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from asker_pipeline.opendata import jsonstat
from asker_pipeline.opendata.registry import REGISTRY_FILE, Registry, Series, load_registry
from asker_pipeline.opendata.snapshots import EXAMPLE_LABEL, with_provenance, write_snapshot
from asker_pipeline.paths import SOURCES_DIR
from asker_pipeline.reference.municipalities import MunicipalityHistory, load_municipalities

#: Invented inhabitants per code and year (the magnitude of the real figures, not the figures).
EXAMPLE_POPULATION = {
    2019: {
        "0220": 61600,
        "0627": 22100,
        "0628": 9600,
        "0219": 127700,
        "5001": 199000,
        "5030": 6100,
        "1103": 134000,
        "1141": 3200,
        "1142": 4900,
        "1504": 47800,
        "1523": 2300,
        "1529": 4700,
        "1534": 9300,
        "1546": 1200,
    },
    2024: {"3203": 98500, "3201": 130800, "5001": 214600, "1103": 149000, "1508": 58400},
}
#: Invented shares of population per series (Asker and Bærum a little more educated, etc.).
_SHARES = {
    "households": 0.45,
    "labour_force_15_74": 0.55,
    "labour_force_15_24": 0.07,
    "employed_total": 0.53,
    "higher_education_persons": 0.40,
}
_RATES = {  # share of the matching labour force / employment
    "unemployed_15_74": ("labour_force_15_74", 0.021),
    "unemployed_15_24": ("labour_force_15_24", 0.032),
    "employed_tourism": ("employed_total", 0.045),
    "employed_ict": ("employed_total", 0.052),
}
_AKERSHUS = {"0220", "0627", "0628", "0219", "3203", "3201"}


def _population(code: str, year: int, history: MunicipalityHistory) -> float:
    if code.startswith("K-"):
        current = code[2:]
        parts = [c for c in history.predecessors(current, year) if c != "1534" or current != "1508"]
        return float(sum(EXAMPLE_POPULATION[year][c] for c in parts))
    return float(EXAMPLE_POPULATION[year][code])


def example_value(series: Series, code: str, year: int, history: MunicipalityHistory) -> float:
    """A deterministic invented value for one region and year."""
    pop = _population(code, year, history)
    bias = 1.0 + (int(code[-2:]) % 7) / 40 + (0.03 if year == 2024 else 0.0)
    if series.id == "population":
        return pop
    if series.id == "low_income_share":
        return round(7.5 + (int(code[-2:]) % 5) * 0.6 - (0.4 if year == 2024 else 0.0), 1)
    if series.id in _SHARES:
        share = _SHARES[series.id] * (
            1.25 if series.id == "higher_education_persons" and code in _AKERSHUS else 1
        )
        return float(round(pop * share * bias))
    base, rate = _RATES[series.id]
    base_value = pop * _SHARES[base]
    rate *= 1.5 if series.id == "employed_ict" and code in _AKERSHUS else 1
    rate *= 0.8 + (int(code[-1]) % 4) / 10 - (0.05 if year == 2024 else 0.0)
    return float(round(base_value * rate * bias))


def _weight(series: Series, combo: dict[str, str], n: int) -> float:
    """How one selected category's share of the series is invented (labour force = employed
    A.01 + unemployed A.09, consistent with the unemployed series)."""
    if n == 1:
        return 1.0
    if series.id.startswith("labour_force"):
        rate = _RATES[series.id.replace("labour_force", "unemployed")][1]
        return rate if combo["HovArbStyrkStatus"] == "A.09" else 1 - rate
    return 1 / n


def example_response(series: Series, registry: Registry, history: MunicipalityHistory) -> dict:
    query = series.query(history, registry.years, registry.lang)
    regions = query.selection[series.region_variable]
    rows = []
    for code in regions:
        for year in registry.years:
            valid = code.startswith("K-") or history.is_valid(code, year)
            value = example_value(series, code, year, history) if valid else None
            symbol = "" if valid else ".."
            if series.id == "unemployed_15_24" and code == "1142" and year == 2019:
                value, symbol = None, ":"  # a small count suppressed for confidentiality
            row = {
                series.region_variable: code,
                series.time_variable: str(year),
                "value": value,
                "symbol": symbol,
            }
            rows.append(row)
    base = pd.DataFrame(rows)
    frames = []
    other = list(series.selection.items())
    combos = list(pd.MultiIndex.from_product([codes for _, codes in other]))
    for combo in combos:
        part = base.copy()
        for (var, _), code in zip(other, combo, strict=False):
            part[var] = code
        weight = _weight(series, dict(zip([v for v, _ in other], combo, strict=False)), len(combos))
        part["value"] = [None if pd.isna(v) else round(v * weight, 1) for v in part["value"]]
        frames.append(part)
    frame = pd.concat(frames, ignore_index=True)
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
