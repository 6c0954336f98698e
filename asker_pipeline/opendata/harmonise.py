"""Municipality codes over time: observations under any year's code become series for today's
municipalities (every municipality in ``reference.municipalities``, not only the network), and
KPIs are computed from those series.

Rules (README, "Open data"), from the full municipality history (assets/municipality_*.csv):
- SSB's own ``agg_KommSummer`` series (codes ``K-3203``) are already summed at today's
  boundaries and are taken as they are.
- Otherwise every code that is part of today's municipality in that year must be present;
  additive counts are summed (Asker 2019 = 0220 + Røyken 0627 + Hurum 0628) *before* any rate is
  computed. A published rate cannot be combined across predecessors without weights: such a
  year is flagged ``missing`` with a note, never averaged.
- A year with a predecessor missing from the response is flagged ``missing``, not summed short.
- A code split between several of today's municipalities with none continuing it (Tysfjord
  1850 -> Narvik and Hamarøy, Snillfjord 5012 -> Heim, Hitra and Orkland, 2020) cannot be
  apportioned without weights: the years it covers are ``missing`` for every successor.
- Series breaks are flagged in ``note``, never hidden: a boundary change without a new code
  (Stavanger and Trondheim 2020, Indre Østfold -> Nordre Follo and Vestby 2026) and a split
  (Ålesund 2024: the old area included Haram)."""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from asker_pipeline.opendata.registry import KpiFormula, Series
from asker_pipeline.reference.municipalities import (
    AmbiguousMunicipalityCode,
    MunicipalityHistory,
    UnknownMunicipalityCode,
)

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
    """One row per region code and year: several selected categories (NACE 55+56+79) summed.

    Vectorised: at national scale a series has thousands of (region, year) groups."""
    keys = [series.region_variable, series.time_variable]
    columns = ["code", "period", "value", "status", "symbols", "note"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    work = frame[keys + ["value", "status", "symbol"]].copy()
    work["_bad"] = work["status"] != "reported"
    order = {status: i for i, status in enumerate(_STATUS_ORDER)}
    work["_rank"] = work["status"].map(order).where(work["_bad"])
    grouped = work.groupby(keys, sort=False)
    out = grouped.agg(
        n=("status", "size"),
        bad=("_bad", "sum"),
        rank=("_rank", "min"),
        total=("value", "sum"),
    ).reset_index()
    symbols = work[work["symbol"].fillna("") != ""]
    joined = symbols.groupby(keys, sort=False)["symbol"].agg(",".join).rename("symbols")
    out = out.merge(joined.reset_index(), on=keys, how="left")
    out["symbols"] = out["symbols"].fillna("")
    worst = out["rank"].map(lambda r: _STATUS_ORDER[int(r)] if pd.notna(r) else None)
    combined_share = (out["bad"] == 0) & (out["n"] > 1) & (not series.additive)
    status = worst.where(out["bad"] > 0, "reported").where(~combined_share, "missing")
    value = out["total"].where((out["bad"] == 0) & ~combined_share)
    note = pd.Series("", index=out.index).where(
        ~combined_share, "a published share cannot be combined across units without weights"
    )
    return pd.DataFrame(
        {
            "code": out[series.region_variable].astype(str),
            "period": out[series.time_variable].astype(str),
            "value": value.astype(object).where(value.notna(), None),
            "status": status,
            "symbols": out["symbols"],
            "note": note,
        },
        columns=columns,
    )


def _combine(values: list, statuses: list[str], additive: bool) -> tuple[float | None, str, str]:
    bad = [s for s in statuses if s != "reported"]
    if bad:
        worst = next(s for s in _STATUS_ORDER if s in bad)
        return None, worst, ""
    if len(values) == 1:
        return float(values[0]), "reported", ""
    if not additive:
        return None, "missing", "a published share cannot be combined across units without weights"
    return float(sum(values)), "reported", ""


def _year(period: str) -> int:
    match = _YEAR.match(period)
    if not match:
        raise ValueError(f"time code {period!r} is not a calendar year")
    return int(match.group(1))


@cache
def _break_notes(history: MunicipalityHistory, current: str, year: int) -> tuple[str, ...]:
    """Area changes after ``year`` to today's municipality (cached: every series asks)."""
    breaks = history.series_breaks(current)
    first: dict[tuple[int, str], str] = {}
    for when, kind, note in zip(breaks["year"], breaks["kind"], breaks["note"], strict=True):
        if when > year and kind != "merger":  # a merger is handled by summing the predecessors
            first.setdefault((int(when), kind), note)
    labels = {"boundary_change": "boundary change without a new code", "split": "split"}
    return tuple(
        f"series break {when} ({labels[kind]}): {note}"
        for (when, kind), note in sorted(first.items())
    )


def _in_use(frame: pd.DataFrame, series: Series, history: MunicipalityHistory) -> pd.DataFrame:
    """Cells of codes in use in their year, and SSB's K-codes: a national query asks for every
    code of every year, so about half its cells are for codes not in use then ('..')."""
    regions, periods = frame[series.region_variable].astype(str), frame[series.time_variable]
    keep = regions.str.match(_AGGREGATE) | ~periods.astype(str).str.fullmatch(_YEAR)
    for period in periods.unique():
        if _YEAR.match(str(period)):
            in_use = history.codes_in_use(int(period))
            keep |= (periods == period) & regions.isin(in_use)
    return frame[keep]


def _successors(history: MunicipalityHistory, code: str) -> tuple[str | None, tuple[str, ...]]:
    """Today's municipality a code counts for (None for a split with none continuing it), and
    the others that hold part of its area."""
    try:
        own = history.resolve(code).current_code
    except AmbiguousMunicipalityCode:
        own = None
    return own, tuple(c for c in history.successors(code) if c != own)


def harmonise(frame: pd.DataFrame, series: Series, history: MunicipalityHistory) -> pd.DataFrame:
    """Decoded observations of one series -> one row per today's municipality and year."""
    cells = collapse(_in_use(frame, series, history), series)
    current = set(history.current_codes)
    rows = []
    by_current: dict[tuple[str, int], list[dict]] = {}
    for cell in cells.to_dict("records"):
        year = _year(cell["period"])
        aggregate = _AGGREGATE.match(cell["code"])
        if aggregate:
            today = aggregate.group(1)
            if today in current:
                rows.append(
                    _row(
                        series,
                        today,
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
            own, shared = _successors(history, cell["code"])
        except UnknownMunicipalityCode:
            continue  # national totals, counties, codes outside the history
        if not history.is_valid(cell["code"], year):
            continue
        if own is not None:
            by_current.setdefault((own, year), []).append(cell)
        for other in shared:  # part of its area is there: that year cannot be complete
            by_current.setdefault((other, year), [])
    for (today, year), present in by_current.items():
        rows.append(_harmonise_one(series, history, today, year, present))
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
    shared = history.shared_predecessors(current, year)
    codes = [c["code"] for c in present]
    source_codes = "+".join(codes or shared)  # nothing of its own: the codes it would need
    notes = [c["note"] for c in present if c["note"]]
    lacking = [c for c in expected if c not in codes]
    method = "single" if len(expected) == 1 and not shared else "sum"
    if shared or lacking:
        named = ", ".join(f"{c} ({history.name(c)})" for c in shared or lacking)
        today = history.name(current)
        notes.insert(
            0,
            f"not computable: only part of {named} became today's {today}, and a count for "
            f"{year} cannot be divided without weights"
            if shared
            else f"incomplete: no figure for {named} in {year}, so {source_codes} alone is not "
            f"today's {today}",
        )
        value, status = None, "missing"
    else:
        value, status, combined = _combine(
            [c["value"] for c in present], [c["status"] for c in present], series.additive
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
