"""Which values are under review (til kontroll), and why.

A selected value is under review when it fails a WARN plausibility rule of
expectations/plausibility.json (the same pure functions and rule file the asset checks run, so the
UI's *Checks* tab and the scores agree) or when a source flagged it in its ``note`` while loading
it ("FLAG: 0.87 looks like a share typed as a fraction of 1; ..."). Scoring still scores such a
value and marks it; the peer comparison leaves it out of its figures (docs/scoring.md)."""

from __future__ import annotations

import re

import pandas as pd

from asker_pipeline.quality import plausibility

#: What identifies a value among the selected ones.
KEY = ["municipality_code", "year", "kpi_code", "data_point"]
#: A flag in a note: "FLAG: <what>", up to the next "; " (notes are joined with "; ").
FLAG = re.compile(r"(?:^|; )FLAG: ([^;]+)")


def rule_reason(rule: dict, detail: str) -> str:
    """A rule's finding in words: what is wrong, the figures, and the check that found it."""
    return f"{rule.get('reason') or rule['check']} ({detail}; rule {rule['check']})"


def flag_reasons(note: object) -> list[str]:
    """The flags in a value's note, each in words."""
    if not isinstance(note, str):
        return []
    return [f"flagged when loaded: {text.strip()}" for text in FLAG.findall(note)]


def under_review(
    values: pd.DataFrame, rules: list[dict], points_per_kpi: dict[str, int]
) -> pd.DataFrame:
    """``values`` (the selected rows of staging.kpi_values, with ``note``) with two columns added:
    ``under_review`` and ``review_reason`` (every WARN rule the value fails, then every flag in
    its note, joined with "; "; empty when the value is not under review).

    ``rules``: the ``rules`` of plausibility.json; ``points_per_kpi``: data points per KPI code in
    the catalogue (the shares rules need it)."""
    reasons: dict[tuple, list[str]] = {}
    reported = plausibility.reported_values(values)
    for rule in rules:
        failing = plausibility.evaluate(reported, rule, points_per_kpi)
        for row in failing.itertuples(index=False):
            key = (row.municipality_code, int(row.year), row.kpi_code, row.data_point)
            reasons.setdefault(key, []).append(rule_reason(rule, row.detail))
    keys = list(
        zip(
            values["municipality_code"],
            values["year"].astype(int),
            values["kpi_code"],
            values["data_point"],
            strict=True,
        )
    )
    for key, note in zip(keys, values["note"], strict=True):
        if flags := flag_reasons(note):
            reasons.setdefault(key, []).extend(flags)
    out = values.copy()
    out["review_reason"] = pd.array(
        ["; ".join(reasons[key]) if key in reasons else None for key in keys], dtype="string"
    )
    out["under_review"] = out["review_reason"].notna()
    return out
