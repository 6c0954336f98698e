"""Dependency-free charts for asset metadata: unicode bar charts."""

from __future__ import annotations

import pandas as pd

BAR_WIDTH = 25


def bar(percent: float | None, width: int = BAR_WIDTH) -> str:
    if percent is None or pd.isna(percent):
        return "·" * width
    filled = round(min(100.0, max(0.0, float(percent))) / 100.0 * width)
    return "█" * filled + "░" * (width - filled)


def bar_chart(labels: list[str], percents: list[float | None], notes: list[str]) -> str:
    """A fenced block with one bar per label (0-100 %), the percentage and a note."""
    pad = max((len(label) for label in labels), default=0)
    lines = []
    for label, percent, note in zip(labels, percents, notes, strict=True):
        shown = "   n/a " if percent is None or pd.isna(percent) else f"{float(percent):6.1f} %"
        lines.append(f"{label:<{pad}}  {bar(percent)} {shown}  {note}")
    return "```\n" + "\n".join(lines or ["(no categories)"]) + "\n```"
