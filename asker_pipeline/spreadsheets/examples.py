"""The bundled example workbooks: five municipalities, baseline 2019 and 2023, written through the
generated template and filled the way people fill them in (decimal commas, ``%`` signs, NR).

Where the values come from (sources/README.md, "Example data", says the same for a reader):

- **Published U4SSC figures** where they exist, as printed (a "Not Reported" stays NR), cited in
  the source column, in the 2019 workbook: Stavanger (Verification Report, February 2021),
  Ålesund (Factsheet, June 2020) and Asker (Verification Report, September 2020). Asker's report
  describes Asker before the 2020 merger (0220), so its 2019 workbook is filed under 0220.
- **Open-data KPIs** (unemployment, tourism and ICT employment, higher education, low income)
  follow the example snapshots (``opendata.examples.example_kpi_values``) within 2 %.
- **Everything else** is drawn, seeded and reproducibly, from the plausible range for a
  Norwegian municipality in ``assets/example_ranges.csv`` (one row per data point: range, anchor
  and its source, year-over-year movement); 2023 is 2019 moved by that movement. The source
  column says "Example value – not a real figure".
- About one data point in six is left unreported (Asker 2019: exactly 18 of 112, so its zero
  point has 94 reported data points), preferring those municipalities often cannot report.
- ``MISTAKES``: a few deliberate, labelled mistakes in the partners' 2023 workbooks, each caught
  by one data-quality check or the quarantine; nothing else in the example run trips a check.

Regenerate: ``python -m asker_pipeline.spreadsheets.examples [folder]``
(default: sources/spreadsheets)."""

from __future__ import annotations

import hashlib
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from asker_pipeline.opendata.examples import (
    EXAMPLE_POPULATION,
    example_kpi_values,
    example_population,
    series_total,
)
from asker_pipeline.paths import SOURCES_DIR
from asker_pipeline.quality import suites
from asker_pipeline.reference.catalogue import Catalogue, load_catalogue, read_csv
from asker_pipeline.reference.municipalities import (
    MunicipalityHistory,
    UnknownMunicipalityCode,
    load_municipalities,
)
from asker_pipeline.settings import assets_dir
from asker_pipeline.spreadsheets.layout import DATA_QUALITY
from asker_pipeline.spreadsheets.template import (
    build_workbook,
    fill_workbook,
    workbook_file_name,
    write_workbook,
)

YEARS = (2019, 2023)
#: Changing the seed draws a different, equally plausible set of example values.
SEED = "asker-examples-1"
RANGES_FILE = "example_ranges.csv"  # in the reference folder (ASKER_ASSETS)
EXAMPLE_SOURCE = "Eksempelverdi – ikke et reelt tall / Example value – not a real figure"
NR = "NR"
Key = tuple[str, str]

#: The area a workbook describes where it is not today's municipality: Asker's published 2019
#: baseline (Verification Report, September 2020) is for Asker before the 2020 merger.
WORKBOOK_AREA = {("3203", 2019): "0220"}

_CITED = "Publisert tall / published figure: "
STAVANGER = _CITED + "U4SSC Verification Report, Stavanger, February 2021"
ALESUND = _CITED + "U4SSC Factsheet, Ålesund, June 2020"
ALESUND_ELECTRICITY = ALESUND + ", p.26"
ASKER = (
    _CITED + "U4SSC Verification Report, Asker, September 2020, p.14 "
    "(Asker før sammenslåingen 2020 / Asker before the 2020 merger, 0220)"
)
#: Published values by workbook code (the 2019 workbook): citation -> {(kpi, point): value}, in
#: the data point's unit, as printed; "Not Reported" is NR.
PUBLISHED: dict[str, dict[str, dict[Key, float | str]]] = {
    "1103": {
        STAVANGER: {
            ("EC: P: EM: 1C", "main"): 2.74,
            ("EC: P: EM: 2C", "main"): 2.40,
            ("EC: P: IN: 1C", "main"): 1.51,
            ("EC: P: IN: 2C", "main"): 333.72,
            ("EC: P: IN: 3A", "main"): 99.22,
            ("EC: P: EM: 3A", "main"): 6.33,
            ("EC: P: EM: 4A", "main"): 3.22,
            ("EC: ICT: PS: 3A", "main"): 81.79,
            ("EC: ICT: PS: 1A", "number"): 268,
            ("EC: ICT: PS: 1A", "percent"): 100,
            ("EC: ICT: PS: 2A", "main"): 246,
            ("EC: I: WA: 1C", "main"): 100,
            ("EC: I: B: 1A", "main"): 4.70,
            ("EC: I: B: 2A", "main"): NR,
        },
    },
    "1508": {
        ALESUND: {
            ("EC: P: IN: 1C", "main"): 1.13,
            ("EC: P: IN: 2C", "main"): 35.16,
            ("EC: P: IN: 3A", "main"): 99.71,
            ("EC: P: EM: 1C", "main"): 2.16,
            ("EC: P: EM: 2C", "main"): 2.25,
            ("EC: P: EM: 3A", "main"): 3.90,
            ("EC: P: EM: 4A", "main"): 1.25,
            ("SC: EH: C: 1C", "main"): 0.00,
            ("SC: EH: C: 2A", "main"): 116.38,
        },
        ALESUND_ELECTRICITY: {
            ("EC: ICT: ES: 1C", "main"): 95.01,
            ("EC: ICT: ES: 2A", "main"): 91.41,
            ("EC: ICT: ES: 3A", "main"): 0.04,
            ("EC: I: ES: 1C", "main"): 1.05,
            ("EC: I: ES: 2C", "main"): 66.86,
            ("EC: I: ES: 3C", "main"): 97.39,
        },
    },
    "0220": {
        ASKER: {
            ("SC: SH: SI: 1C", "main"): 0.64,
            ("SC: SH: SI: 2C", "main"): 0.27,
            ("SC: SH: SI: 3C", "main"): 4.27,
            ("SC: SH: SI: 4C", "main"): 67.94,
            ("SC: SH: SI: 5A", "main"): 98.32,
            ("SC: SH: SA: 1C", "main"): 1.06,
            ("SC: SH: SA: 2C", "main"): 0.001,
            ("SC: SH: SA: 3A", "main"): 0,
            ("SC: SH: SA: 4A", "main"): 0.21,
            ("SC: SH: SA: 5A", "main"): 5.07,
            ("SC: SH: SA: 6C", "main"): 89.20,
            ("SC: SH: SA: 7C", "main"): 52.28,
            ("SC: SH: SA: 8C", "main"): 393.98,
            ("SC: SH: SA: 9C", "main"): 1.06,
            ("SC: SH: FS: 1A", "main"): NR,
        },
    },
}
PUBLISHED_COMMENT = {
    NR: "«Not Reported» i rapporten / Not Reported in the report",
    "value": "Tallår som i rapporten / data year as in the report",
}
UNREPORTED_COMMENT = "Ikke rapportert / not reported (example)"
#: Asker's 2019 zero point: 94 of 112 data points reported (the published NR counts here).
UNREPORTED_EXACTLY = {("3203", 2019): 18}
UNREPORTED_RANGE = (12, 21)  # everyone else: between 12 and 21 data points left out


@dataclass(frozen=True)
class Mistake:
    """A deliberate mistake typed into one example workbook, labelled in its comment column."""

    code: str  # workbook (today's) code
    year: int
    key: Key
    typed: Callable[[dict[Key, float]], object]  # what is typed, from the workbook's values
    what_nb: str
    what_en: str
    keep_reported: tuple[Key, ...] = ()  # data points the mistake needs reported

    @property
    def comment(self) -> str:
        return (
            f"Bevisst feil i eksempelet: {self.what_nb} / deliberate example mistake: "
            f"{self.what_en}"
        )


def _comma(value: float, decimals: int = 2) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


_MODES = tuple(("EC: I: T: 4A", p) for p in ("private", "public", "walking", "cycling", "para"))
#: The deliberate mistakes; sources/README.md lists them with the check that catches each.
MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "5001",
        2023,
        ("EC: ICT: ICT: 2C", "main"),
        lambda v: 0.87,
        "andel skrevet som brøk (flagget)",
        "share typed as a fraction (flagged)",
    ),
    Mistake(
        "5001",
        2023,
        ("EN: EN: WS: 2C", "main"),
        lambda v: "ca. 180",
        "tekst, ikke et tall (i karantene)",
        "text, not a number (quarantined)",
    ),
    Mistake(
        "1103",
        2023,
        ("EC: P: EM: 1C", "main"),
        lambda v: _comma(v[("EC: P: EM: 1C", "main")] * 10, 1),
        "desimalkomma på feil plass, ti ganger tallet",
        "decimal comma in the wrong place, ten times the figure",
    ),
    Mistake(
        "3201",
        2023,
        ("EC: I: T: 4A", "private"),
        lambda v: round(v[("EC: I: T: 4A", "private")] + 9, 2),
        "bilandel fra en eldre reisevaneundersøkelse, andelene summerer til over 100",
        "car share from an older travel survey, the shares sum to more than 100",
        keep_reported=_MODES,
    ),
    Mistake(
        "1508",
        2023,
        ("EC: ICT: ICT: 2C", "main"),
        lambda v: round((v[("EC: ICT: ICT: 1C", "main")] + 100) / 2, 2),
        "fast bredbånd talt med fritidsboliger, over andelen husholdninger med internett",
        "fixed broadband counted with holiday homes, above household Internet access",
        keep_reported=(("EC: ICT: ICT: 1C", "main"),),
    ),
)


# -- the range table ----------------------------------------------------------------------------

DRAWN_AS = ("range", "by_size", "opendata", "parts_of_100", "yes_no", "events")
YOY_KINDS = ("abs", "rel", "fixed", "none")


@dataclass(frozen=True)
class ExampleRange:
    """One row of assets/example_ranges.csv (columns explained in sources/README.md)."""

    kpi_code: str
    data_point: str
    unit: str
    low: float
    high: float
    typical: float | None
    decimals: int
    drawn_as: str
    yoy_trend: float
    yoy_max: float
    yoy_kind: str
    often_unreported: bool

    @property
    def key(self) -> Key:
        return (self.kpi_code, self.data_point)

    @property
    def noise(self) -> float:
        """How far one year's value strays from the trend, at most."""
        return max(self.yoy_max - abs(self.yoy_trend), 0.0)

    def max_change(self, years: int) -> float:
        """The largest plausible change over ``years`` (absolute, or relative for ``rel``): the
        trend accumulates, one year's noise does not."""
        return years * abs(self.yoy_trend) + self.noise


class ExampleRangeError(ValueError):
    """assets/example_ranges.csv breaks one of its rules."""


def load_example_ranges(
    catalogue: Catalogue | None = None, path: Path | None = None
) -> dict[Key, ExampleRange]:
    """The range table, checked against the catalogue: one row per data point, its unit, numbers
    where numbers belong and a range inside the unit's bounds."""
    path = path or assets_dir() / RANGES_FILE
    catalogue = catalogue or load_catalogue()
    frame = read_csv(path)
    units = catalogue.data_points.set_index(["kpi_code", "data_point"])["unit"].to_dict()
    bounds = catalogue.units.set_index("unit")[["min_value", "max_value"]].to_dict("index")
    ranges: dict[Key, ExampleRange] = {}
    for number, raw in enumerate(frame.to_dict("records"), start=2):
        where = f"{path.name} row {number} ({raw['kpi_code']} {raw['data_point']})"
        try:
            row = ExampleRange(
                kpi_code=raw["kpi_code"],
                data_point=raw["data_point"],
                unit=raw["unit"],
                low=float(raw["low"]),
                high=float(raw["high"]),
                typical=float(raw["typical"]) if raw["typical"] else None,
                decimals=int(raw["decimals"]),
                drawn_as=raw["drawn_as"],
                yoy_trend=float(raw["yoy_trend"]),
                yoy_max=float(raw["yoy_max"]),
                yoy_kind=raw["yoy_kind"],
                often_unreported=raw["often_unreported"] == "1",
            )
        except (KeyError, ValueError) as error:
            raise ExampleRangeError(f"{where}: {error}") from error
        unit_bounds = bounds.get(row.unit, {"min_value": "", "max_value": ""})
        low_bound, high_bound = (float(unit_bounds[b] or "nan") for b in ("min_value", "max_value"))
        problems = [
            f"unit {row.unit!r} is not the catalogue's {units.get(row.key)!r}"
            if units.get(row.key) != row.unit
            else "",
            f"low {row.low:g} is above high {row.high:g}" if row.low > row.high else "",
            f"range {row.low:g}-{row.high:g} leaves the unit's bounds"
            if row.low < low_bound or (not math.isnan(high_bound) and row.high > high_bound)
            else "",
            f"drawn_as {row.drawn_as!r} not in {DRAWN_AS}" if row.drawn_as not in DRAWN_AS else "",
            f"yoy_kind {row.yoy_kind!r} not in {YOY_KINDS}"
            if row.yoy_kind not in YOY_KINDS
            else "",
            "a duplicate row" if row.key in ranges else "",
        ]
        if any(problems):
            raise ExampleRangeError(f"{where}: {'; '.join(p for p in problems if p)}")
        ranges[row.key] = row
    missing = set(units) - set(ranges)
    if missing:
        raise ExampleRangeError(f"{path.name}: no row for {sorted(missing)}")
    return ranges


# -- drawing ------------------------------------------------------------------------------------


def _uniform(*parts: object) -> float:
    """A reproducible number in [0, 1) for these parts (and the seed)."""
    digest = hashlib.sha256("|".join(map(str, (SEED, *parts))).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _poisson(mean: float, u: float) -> int:
    """The count whose cumulative Poisson probability first exceeds ``u``."""
    k, p = 0, math.exp(-mean)
    total = p
    while total <= u and k < 1000:
        k += 1
        p *= mean / k
        total += p
    return k


def _orderings() -> list[tuple[Key, Key]]:
    """(smaller, larger) pairs the values must keep: the plausibility rules' ``at_most_other``
    (fixed broadband <= Internet access, potable <= basic water supply), and 3G <= 4G."""
    rules = suites.load(suites.PLAUSIBILITY)["rules"]
    pairs = [
        ((r["kpi_code"], r["data_point"]), (r["other_kpi_code"], r["other_data_point"]))
        for r in rules
        if r["kind"] == "at_most_other"
    ]
    return [*pairs, (("EC: ICT: ICT: 4C", "3g"), ("EC: ICT: ICT: 4C", "4g"))]


#: The years the example snapshots cover (2019 and 2024).
SNAPSHOT_YEARS = tuple(sorted(EXAMPLE_POPULATION))


@dataclass(frozen=True)
class Area:
    """What a workbook describes: today's municipality, the code of the area (a predecessor's
    for a former area), the year, the codes that make the area up in the snapshots' first year
    (empty when the snapshots do not cover it) and its inhabitants."""

    today: str
    code: str
    year: int
    codes: tuple[str, ...]
    population: float


def workbook_area(today: str, year: int, history: MunicipalityHistory | None = None) -> Area:
    history = history or load_municipalities()
    code = WORKBOOK_AREA.get((today, year), today)
    first, last = SNAPSHOT_YEARS[0], SNAPSHOT_YEARS[-1]
    try:
        then = history.predecessors(today, first)
    except UnknownMunicipalityCode:
        then = ()
    codes = (code,) if code != today else then
    if not then or not set(codes) <= set(EXAMPLE_POPULATION[first]):
        return Area(today, code, year, (), 100_000.0)  # e.g. the benchmark's synthetic codes
    if year == first:
        return Area(today, code, year, codes, float(example_population(codes, first)))
    before, after = example_population(then, first), example_population((today,), last)
    share = (year - first) / (last - first)
    return Area(today, code, year, codes, before + share * (after - before))


def _opendata_value(area: Area, key: Key) -> float | None:
    """The example snapshots' figure for this area and year (for today's area, interpolated
    between the snapshot years), moved by up to 2 % as a municipality's own figure would be."""
    if not area.codes:
        return None
    first, last = SNAPSHOT_YEARS[0], SNAPSHOT_YEARS[-1]
    if area.year == first:
        value = _kpi_values(area.codes, first)[key]
    else:
        before = _kpi_values(load_municipalities().predecessors(area.today, first), first)[key]
        after = _kpi_values((area.today,), last)[key]
        value = before + (area.year - first) / (last - first) * (after - before)
    return value * (1 + 0.04 * (_uniform("opendata", area.code, area.year, *key) - 0.5))


@cache
def _kpi_values(codes: tuple[str, ...], year: int) -> dict[Key, float]:
    return example_kpi_values(codes, year)


def _baseline(row: ExampleRange, today: str, area: Area) -> float:
    """A 2019 value drawn for this municipality (``range``, ``by_size`` and ``yes_no``)."""
    u = _uniform("value", today, *row.key)
    if row.drawn_as == "yes_no":
        return float(u < (row.typical if row.typical is not None else 0.5))
    if row.drawn_as == "by_size":  # a count: larger municipalities have more
        size = min(max((area.population - 50_000) / 160_000, 0.0), 1.0)
        u = 0.6 * size + 0.4 * u
    return row.low + (row.high - row.low) * u


def _events(row: ExampleRange, area: Area) -> float:
    """A small count of deaths over the population, per 100 000 (0 in most years)."""
    mean = (row.typical or 0.0) * area.population / 100_000
    cap = math.floor(row.high * area.population / 100_000)
    deaths = min(_poisson(mean, _uniform("events", area.code, area.year, *row.key)), cap)
    return deaths / area.population * 100_000


def _moved(row: ExampleRange, value: float, today: str, years: int) -> float:
    """``value`` ``years`` later: the trend, plus at most one year's noise."""
    if row.yoy_kind == "fixed" or years == 0:
        return value
    change = years * row.yoy_trend + row.noise * (2 * _uniform("move", today, *row.key) - 1)
    moved = value * (1 + change) if row.yoy_kind == "rel" else value + change
    return max(moved, 0.0)


def _cap(row: ExampleRange, value: float, units: pd.DataFrame) -> float:
    high = float(units.at[row.unit, "max_value"] or "nan")
    return min(value, high) if not math.isnan(high) else value


def _parts_of_100(
    rows: list[ExampleRange], base: dict[Key, float], today: str, years: int, attempt: int
) -> dict[Key, float]:
    """Shares of one whole: each part drawn (2019) or moved (later), then scaled to sum to 100."""
    raw = {}
    for row in rows:
        if row.key in base:
            change = years * row.yoy_trend + row.noise * (
                2 * _uniform("move", today, attempt, *row.key) - 1
            )
            raw[row.key] = max(base[row.key] + change, 0.0)
        else:
            u = _uniform("value", today, attempt, *row.key)
            raw[row.key] = row.low + (row.high - row.low) * u
    total = sum(raw.values())
    return {key: round(v / total * 100, rows[0].decimals) for key, v in raw.items()}


def _whole(
    rows: list[ExampleRange], base: dict[Key, float], today: str, years: int
) -> dict[Key, float]:
    """The first attempt whose parts stay in their ranges (2019) or move plausibly (later)."""
    for attempt in range(200):
        parts = _parts_of_100(rows, base, today, years, attempt)
        if not base and all(r.low <= parts[r.key] <= r.high for r in rows):
            return parts
        if base and all(abs(parts[r.key] - base[r.key]) <= r.max_change(years) for r in rows):
            return parts
    raise ExampleRangeError(f"{rows[0].kpi_code}: no parts of 100 fit the ranges in the table")


def published_values(area_code: str) -> dict[Key, tuple[float | str, str]]:
    """(value or NR, citation) per data point published for the area a 2019 workbook covers."""
    return {
        key: (value, source)
        for source, values in PUBLISHED.get(area_code, {}).items()
        for key, value in values.items()
    }


def _baselines(
    ranges: dict[Key, ExampleRange], code: str, start: Area, published: dict[Key, float]
) -> dict[Key, float]:
    """2019 values of the drawn data points, each smaller one of an ordered pair drawn below its
    larger one with room for both to move until the last example year."""
    base = {
        key: published.get(key, _baseline(row, code, start))
        for key, row in ranges.items()
        if row.drawn_as in ("range", "by_size", "yes_no")
    }
    span = YEARS[-1] - YEARS[0]
    for smaller, larger in _orderings():
        low, high = ranges[smaller], ranges[larger]
        room = max((span * low.yoy_trend + low.noise) - (span * high.yoy_trend - high.noise), 0)
        if smaller not in published and base[smaller] > base[larger] - room:
            top = max(base[larger] - room, low.low)
            base[smaller] = low.low + (top - low.low) * _uniform("value", code, *smaller)
    return base


def _value(
    row: ExampleRange,
    base: dict[Key, float],
    published: dict[Key, float],
    code: str,
    area: Area,
) -> float:
    years = area.year - YEARS[0]
    if years == 0 and row.key in published:
        return published[row.key]
    if row.drawn_as == "events":
        return _events(row, area)
    if row.drawn_as == "opendata":
        from_snapshots = _opendata_value(area, row.key)
        return from_snapshots if from_snapshots is not None else _baseline(row, code, area)
    if row.yoy_kind == "none":  # drawn afresh each year
        return row.low + (row.high - row.low) * _uniform("value", code, area.year, *row.key)
    return _moved(row, base[row.key], code, years)


def example_values(catalogue: Catalogue, code: str, year: int) -> dict[Key, float]:
    """Every data point's value for today's municipality ``code`` in ``year`` (before anything is
    left unreported or mistyped); a published 2019 value is the base its later years move from."""
    ranges, history = load_example_ranges(catalogue), load_municipalities()
    units = catalogue.units.set_index("unit")
    start, area = workbook_area(code, YEARS[0], history), workbook_area(code, year, history)
    published = {k: v for k, (v, _) in published_values(start.code).items() if v != NR}
    base = _baselines(ranges, code, start, published)
    values = {
        key: _value(row, base, published, code, area)
        for key, row in ranges.items()
        if row.drawn_as != "parts_of_100"
    }
    wholes: dict[str, list[ExampleRange]] = {}
    for row in ranges.values():
        if row.drawn_as == "parts_of_100":
            wholes.setdefault(row.kpi_code, []).append(row)
    for rows in wholes.values():
        parts = _whole(rows, {}, code, 0)
        values.update(parts if year == YEARS[0] else _whole(rows, parts, code, year - YEARS[0]))
    return {
        key: round(_cap(ranges[key], values[key], units), ranges[key].decimals) for key in ranges
    }


# -- typing it in -------------------------------------------------------------------------------


def _typed(value: float, row: ExampleRange, code: str) -> object:
    """Type the value as people do: a number, or text with a decimal comma, a %, or spaces."""
    style = _uniform("style", code, row.kpi_code)
    if row.unit == "percent" and 0 < value <= 1:  # a small share: the % sign says it is one
        return f"{_comma(value, row.decimals)} %"
    if style < 0.2:
        return _comma(value, row.decimals)
    if style < 0.3 and row.unit == "percent":
        return f"{_comma(value, row.decimals)} %"
    if style < 0.35 and value >= 1000:
        return f"{value:,.0f}".replace(",", "\u00a0")
    return value


def _as_printed(value: float | str, row: ExampleRange) -> object:
    """A published figure as the report prints it; a share under 1 % with its % sign, so it is
    not taken for a fraction of 1."""
    if row.unit == "percent" and isinstance(value, float | int) and 0 < value <= 1:
        return f"{_comma(value, row.decimals)} %"
    return value


def _unreported(
    ranges: dict[Key, ExampleRange], code: str, year: int, candidates: list[Key], count: int
) -> set[Key]:
    """``count`` data points to leave out, preferring those municipalities often cannot report,
    and mostly the same ones each year (weighted sampling without replacement)."""

    def priority(key: Key) -> float:
        u = 0.6 * _uniform("unreported", code, *key) + 0.4 * _uniform(
            "unreported", code, year, *key
        )
        weight = 4.0 if ranges[key].often_unreported else 1.0
        return u ** (1 / weight)

    return set(sorted(candidates, key=priority, reverse=True)[:count])


def example_entries(catalogue: Catalogue, code: str, year: int) -> dict[Key, dict]:
    """What is typed into today's municipality ``code``'s workbook for ``year``."""
    ranges, history = load_example_ranges(catalogue), load_municipalities()
    values = example_values(catalogue, code, year)
    area = workbook_area(code, year, history)
    published = published_values(area.code) if year == YEARS[0] else {}
    mistakes = {m.key: m for m in MISTAKES if (m.code, m.year) == (code, year)}
    keep = set(mistakes) | {k for m in mistakes.values() for k in m.keep_reported}
    if area.code != area.today:  # open data covers today's area: the workbook must not lean on it
        keep |= {k for k, r in ranges.items() if r.drawn_as == "opendata"}
    published_nr = [k for k, (v, _) in published.items() if v == NR]
    count = UNREPORTED_EXACTLY.get((code, year))
    if count is None:
        low, high = UNREPORTED_RANGE
        count = low + int(_uniform("unreported count", code, year) * (high - low + 1))
    candidates = [k for k in ranges if k not in keep and k not in published]
    left_out = _unreported(ranges, code, year, candidates, count - len(published_nr))

    entries: dict[Key, dict] = {}
    for key, value in values.items():
        row = ranges[key]
        if key in published:
            shown, source = published[key]
            entries[key] = {
                "value": _as_printed(shown, row),
                "source": source,
                "comment": PUBLISHED_COMMENT[NR if shown == NR else "value"],
            }
            if shown != NR:
                entries[key]["data_quality"] = DATA_QUALITY[0].label
        elif key in mistakes:
            entries[key] = {
                "value": mistakes[key].typed(values),
                "source": EXAMPLE_SOURCE,
                "comment": mistakes[key].comment,
            }
        elif key in left_out:
            if _uniform("nr", code, year, *key) < 0.5:  # the other half: left empty
                entries[key] = {"value": NR, "comment": UNREPORTED_COMMENT}
        else:
            quality = DATA_QUALITY[int(_uniform("quality", code, *key) * 4)]
            entries[key] = {
                "value": _typed(value, row, code),
                "data_quality": quality.label,
                "source": EXAMPLE_SOURCE,
            }
    if (code, year) == ("3203", YEARS[1]):  # a value computed from numerator and denominator
        key = ("EC: ICT: ICT: 1C", "main")
        households = series_total("households", code, SNAPSHOT_YEARS[-1], history)
        with_internet = round(values[key] * households / 100)
        entries[key] = {
            "numerator": f"{with_internet:,.0f}".replace(",", " "),
            "denominator": f"{households:,.0f}".replace(",", " "),
            "data_quality": DATA_QUALITY[0].label,
            "source": EXAMPLE_SOURCE,
            "comment": "Husholdninger med internett / alle husholdninger; households with "
            "Internet access / all households",
        }
    return entries


def write_examples(folder: Path) -> list[Path]:
    catalogue = load_catalogue()
    history = load_municipalities()
    network = history.municipalities
    written = []
    for code, name in zip(network["code"], network["name"], strict=True):
        for year in YEARS:
            area = workbook_area(code, year, history).code
            book = build_workbook(catalogue, area, name, year, example=True)
            fill_workbook(book, example_entries(catalogue, code, year))
            written.append(write_workbook(book, folder / workbook_file_name(area, name, year)))
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCES_DIR / "spreadsheets"
    for path in write_examples(target):
        print(path)
