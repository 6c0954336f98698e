"""U4SSC plausibility rules across KPIs (Verification Manual), as pure functions on a value frame.

Each rule kind takes the reported values scoring would use (``reported_values``) and one rule from
``expectations/plausibility.json``, and returns the rows to review in ``FAILING_COLUMNS``, with a
``detail`` saying why. Codes and thresholds live in the JSON file, not here."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

FAILING_COLUMNS = ["municipality_code", "year", "kpi_code", "data_point", "value", "unit", "detail"]
_PLACE = ["municipality_code", "year"]


def reported_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Reported rows with a value; in staging.kpi_values only those scoring uses (is_selected)."""
    rows = frame[(frame["status"] == "reported") & frame["value"].notna()]
    if "is_selected" in rows.columns:
        rows = rows[rows["is_selected"].astype(bool)]
    return rows


def _point(values: pd.DataFrame, kpi_code: str, data_point: str) -> pd.DataFrame:
    return values[(values["kpi_code"] == kpi_code) & (values["data_point"] == data_point)]


def in_order(failing: pd.DataFrame) -> pd.DataFrame:
    """Failing rows in one fixed order (municipality, year, KPI, data point, detail), so the
    "first failing row" shown anywhere is the same in every run."""
    return failing.sort_values(
        ["municipality_code", "year", "kpi_code", "data_point", "detail"], kind="stable"
    ).reset_index(drop=True)


def _failing(rows: pd.DataFrame, detail: pd.Series | str) -> pd.DataFrame:
    return in_order(rows.assign(detail=detail).loc[:, FAILING_COLUMNS])


def at_most_other(values: pd.DataFrame, rule: dict) -> pd.DataFrame:
    """The data point is at or below another one of the same municipality and year."""
    own = _point(values, rule["kpi_code"], rule["data_point"])
    other = _point(values, rule["other_kpi_code"], rule["other_data_point"])
    pairs = own.merge(other[[*_PLACE, "value"]], on=_PLACE, suffixes=("", "_other"))
    bad = pairs[pairs["value"] > pairs["value_other"]]
    return _failing(bad, [f"above {rule['other_kpi_code']} = {v:g}" for v in bad["value_other"]])


def at_least(values: pd.DataFrame, rule: dict) -> pd.DataFrame:
    """The data point is at or above a threshold."""
    own = _point(values, rule["kpi_code"], rule["data_point"])
    bad = own[own["value"] < rule["threshold"]]
    return _failing(bad, f"below {rule['threshold']:g}")


def shares_sum(values: pd.DataFrame, rule: dict, expected_points: int) -> pd.DataFrame:
    """The KPI's data points (shares of one whole) sum to ``target`` within ``tolerance``.

    Too much is flagged whenever it shows; too little only when every data point is reported."""
    own = values[values["kpi_code"] == rule["kpi_code"]]
    if own.empty:
        return _failing(own, "")
    totals = own.groupby(_PLACE).agg(total=("value", "sum"), points=("data_point", "nunique"))
    high = totals["total"] > rule["target"] + rule["tolerance"]
    complete = totals["points"] >= expected_points
    low = (totals["total"] < rule["target"] - rule["tolerance"]) & complete
    bad = totals[high | low].reset_index()
    rows = own.merge(bad, on=_PLACE)
    return _failing(rows, [f"shares sum to {t:g}, not {rule['target']:g}" for t in rows["total"]])


def year_over_year(values: pd.DataFrame, rule: dict) -> pd.DataFrame:
    """Change from the previous year beyond ``max_relative_change`` of the previous value (and
    beyond ``min_absolute_change``, so tiny values don't flag on rounding)."""
    key = ["municipality_code", "kpi_code", "data_point"]
    ordered = values.sort_values([*key, "year"])
    previous = ordered.groupby(key)[["year", "value"]].shift(1)
    consecutive = previous["year"] == ordered["year"] - 1
    change = (ordered["value"] - previous["value"]).abs()
    relative = change / previous["value"].abs()
    bad_mask = (
        consecutive
        & (change > rule["min_absolute_change"])
        & ((relative > rule["max_relative_change"]) | (previous["value"] == 0))
    )
    bad = ordered[bad_mask]
    before = previous.loc[bad_mask, "value"]
    return _failing(bad, [f"{p:g} the year before" for p in before])


KINDS: dict[str, Callable[..., pd.DataFrame]] = {
    "at_most_other": at_most_other,
    "at_least": at_least,
    "year_over_year": year_over_year,
}


def evaluate(values: pd.DataFrame, rule: dict, points_per_kpi: dict[str, int]) -> pd.DataFrame:
    """Rows failing one rule of plausibility.json (``values`` as from ``reported_values``)."""
    if rule["kind"] == "shares_sum":
        return shares_sum(values, rule, points_per_kpi.get(rule["kpi_code"], 0))
    if rule["kind"] not in KINDS:
        raise ValueError(f"plausibility rule {rule['check']}: unknown kind {rule['kind']!r}")
    return KINDS[rule["kind"]](values, rule)
