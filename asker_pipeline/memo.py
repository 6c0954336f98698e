"""Remembering what was computed from a frame, for as long as the frame is the same.

Within a run several assets compute the same thing from the same table (the checks and the
report validate ``staging.kpi_values``; every scoring asset marks its values for review). A few
recent results are kept per process, keyed by the frame's content and whatever else the result
depends on, so the second asset reuses the first's work; any change gives a new key."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")


def fingerprint(frame: pd.DataFrame) -> tuple:
    """The frame's columns, types and content, as a key."""
    content = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    return tuple(frame.columns), tuple(map(str, frame.dtypes)), content


class Recent:
    """The last ``size`` results, by key."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.results: dict[Hashable, object] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if key not in self.results:
            if len(self.results) >= self.size:
                del self.results[next(iter(self.results))]
            self.results[key] = compute()
        return self.results[key]
