"""Municipality codes over time: observations under any year's code become series for today's
municipalities (``reference.municipalities``), and KPIs are computed from those series.

Rules (README, "Open data"):
- SSB's own ``agg_KommSummer`` series (codes ``K-3203``) are already summed at today's
  boundaries and are taken as they are.
- Otherwise every code that is part of today's municipality in that year must be present;
  additive counts are summed (Asker 2019 = 0220 + Røyken 0627 + Hurum 0628) *before* any rate is
  computed. A published rate cannot be combined across predecessors without weights: such a
  year is flagged ``missing`` with a note, never averaged.
- A year with a predecessor missing from the response is flagged ``missing``, not summed short.
- Series breaks are flagged in ``note``, never hidden: a boundary change without a new code
  (Stavanger and Trondheim, 2020) and a split (Ålesund 2024: the old area included Haram)."""

from __future__ import annotations

import re

import pandas as pd

from asker_pipeline.opendata.registry import KpiFormula, Series
from asker_pipeline.reference.municipalities import MunicipalityHistory, UnknownMunicipalityCode

#: Aggregated-codelist prefixes SSB uses ("K-3203"; some tables use "K_" or "K.").
_AGGREGATE = re.compile(r"^K[-_.](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
#: When components disagree, the most specific reason wins.
_STATUS_ORDER = ("confidential", "not_applicable", "missing", "not_reported")

SERIES_COLUMNS = [
    "series_id",
    "municipality_code",
    "year",
    "value",
    "status",
    "source_codes",
    "method",
    "boundary",
    "note",
]
#: Which area a harmonised value covers: today's municipality, or the larger area before a split.
TODAY, BEFORE_SPLIT = "today", "before_split"


def collapse(frame: pd.DataFrame, series: Series) -> pd.DataFrame:
    """One row per region code and year: several selected categories (NACE 55+56+79) summed."""
    keys = [series.region_variable, series.time_variable]
    rows = []
    for (region, period), group in frame.groupby(keys, sort=False):
        value, status, note = _combine(group["value"], group["status"], additive=series.additive)
        rows.append(
            {
                "code": str(region),
                "period": str(period),
                "value": value,
                "status": status,
                "symbols": ",".join(s for s in group["symbol"] if s),
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=["code", "period", "value", "status", "symbols", "note"])


def _combine(
    values: pd.Series, statuses: pd.Series, additive: bool
) -> tuple[float | None, str, str]:
    bad = [s for s in statuses if s != "reported"]
    if bad:
        worst = next(s for s in _STATUS_ORDER if s in bad)
        return None, worst, ""
    if len(values) == 1:
        return float(values.iloc[0]), "reported", ""
    if not additive:
        return None, "missing", "a published share cannot be combined across units without weights"
    return float(values.sum()), "reported", ""


def _year(period: str) -> int:
    match = _YEAR.match(period)
    if not match:
        raise ValueError(f"time code {period!r} is not a calendar year")
    return int(match.group(1))


def _break_notes(history: MunicipalityHistory, current: str, year: int) -> list[str]:
    breaks = history.series_breaks(current)
    later = breaks[breaks["year"] > year]
    notes = []
    for (when, kind), group in later.groupby(["year", "kind"], sort=True):
        if kind == "merger":
            continue  # handled by summing the predecessors
        label = {"boundary_change": "boundary change without a new code", "split": "split"}[kind]
        notes.append(f"series break {when} ({label}): {group['note'].iloc[0]}")
    return notes


def harmonise(frame: pd.DataFrame, series: Series, history: MunicipalityHistory) -> pd.DataFrame:
    """Decoded observations of one series -> one row per today's municipality and year."""
    cells = collapse(frame, series)
    network = set(history.network_codes)
    rows = []
    by_current: dict[tuple[str, int], list[dict]] = {}
    for cell in cells.to_dict("records"):
        year = _year(cell["period"])
        aggregate = _AGGREGATE.match(cell["code"])
        if aggregate:
            current = aggregate.group(1)
            if current in network:
                rows.append(
                    _row(
                        series,
                        current,
                        year,
                        cell["value"],
                        cell["status"],
                        cell["code"],
                        "agg_KommSummer",
                        ["summed by SSB at today's boundaries (agg_KommSummer)", cell["note"]],
                    )
                )
            continue
        try:
            resolution = history.resolve(cell["code"])
        except UnknownMunicipalityCode:
            continue  # national totals, counties, municipalities outside the network
        if resolution.current_code in network and history.is_valid(cell["code"], year):
            by_current.setdefault((resolution.current_code, year), []).append(cell)
    for (current, year), present in by_current.items():
        rows.append(_harmonise_one(series, history, current, year, present))
    return pd.DataFrame(rows, columns=SERIES_COLUMNS).sort_values(
        ["municipality_code", "year"], ignore_index=True
    )


def _harmonise_one(
    series: Series,
    history: MunicipalityHistory,
    current: str,
    year: int,
    present: list[dict],
) -> dict:
    expected = history.predecessors(current, year)
    codes = [c["code"] for c in present]
    source_codes = "+".join(codes)
    notes = [c["note"] for c in present if c["note"]]
    lacking = [c for c in expected if c not in codes]
    method = "single" if len(expected) == 1 else "sum"
    if lacking:
        named = ", ".join(f"{c} ({history.name(c)})" for c in lacking)
        notes.insert(
            0,
            f"incomplete: no figure for {named} in {year}, so {source_codes} alone is "
            f"not today's {history.name(current)}",
        )
        value, status = None, "missing"
    else:
        statuses = pd.Series([c["status"] for c in present])
        value, status, combined = _combine(
            pd.Series([c["value"] for c in present]), statuses, series.additive
        )
        if status != "reported" and any(c["status"] != "reported" for c in present):
            flagged = [
                f"{c['code']}: {c['status']} ({c['symbols'] or 'no value'})"
                for c in present
                if c["status"] != "reported"
            ]
            notes.insert(0, "; ".join(flagged))
        if combined:
            notes.insert(0, f"{combined} ({source_codes})")
    if len(expected) > 1 and status == "reported":
        notes.append(f"summed over predecessors {source_codes}")
    notes += _break_notes(history, current, year)
    boundary = TODAY
    if any(history.resolve(c).relation == "split" for c in codes):
        boundary = BEFORE_SPLIT
        notes.append(f"covers the area before the 2024 split, not today's {current}")
    return _row(series, current, year, value, status, source_codes, method, notes, boundary)


def _row(
    series: Series,
    current: str,
    year: int,
    value,
    status: str,
    source_codes: str,
    method: str,
    notes: list[str],
    boundary: str = TODAY,
) -> dict:
    return {
        "series_id": series.id,
        "municipality_code": current,
        "year": year,
        "value": value if status == "reported" else None,
        "status": status,
        "source_codes": source_codes,
        "method": method,
        "boundary": boundary,
        "note": "; ".join(n for n in notes if n) or None,
    }


def compute_kpi(formula: KpiFormula, harmonised: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """KPI values from harmonised series: numerator / denominator × scale, or the series itself.

    A rate is reported only when both parts are and cover the same area (a numerator summed over
    Ålesund's pre-2024 codes is not divided by a population at today's boundaries); otherwise it
    takes the status of the part that is not (confidential beats missing), and the notes of both
    parts are kept."""
    numerator = harmonised[formula.numerator]
    key = ["municipality_code", "year"]
    if formula.denominator is None:
        out = numerator.assign(value=numerator["value"] * formula.scale)
        return out[key + ["value", "status", "source_codes", "boundary", "note"]].assign(
            numerator_value=numerator["value"], denominator_value=None
        )
    denominator = harmonised[formula.denominator]
    merged = numerator.merge(denominator, on=key, how="outer", suffixes=("_num", "_den"))
    rows = []
    for r in merged.to_dict("records"):
        statuses = [
            r["status_num"] if isinstance(r["status_num"], str) else "missing",
            r["status_den"] if isinstance(r["status_den"], str) else "missing",
        ]
        notes = [n for n in (r["note_num"], r["note_den"]) if isinstance(n, str)]
        same_area = r["boundary_num"] == r["boundary_den"]
        if statuses == ["reported", "reported"] and r["value_den"] > 0 and same_area:
            value, status = r["value_num"] / r["value_den"] * formula.scale, "reported"
        elif statuses == ["reported", "reported"] and not same_area:
            value, status = None, "missing"
            notes.insert(
                0, "numerator and denominator cover different areas (2024 split): not computed"
            )
        else:
            status = next((s for s in _STATUS_ORDER if s in statuses), "missing")
            value = None
            if "reported" == statuses[0] == statuses[1]:
                notes.insert(0, "denominator is zero")
        rows.append(
            {
                **{k: r[k] for k in key},
                "value": value,
                "status": status,
                "source_codes": r["source_codes_num"]
                if isinstance(r["source_codes_num"], str)
                else r["source_codes_den"],
                "boundary": r["boundary_num"]
                if isinstance(r["boundary_num"], str)
                else r["boundary_den"],
                "note": "; ".join(dict.fromkeys(notes)) or None,
                "numerator_value": r["value_num"],
                "denominator_value": r["value_den"],
            }
        )
    return pd.DataFrame(
        rows,
        columns=key
        + [
            "value",
            "status",
            "source_codes",
            "boundary",
            "note",
            "numerator_value",
            "denominator_value",
        ],
    )
