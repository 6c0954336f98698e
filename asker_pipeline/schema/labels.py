"""Norwegian and English labels for coded values: directions, KPI types, bands, statuses, ...

One table, ``assets/value_labels.csv`` (kind, key, label_nb, label_en); units keep theirs in
``assets/units.csv`` and peer sets in ``assets/peer_sets.csv`` (kind ``peer_set``). A column declares which list its values come from (``Column.values``), so
exported files translate every coded column the same way and nothing is labelled in code.

A key may hold ``{}`` placeholders for generated text ("nearest year: {}"): what fills them is
carried over into the label. A value with no label is an error that names the list and the value,
so an untranslated code never reaches a partner's file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from asker_pipeline.missing import is_missing
from asker_pipeline.schema.core import Column
from asker_pipeline.settings import assets_dir

LABELS_FILE, UNITS_FILE, PEER_SETS_FILE = "value_labels.csv", "units.csv", "peer_sets.csv"
LANGUAGES = ("nb", "en")
UNIT_LISTS = ("unit", "column_unit")  # units.csv first, then the units only columns have


@dataclass(frozen=True)
class Labels:
    """Every label, by list (``kind``) and key."""

    exact: dict[tuple[str, str], dict[str, str]]
    patterns: dict[str, list[tuple[re.Pattern[str], dict[str, str]]]]

    def label(self, kind: str, key: object, language: str = "nb") -> str | None:
        """The label of ``key`` in ``kind``'s list; None for a missing value."""
        if is_missing(key):
            return None
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
        text = str(key).lower() if isinstance(key, bool) else str(key)
        if text == "":
            return ""
        kinds = UNIT_LISTS if kind == "unit" else (kind,)
        for k in kinds:
            if (k, text) in self.exact:
                return self.exact[(k, text)][language]
            for pattern, labels in self.patterns.get(k, []):
                match = pattern.fullmatch(text)
                if match:
                    return labels[language].format(*match.groups())
        raise KeyError(
            f"no {language} label for {kind} value {text!r}: add it to "
            + {"unit": f"{LABELS_FILE} or {UNITS_FILE}", "peer_set": PEER_SETS_FILE}.get(
                kind, LABELS_FILE
            )
        )

    def column(self, column: Column, values: pd.Series, language: str = "nb") -> pd.Series:
        """A coded column's values as labels (other columns unchanged)."""
        if column.values is None:
            return values
        return values.map(lambda v: self.label(column.values, v, language)).astype(object)

    def keys(self, kind: str) -> list[str]:
        return [key for (k, key) in self.exact if k == kind]


def _pattern(key: str) -> re.Pattern[str]:
    return re.compile("(.+?)".join(re.escape(part) for part in key.split("{}")))


def read_labels(directory: Path) -> Labels:
    """Every label in the reference folder ``directory``."""
    read = lambda name: pd.read_csv(directory / name, dtype=str, keep_default_na=False)  # noqa: E731
    table, units, peer_sets = read(LABELS_FILE), read(UNITS_FILE), read(PEER_SETS_FILE)
    rows = [
        *table[["kind", "key", "label_nb", "label_en"]].itertuples(index=False),
        *(("unit", u, nb, en) for u, nb, en in units[["unit", "label_nb", "label_en"]].values),
        *(
            ("peer_set", s, nb, en)
            for s, nb, en in peer_sets[["peer_set", "label_nb", "label_en"]].values
        ),
    ]
    exact: dict[tuple[str, str], dict[str, str]] = {}
    patterns: dict[str, list] = {}
    for kind, key, nb, en in rows:
        if not (nb and en):
            raise ValueError(f"{LABELS_FILE}: {kind} {key!r} needs label_nb and label_en")
        if (kind, key) in exact:
            raise ValueError(f"{LABELS_FILE}: {kind} {key!r} is labelled twice")
        labels = {"nb": nb, "en": en}
        if "{}" in key:
            patterns.setdefault(kind, []).append((_pattern(key), labels))
        exact[(kind, key)] = labels
    return Labels(exact, patterns)


def load_labels() -> Labels:
    """The labels of the reference folder in use (``ASKER_ASSETS``), read once per folder."""
    return _labels_in(assets_dir())


@lru_cache(maxsize=4)
def _labels_in(directory: Path) -> Labels:
    return read_labels(directory)
