"""The bundled example workbooks: five municipalities, baseline 2019 and 2023, written through the
generated template and filled the way people fill them in (decimal commas, ``%`` signs, NR).

Published U4SSC figures (Stavanger's verification report, February 2021; Ålesund's factsheet,
June 2020) are used where they exist and cited in the source column; they are placed in the 2019
baseline workbook. Every other figure is an example value and its source cell says so. Some KPIs
are left unreported, and a few rows carry deliberate mistakes (labelled in their comment) so the
example run shows the quarantine at work.

Regenerate: ``python -m asker_pipeline.spreadsheets.examples [folder]``
(default: sources/spreadsheets)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from asker_pipeline.paths import SOURCES_DIR
from asker_pipeline.reference.catalogue import Catalogue, load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.spreadsheets.layout import DATA_QUALITY
from asker_pipeline.spreadsheets.template import (
    build_workbook,
    fill_workbook,
    workbook_file_name,
    write_workbook,
)

YEARS = (2019, 2023)
EXAMPLE_SOURCE = "Eksempelverdi – ikke et reelt tall / Example value – not a real figure"
STAVANGER = "Publisert tall / published figure: U4SSC Verification Report, Stavanger, February 2021"
ALESUND = "Publisert tall / published figure: U4SSC Factsheet, Ålesund, June 2020"
#: (municipality code) -> {(kpi_code, data_point): value} as published; cited in the source column.
PUBLISHED: dict[str, tuple[str, dict[tuple[str, str], float]]] = {
    "1103": (
        STAVANGER,
        {
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
        },
    ),
    "1508": (
        ALESUND,
        {
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
    ),
}
#: Plausible ranges for invented example values, by unit.
EXAMPLE_RANGES = {
    "percent": (40, 99),
    "percent_of_gdp": (0.3, 3),
    "per_100k_inhabitants": (5, 400),
    "per_100k_live_births": (0, 8),
    "fte_per_100k_inhabitants": (40, 150),
    "km_per_100k_inhabitants": (50, 400),
    "hectares_per_100k_inhabitants": (200, 2500),
    "tonnes_co2e_per_capita": (2, 6),
    "litres_per_capita_day": (150, 250),
    "kwh_per_capita_year": (6000, 9500),
    "gj_per_capita_year": (5, 15),
    "interruptions_per_customer_year": (0.5, 2.5),
    "minutes_per_customer_year": (60, 240),
    "minutes": (8, 20),
    "kwh_per_m2_year": (120, 220),
    "ug_per_m3": (4, 30),
    "count": (10, 300),
    "ratio": (0.8, 1.3),
    "gini": (0.22, 0.30),
    "yes_no": (0, 1),
    "years": (80, 84),
}
#: Multi-point KPIs whose data points are parts of one whole (they sum to 100).
SUMS_TO_100 = ("EC: I: T: 4A", "EN: EN: WA: 1C")
UNREPORTED_SHARE = 0.15


def _uniform(*parts: object) -> float:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def example_values(catalogue: Catalogue, code: str, year: int) -> dict[tuple[str, str], float]:
    """Invented, deterministic example values for every data point (before anything is left out)."""
    values = {}
    for kpi, point, unit in catalogue.data_points[["kpi_code", "data_point", "unit"]].itertuples(
        index=False
    ):
        low, high = EXAMPLE_RANGES[unit]
        value = low + (high - low) * _uniform(code, kpi, point)
        value *= 1 + 0.08 * (_uniform(code, kpi, point, year) - 0.5) * (year != YEARS[0])
        values[(kpi, point)] = round(min(max(value, low), high), 2)
        if unit == "yes_no":
            values[(kpi, point)] = float(value > 0.3)
    for kpi in SUMS_TO_100:
        keys = [k for k in values if k[0] == kpi]
        total = sum(values[k] for k in keys)
        for key in keys:
            values[key] = round(values[key] / total * 100, 2)
    return values


def _typed(value: float, unit: str, code: str, kpi: str) -> object:
    """Type the value as people do: sometimes a number, sometimes text with a decimal comma or %."""
    style = _uniform("style", code, kpi)
    if style < 0.2:
        return f"{value:.2f}".replace(".", ",")
    if style < 0.3 and unit == "percent":
        return f"{value:.1f} %".replace(".", ",")
    if style < 0.35 and value >= 1000:
        return f"{value:,.0f}".replace(",", "\u00a0")
    return value


def example_entries(catalogue: Catalogue, code: str, year: int) -> dict[tuple[str, str], dict]:
    columns = ["kpi_code", "data_point", "unit"]
    units = {(k, p): u for k, p, u in catalogue.data_points[columns].itertuples(index=False)}
    published_source, published = PUBLISHED.get(code, ("", {}))
    entries: dict[tuple[str, str], dict] = {}
    for key, value in example_values(catalogue, code, year).items():
        if year == YEARS[0] and key in published:
            entries[key] = {
                "value": published[key],
                "data_quality": DATA_QUALITY[0].label,
                "source": published_source,
                "comment": "Tallår som i rapporten / data year as in the report",
            }
            continue
        if _uniform("unreported", code, year, *key) < UNREPORTED_SHARE:
            if _uniform("nr", code, year, *key) < 0.5:
                entries[key] = {
                    "value": "NR",
                    "comment": "Ikke rapportert / not reported (example)",
                }
            continue
        quality = DATA_QUALITY[int(_uniform("quality", code, *key) * 4)]
        entries[key] = {
            "value": _typed(value, units[key], code, key[0]),
            "data_quality": quality.label,
            "source": EXAMPLE_SOURCE,
        }
    if code == "5001" and year == YEARS[1]:  # deliberate mistakes, to show the quarantine
        entries[("EC: ICT: ICT: 2C", "main")] = {
            "value": 0.87,
            "source": EXAMPLE_SOURCE,
            "comment": (
                "Bevisst feil i eksempelet: andel skrevet som brøk / deliberate example mistake: "
                "share typed as a fraction (flagged)"
            ),
        }
        entries[("EN: EN: WS: 2C", "main")] = {
            "value": "ca. 180",
            "source": EXAMPLE_SOURCE,
            "comment": (
                "Bevisst feil i eksempelet / deliberate example mistake: text, not a number "
                "(quarantined)"
            ),
        }
    if code == "3203" and year == YEARS[1]:  # a value computed from numerator and denominator
        entries[("EC: ICT: ICT: 1C", "main")] = {
            "numerator": "95 424",
            "denominator": "99 120",
            "data_quality": DATA_QUALITY[0].label,
            "source": EXAMPLE_SOURCE,
        }
    return entries


def write_examples(folder: Path) -> list[Path]:
    catalogue = load_catalogue()
    network = load_municipalities().municipalities
    written = []
    for code, name in zip(network["code"], network["name"], strict=True):
        for year in YEARS:
            book = build_workbook(catalogue, code, name, year, example=True)
            fill_workbook(book, example_entries(catalogue, code, year))
            written.append(write_workbook(book, folder / workbook_file_name(code, name, year)))
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCES_DIR / "spreadsheets"
    for path in write_examples(target):
        print(path)
