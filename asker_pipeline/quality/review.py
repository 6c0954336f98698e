"""Which values are under review (til kontroll), and why.

A selected value is under review when it fails a WARN plausibility rule of
expectations/plausibility.json (the same pure functions and rule file the asset checks run, so the
UI's *Checks* tab and the scores agree) or when a source flagged it in its ``note`` while loading
it ("FLAG: 0,87 ser ut som en andel skrevet som brøk av 1; ... / 0.87 looks like a share typed
as a fraction of 1; ..."). Scoring still scores such a value and marks it; the peer comparison
leaves it out of its figures (docs/scoring.md)."""

from __future__ import annotations

import re

import pandas as pd

from asker_pipeline.quality import plausibility
from asker_pipeline.spreadsheets.layout import both

#: What identifies a value among the selected ones.
KEY = ["municipality_code", "year", "kpi_code", "data_point"]
#: Where a flag starts in a note (notes are joined with "; ").
FLAG = re.compile(r"(?:^|; )FLAG: ")
#: How the reader ends a flag ("... kept as typed, please check"); a flag's own text may hold "; ".
FLAG_END = "please check"
#: Between the reasons of one value.
SEPARATOR = " | "


def rule_reason(rule: dict, detail: str) -> str:
    """A rule's finding in words, Norwegian and English as the reader writes its flags, then the
    figures and the check that found it."""
    english = rule.get("reason") or rule["check"]
    words = both(rule["reason_nb"], english) if rule.get("reason_nb") else english
    return f"{words} ({detail}; rule {rule['check']})"


def flags(note: object) -> list[str]:
    """The flags in a value's note: from each "FLAG: " to the reader's "please check" (or to the
    next flag, or the end of the note)."""
    if not isinstance(note, str):
        return []
    found = []
    for text in FLAG.split(note)[1:]:
        end = text.find(FLAG_END)
        found.append((text[: end + len(FLAG_END)] if end >= 0 else text).strip().rstrip(";"))
    return found


def flag_reason(flag: str) -> str:
    return f"{both('flagget ved innlesing', 'flagged when loaded')}: {flag}"


def under_review(
    values: pd.DataFrame, rules: list[dict], points_per_kpi: dict[str, int]
) -> pd.DataFrame:
    """``values`` (the selected rows of staging.kpi_values, with ``note``) with two columns added:
    ``under_review`` and ``review_reason`` (every WARN rule the value fails, then every flag in
    its note, joined with " | " as each may hold "; "; empty when the value is not under review).

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
        for flag in flags(note):
            reasons.setdefault(key, []).append(flag_reason(flag))
    out = values.copy()
    out["review_reason"] = pd.array(
        [SEPARATOR.join(reasons[key]) if key in reasons else None for key in keys], dtype="string"
    )
    out["under_review"] = out["review_reason"].notna()
    return out
