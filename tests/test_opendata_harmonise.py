"""Municipality-code harmonisation: a merger, a renumbering, a boundary change without a new
code, a split, SSB's own K-codes, and KPIs computed after summing."""

from __future__ import annotations

import pandas as pd
import pytest

from asker_pipeline.opendata.harmonise import compute_kpi, harmonise
from asker_pipeline.opendata.registry import KpiFormula, Series
from asker_pipeline.reference.municipalities import load_municipalities

HISTORY = load_municipalities()


def series(key: str = "count", additive: bool = True, codelist: str | None = None) -> Series:
    return Series(
        key,
        "numerator",
        "99999",
        "test",
        "Region",
        codelist,
        {"ContentsCode": ("X",)},
        additive,
        "count",
        "U",
    )


def cells(*rows: tuple) -> pd.DataFrame:
    """(code, year, value[, symbol]) -> a decoded frame."""
    records = []
    for row in rows:
        code, year, value, symbol = (*row, "")[:4]
        status = (
            "reported"
            if value is not None
            else {":": "confidential", ".": "not_applicable"}.get(symbol, "missing")
        )
        records.append(
            {
                "Region": code,
                "ContentsCode": "X",
                "Tid": str(year),
                "value": value,
                "symbol": symbol,
                "status": status,
            }
        )
    return pd.DataFrame(records)


def one(frame: pd.DataFrame, code: str, year: int) -> dict:
    match = frame[(frame["municipality_code"] == code) & (frame["year"] == year)]
    assert len(match) == 1, frame
    return match.iloc[0].to_dict()


def test_merger_sums_the_predecessors():
    out = harmonise(
        cells(
            ("0220", 2019, 60000),
            ("0627", 2019, 22000),
            ("0628", 2019, 9000),
            ("3203", 2024, 98000),
        ),
        series(),
        HISTORY,
    )
    asker = one(out, "3203", 2019)
    assert asker["value"] == 91000 and asker["method"] == "sum" and asker["status"] == "reported"
    assert asker["source_codes"] == "0220+0627+0628"
    assert one(out, "3203", 2024)["value"] == 98000


def test_merger_with_a_predecessor_missing_is_flagged_not_summed_short():
    out = harmonise(cells(("0220", 2019, 60000), ("0627", 2019, 22000)), series(), HISTORY)
    asker = one(out, "3203", 2019)
    assert asker["status"] == "missing" and pd.isna(asker["value"])
    assert "0628 (Hurum)" in asker["note"]


def test_renumbering_maps_old_codes_to_today():
    out = harmonise(cells(("0219", 2019, 127000), ("3024", 2023, 129000)), series(), HISTORY)
    assert one(out, "3201", 2019)["value"] == 127000
    assert one(out, "3201", 2023)["source_codes"] == "3024"
    assert one(out, "3201", 2023)["note"] is None  # same area: nothing to flag


def test_boundary_change_without_a_new_code_is_summed_and_flagged():
    out = harmonise(cells(("5001", 2019, 199000), ("5030", 2019, 6000)), series(), HISTORY)
    trondheim = one(out, "5001", 2019)
    assert trondheim["value"] == 205000
    assert "series break 2020 (boundary change without a new code)" in trondheim["note"]
    # the same code alone is not today's Trondheim: flagged, never silently used
    alone = one(harmonise(cells(("5001", 2019, 199000)), series(), HISTORY), "5001", 2019)
    assert alone["status"] == "missing" and "5030 (Klæbu)" in alone["note"]


def test_split_is_flagged_and_the_other_successor_gets_no_share():
    out = harmonise(
        cells(("1507", 2023, 67000), ("1508", 2024, 58000), ("1580", 2024, 9000)), series(), HISTORY
    )
    before = one(out, "1508", 2023)
    assert before["value"] == 67000 and before["boundary"] == "before_split"
    assert "series break 2024 (split)" in before["note"]
    assert one(out, "1508", 2024)["boundary"] == "today"
    assert one(out, "1580", 2024)["value"] == 9000  # every municipality, not only the network
    haram = one(out, "1580", 2023)  # 1507 continues as Ålesund: Haram's part cannot be told
    assert haram["status"] == "missing" and "1507 (Ålesund)" in haram["note"]


def test_split_without_a_continuing_successor_is_missing_for_every_successor():
    out = harmonise(
        cells(
            ("1805", 2019, 18000), ("1854", 2019, 2500), ("1850", 2019, 1900), ("1849", 2019, 1700)
        ),
        series(),
        HISTORY,
    )
    for today, name in (("1806", "Narvik"), ("1875", "Hamarøy")):
        row = one(out, today, 2019)  # Tysfjord went partly to each: no weights, no sum
        assert row["status"] == "missing" and pd.isna(row["value"])
        assert "1850 (Tysfjord)" in row["note"] and name in row["note"]


def test_a_boundary_change_between_codes_that_go_on_is_a_series_break_for_both():
    out = harmonise(cells(("3118", 2024, 47000), ("3207", 2024, 63000)), series(), HISTORY)
    for today in ("3118", "3207"):  # Indre Østfold gave part of its area to Nordre Follo (2026)
        row = one(out, today, 2024)
        assert row["value"] > 0 and "series break 2026 (boundary change" in row["note"]


def test_ssb_k_codes_are_taken_as_summed_at_todays_boundaries():
    out = harmonise(
        cells(("K-3203", 2019, 93000), ("K-1508", 2019, 56000), ("0", 2019, 5e6)),
        series(codelist="agg_KommSummer"),
        HISTORY,
    )
    assert one(out, "3203", 2019)["method"] == "agg_KommSummer"
    assert one(out, "1508", 2019)["boundary"] == "today"
    assert len(out) == 2  # the national total is not a municipality


def test_suppressed_predecessor_makes_the_sum_confidential():
    out = harmonise(
        cells(("1103", 2019, 900), ("1141", 2019, 20), ("1142", 2019, None, ":")), series(), HISTORY
    )
    stavanger = one(out, "1103", 2019)
    assert stavanger["status"] == "confidential" and "1142: confidential (:)" in stavanger["note"]


def test_a_published_rate_is_not_averaged_across_predecessors():
    out = harmonise(
        cells(("0220", 2019, 7.0), ("0627", 2019, 9.0), ("0628", 2019, 8.0), ("0219", 2019, 6.0)),
        series(additive=False),
        HISTORY,
    )
    assert one(out, "3203", 2019)["status"] == "missing"
    assert one(out, "3201", 2019)["value"] == 6.0


def test_rates_are_computed_after_summing_counts():
    numerator = harmonise(
        cells(("0220", 2019, 600), ("0627", 2019, 300), ("0628", 2019, 100)),
        series("unemployed"),
        HISTORY,
    )
    denominator = harmonise(
        cells(("K-3203", 2019, 50000)), series("labour", codelist="agg_KommSummer"), HISTORY
    )
    formula = KpiFormula("EC: P: EM: 1C", "main", "unemployed", "labour", 100, "percent")
    out = compute_kpi(formula, {"unemployed": numerator, "labour": denominator})
    assert one(out, "3203", 2019)["value"] == pytest.approx(2.0)


def test_rate_over_parts_covering_different_areas_is_not_computed():
    numerator = harmonise(cells(("1507", 2023, 1000)), series("n"), HISTORY)
    denominator = harmonise(
        cells(("K-1508", 2023, 58000)), series("d", codelist="agg_KommSummer"), HISTORY
    )
    out = compute_kpi(
        KpiFormula("SC: EH: ED: 3C", "main", "n", "d", 1e5, "per_100k_inhabitants"),
        {"n": numerator, "d": denominator},
    )
    row = one(out, "1508", 2023)
    assert row["status"] == "missing" and "different areas" in row["note"]
