"""What "no value" means everywhere in the project: None, NaN and pandas.NA."""

from __future__ import annotations

import pandas as pd


def is_missing(x: object) -> bool:
    """None, NaN and pandas.NA are missing; text never is, and neither are arrays and other
    containers (they are not one value)."""
    if x is None:
        return True
    if isinstance(x, str | bytes):
        return False
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False
