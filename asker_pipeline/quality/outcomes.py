"""Evaluate every rule on one value table: the GX suite in one pass, then the plausibility rules.

Both the asset checks and the data-quality report use ``evaluate_value_table``, so what the UI
shows and what the report ships are the same results."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from asker_pipeline import memo
from asker_pipeline.quality import gx_runner, plausibility, suites
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.schema import TABLES, tables


@dataclass(frozen=True)
class RuleOutcome:
    rule: suites.Rule
    table: str
    checked_rows: int
    failing: pd.DataFrame  # plausibility.FAILING_COLUMNS
    problems: tuple[str, ...] = ()  # table-level findings (wrong columns, GX errors)

    @property
    def passed(self) -> bool:
        return self.failing.empty and not self.problems


def expected_columns(table: str) -> list[str]:
    """The columns the table is declared with (staging adds its precedence columns); a table
    not declared (yet) is held to the value model."""
    return TABLES.get(table, tables.SPREADSHEET_VALUES).column_names


def prepared_suite(table: str) -> tuple[dict, dict]:
    """The value suite as GX runs it on ``table`` (with its unit bounds added: ``checked_frame``),
    and its parameters from the catalogue."""
    columns = [*expected_columns(table), *suites.ADDED_COLUMNS]
    prepared = suites.prepare(suites.load(suites.VALUE_SUITE), columns)
    return prepared, suites.parameters(load_catalogue(), load_municipalities(), columns)


def checked_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as GX validates it: each row with its unit's range and catalogue pairs beside it."""
    return suites.with_pair_keys(suites.with_unit_bounds(frame, load_catalogue()))


def suite_outcomes(frame: pd.DataFrame, table: str) -> list[RuleOutcome]:
    frame = checked_frame(frame)
    results = gx_runner.validate(frame, *prepared_suite(table))
    outcomes = []
    for rule in suites.suite_rules(suites.load(suites.VALUE_SUITE)):
        mine = [r for r in results if r["meta"].get("check") == rule.check]
        failing = _failing_rows(frame, mine)
        problems = tuple(
            r["error"] or f"observed {r['observed_value']}"
            for r in mine
            if not r["success"] and not r["unexpected_index_list"]
        )
        outcomes.append(RuleOutcome(rule, table, len(frame), failing, problems))
    return outcomes


def _cell(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _failing_rows(frame: pd.DataFrame, results: list[dict]) -> pd.DataFrame:
    """The rows that failed, each with the offending cells as its ``detail``."""
    details: dict[object, str] = {}
    for result in results:
        for label in result["unexpected_index_list"]:
            cells = ", ".join(f"{c} = {_cell(frame.at[label, c])}" for c in result["columns"])
            details.setdefault(label, cells)
    rows = frame.loc[sorted(details)]
    present = [c for c in plausibility.FAILING_COLUMNS if c in rows.columns]
    out = rows.loc[:, present].assign(detail=[details[label] for label in rows.index])
    return plausibility.in_order(out.reindex(columns=plausibility.FAILING_COLUMNS))


def plausibility_inputs() -> tuple[list[dict], dict[str, int]]:
    """The rules of plausibility.json, and the catalogue's number of data points per KPI code
    (what ``plausibility.evaluate`` and ``review.under_review`` take)."""
    points = load_catalogue().data_points["kpi_code"].value_counts().to_dict()
    return suites.load(suites.PLAUSIBILITY)["rules"], points


def plausibility_outcomes(frame: pd.DataFrame, table: str) -> list[RuleOutcome]:
    specs, points = plausibility_inputs()
    values = plausibility.reported_values(frame)
    rules = suites.plausibility_rules({"rules": specs})
    return [
        RuleOutcome(rule, table, len(values), plausibility.evaluate(values, spec, points))
        for rule, spec in zip(rules, specs, strict=True)
    ]


#: Outcomes of the last few tables evaluated in this process.
_RECENT = memo.Recent()


def _fingerprint(frame: pd.DataFrame, table: str) -> tuple:
    # The rule files are read once per process (suites.load); the catalogue may change on disk.
    reference = (load_catalogue().sha256, load_municipalities().sha256)
    return table, memo.fingerprint(frame), reference


def evaluate_value_table(frame: pd.DataFrame, table: str) -> list[RuleOutcome]:
    """Every rule's outcome on ``frame`` (a value-model table read from the warehouse).

    The checks and the report of one run evaluate the same table: the second call reuses the
    first's outcomes when the table's content, the catalogue and the rules are unchanged."""
    return _RECENT.get(
        _fingerprint(frame, table),
        lambda: suite_outcomes(frame, table) + plausibility_outcomes(frame, table),
    )
