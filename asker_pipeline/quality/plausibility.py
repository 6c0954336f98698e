"""U4SSC plausibility rules across KPIs (Verification Manual), as pure functions on a value frame.

Each rule kind takes the reported values scoring would use (``reported_values``) and one rule from
``expectations/plausibility.json``, and returns the rows to review in ``FAILING_COLUMNS``, with a
``detail`` saying why. Codes and thresholds live in the JSON file, not here."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from asker_pipeline.spreadsheets.parse import Unit, looks_like_fraction_of_one

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
    """Change from one year to the next beyond ``max_relative_change`` of the earlier value (and
    beyond ``min_absolute_change``, so tiny values don't flag on rounding).

    Both values of the jump are returned: either may be the wrong one (a decimal comma in the
    wrong place in the earlier year looks the same as one in the later year)."""
    key = ["municipality_code", "kpi_code", "data_point"]
    ordered = values.sort_values([*key, "year"]).reset_index(drop=True)
    previous = ordered.groupby(key)[["year", "value"]].shift(1)
    consecutive = previous["year"] == ordered["year"] - 1
    change = (ordered["value"] - previous["value"]).abs()
    relative = change / previous["value"].abs()
    later_mask = (
        consecutive
        & (change > rule["min_absolute_change"])
        & ((relative > rule["max_relative_change"]) | (previous["value"] == 0))
    )
    before = previous["value"].map("{:g} the year before".format)[later_mask]
    # the earlier value of each jump is the row just before a flagged one in the same series
    earlier_mask = later_mask.shift(-1, fill_value=False).astype(bool)
    after = ordered["value"].shift(-1).map("{:g} the year after".format)[earlier_mask]
    # a value between two jumps is one row, with both
    details = pd.concat([before, after]).groupby(level=0, sort=False).agg("; ".join)
    return _failing(ordered.loc[details.index], details)


def _unit(key: str) -> Unit:
    """The unit as the reader's test takes it; the test reads its key (``percent``) only."""
    return Unit(key=key, kind="")


def share_typed_as_fraction(values: pd.DataFrame, rule: dict) -> pd.DataFrame:
    """A share written 0-100 that lies in (0, 1]: a fraction of 1 typed for a percentage (0.87 for
    87 %). The test is the workbook reader's own (``looks_like_fraction_of_one``); as a value table
    does not say whether a % sign was typed, data points whose shares are normally that small
    (``small_shares_plausible``) are left out."""
    small = {tuple(point) for point in rule["small_shares_plausible"]}
    rows = zip(
        values["kpi_code"], values["data_point"], values["value"], values["unit"], strict=True
    )
    suspect = [
        (kpi, point) not in small
        and looks_like_fraction_of_one(value, _unit(unit), percent_sign=False)
        for kpi, point, value, unit in rows
    ]
    bad = values[pd.Series(suspect, index=values.index, dtype=bool)]
    details = [
        f"{value:g}, where {unit} is written 0-100"
        for value, unit in zip(bad["value"], bad["unit"], strict=True)
    ]
    return _failing(bad, details)


KINDS: dict[str, Callable[..., pd.DataFrame]] = {
    "at_most_other": at_most_other,
    "at_least": at_least,
    "year_over_year": year_over_year,
    "share_typed_as_fraction": share_typed_as_fraction,
}


def evaluate(values: pd.DataFrame, rule: dict, points_per_kpi: dict[str, int]) -> pd.DataFrame:
    """Rows failing one rule of plausibility.json (``values`` as from ``reported_values``)."""
    if rule["kind"] == "shares_sum":
        return shares_sum(values, rule, points_per_kpi.get(rule["kpi_code"], 0))
    if rule["kind"] not in KINDS:
        raise ValueError(f"plausibility rule {rule['check']}: unknown kind {rule['kind']!r}")
    return KINDS[rule["kind"]](values, rule)
