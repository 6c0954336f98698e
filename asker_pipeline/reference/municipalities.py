"""Municipalities of the network and their codes over time (kommunenummer across the reforms).

Changes are kept in the shape of Statistics Norway's KLASS ``changes`` endpoint (classification
131): old code, new code, date, and what kind of change it was. Following them forward gives
today's code for any historical one. Adding a municipality is a change to the CSV files in
``assets/``, not to this code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from pathlib import Path

import pandas as pd

from asker_pipeline.paths import ASSETS_DIR
from asker_pipeline.reference.catalogue import (
    CatalogueError,
    cached_by_files,
    files_sha256,
    read_csv,
    reference_version,
)

ROLES = ("subject", "partner")
CHANGE_KINDS = ("renumbering", "merger", "boundary_change", "split")
#: The strongest change on the way to today's code names the relation. A path through a split
#: (Haram 1534 -> Ålesund 1507 -> 1508) is "split": its area is not today's area, never sum it blindly.
_RELATIONS = (("split", "split"), ("merger", "merged"), ("renumbering", "renumbered"))
FILES = ("municipalities.csv", "municipality_codes.csv", "municipality_changes.csv")


class UnknownMunicipalityCode(ValueError):
    """The code is not in the municipality history."""


@dataclass(frozen=True)
class Resolution:
    code: str  # as given
    current_code: str  # today's municipality
    relation: str  # "current", "renumbered", "merged", "split"
    path: tuple[str, ...]  # codes passed through, oldest first


@dataclass(frozen=True, eq=False)  # identity hash: lookups below are memoised per instance
class MunicipalityHistory:
    municipalities: pd.DataFrame
    codes: pd.DataFrame
    changes: pd.DataFrame
    version: str
    sha256: str

    @cached_property
    def network_codes(self) -> tuple[str, ...]:
        return tuple(self.municipalities["code"])

    @cached_property
    def subject_code(self) -> str:
        return str(
            self.municipalities.loc[self.municipalities["role"] == "subject", "code"].iloc[0]
        )

    def name(self, code: str) -> str:
        match = self.codes.loc[self.codes["code"] == code, "name"]
        if match.empty:
            raise UnknownMunicipalityCode(f"unknown municipality code {code!r}")
        return str(match.iloc[0])

    @cached_property
    def _validity(self) -> dict[str, list[tuple[str, str]]]:
        spans: dict[str, list[tuple[str, str]]] = {}
        for code, start, end in zip(
            self.codes["code"], self.codes["valid_from"], self.codes["valid_to"], strict=True
        ):
            spans.setdefault(code, []).append((start, end))
        return spans

    @cached_property
    def _onward(self) -> dict[str, list[tuple[str, str]]]:
        """old code -> [(new code, kind)] for changes that gave it another code."""
        steps: dict[str, list[tuple[str, str]]] = {}
        for old, new, kind in zip(
            self.changes["old_code"], self.changes["new_code"], self.changes["kind"], strict=True
        ):
            if old != new:
                steps.setdefault(old, []).append((new, kind))
        return steps

    def is_valid(self, code: str, year: int) -> bool:
        """Was ``code`` in use on 1 January of ``year``?"""
        day = date(year, 1, 1).isoformat()
        return any(
            (start == "" or start <= day) and (end == "" or end > day)
            for start, end in self._validity.get(code, ())
        )

    @cache  # noqa: B019  (instances live as long as the process; lookups repeat thousands of times)
    def resolve(self, code: str) -> Resolution:
        """Today's municipality for a code of any year, following renumberings, mergers and splits.

        A split is followed to the successor that is in the network (Ålesund 1507 -> 1508)."""
        code = str(code).strip().zfill(4)
        if code not in self._validity:
            raise UnknownMunicipalityCode(
                f"unknown municipality code {code!r}: not in assets/municipality_codes.csv"
            )
        path, kinds, current = [code], set(), code
        while onward := self._onward.get(current, []):
            if len(onward) > 1:  # a split: follow the successor that is in the network
                onward = [step for step in onward if step[0] in self.network_codes]
                if len(onward) != 1:
                    raise UnknownMunicipalityCode(
                        f"code {current!r} was split and no single successor is in the network"
                    )
            current, kind = onward[0]
            kinds.add(kind)
            path.append(current)
        relation = next((label for kind, label in _RELATIONS if kind in kinds), "current")
        return Resolution(code, current, relation, tuple(path))

    def current_code(self, code: str) -> str:
        return self.resolve(code).current_code

    @cache  # noqa: B019
    def predecessors(self, current_code: str, year: int) -> tuple[str, ...]:
        """Codes in use in ``year`` that are part of today's ``current_code`` (for summing counts)."""
        return tuple(
            c
            for c in self.codes["code"]
            if self.is_valid(c, year) and self._safe_current(c) == current_code
        )

    def series_breaks(self, current_code: str) -> pd.DataFrame:
        """Changes to the area behind today's code: mergers, boundary changes, splits."""
        lineage = {c for c in self.codes["code"] if self._safe_current(c) == current_code}
        area = self.changes[
            (self.changes["new_code"].isin(lineage) | self.changes["old_code"].isin(lineage))
            & self.changes["kind"].isin(["merger", "boundary_change", "split"])
        ]
        return area.assign(year=area["change_occurred"].str[:4].astype(int)).reset_index(drop=True)

    def _safe_current(self, code: str) -> str | None:
        try:
            return self.current_code(code)
        except UnknownMunicipalityCode:
            return None


@cached_by_files(FILES)
def load_municipalities(directory: Path = ASSETS_DIR) -> MunicipalityHistory:
    """The validated history (read once per process, again when a file changes)."""
    municipalities = read_csv(directory / "municipalities.csv")
    codes = read_csv(directory / "municipality_codes.csv")
    changes = read_csv(directory / "municipality_changes.csv")
    known = set(codes["code"])
    for i, row in municipalities.iterrows():
        if row["role"] not in ROLES:
            raise CatalogueError(
                f"municipalities.csv row {i + 2}: role {row['role']!r} not in {ROLES}"
            )
        if row["code"] not in known:
            raise CatalogueError(
                f"municipalities.csv row {i + 2}: code {row['code']} not in municipality_codes.csv"
            )
    if (municipalities["role"] == "subject").sum() != 1:
        raise CatalogueError(
            "municipalities.csv: exactly one municipality must have role 'subject'"
        )
    for i, row in changes.iterrows():
        for column in ("old_code", "new_code"):
            if row[column] not in known:
                raise CatalogueError(
                    f"municipality_changes.csv row {i + 2}: {column} {row[column]} not in municipality_codes.csv"
                )
        if row["kind"] not in CHANGE_KINDS:
            raise CatalogueError(
                f"municipality_changes.csv row {i + 2}: kind {row['kind']!r} not in {CHANGE_KINDS}"
            )
    return MunicipalityHistory(
        municipalities,
        codes,
        changes,
        version=reference_version("municipalities", directory),
        sha256=files_sha256(directory, FILES),
    )
