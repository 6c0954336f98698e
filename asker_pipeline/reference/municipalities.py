"""Norway's municipalities, their codes over time, the peer sets and the subject.

All of this is data in ``assets/`` (assets/MUNICIPALITIES.md says where each file comes from):
- ``municipalities.csv``: every current municipality (357 since 2024), with its county;
- ``municipality_codes.csv`` / ``municipality_changes.csv``: every code since 2018 and every
  change, in the shape of Statistics Norway's KLASS ``changes`` endpoint (classification 131):
  old code, new code, date, and what kind of change it was. Following them forward gives
  today's code for any historical one;
- ``peer_sets.csv`` / ``peer_set_members.csv``: which municipalities are compared with which
  (the network of five, one set per county, all of Norway, any list);
- ``subject.yaml``: the municipality the assessment is for and its default peer set.

The roles (subject, partner) follow from the last two: adding a partner is a row in
``peer_set_members.csv``, choosing another subject is a line in ``subject.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from pathlib import Path

import pandas as pd
import yaml

from asker_pipeline.reference.catalogue import (
    CatalogueError,
    cached_by_files,
    files_sha256,
    read_csv,
    reference_version,
)

ROLES = ("subject", "partner")
CHANGE_KINDS = ("renumbering", "merger", "boundary_change", "split", "name_change")
#: Kinds after which the old code is no longer in use: the ones ``resolve`` follows. A boundary
#: change moves part of an area between codes that both go on (Indre Østfold 3118 -> 3207,
#: 2026).
CODE_ENDING = ("renumbering", "merger", "split")
#: Kinds that change the area behind a code: a series under it breaks there.
AREA_CHANGING = ("merger", "boundary_change", "split")
PEER_SET_KINDS = ("list", "county", "all")
#: The strongest change on the way to today's code names the relation. A path through a split
#: (Haram 1534 -> Ålesund 1507 -> 1508) is "split": its area is not today's area, never sum it blindly.
_RELATIONS = (("split", "split"), ("merger", "merged"), ("renumbering", "renumbered"))
FILES = (
    "municipalities.csv",
    "municipality_codes.csv",
    "municipality_changes.csv",
    "peer_sets.csv",
    "peer_set_members.csv",
    "subject.yaml",
)
#: Columns of ``MunicipalityHistory.municipalities`` (the default peer set with roles).
NETWORK_COLUMNS = ["code", "name", "name_ascii", "role", "county", "note"]


class UnknownMunicipalityCode(ValueError):
    """The code is not in the municipality history."""


class AmbiguousMunicipalityCode(UnknownMunicipalityCode):
    """The code's area was divided between several of today's municipalities, none of which
    continues it (Tysfjord 1850 -> Narvik and Hamarøy, 2020): there is no single today's code."""


@dataclass(frozen=True)
class Resolution:
    code: str  # as given
    current_code: str  # today's municipality
    relation: str  # "current", "renumbered", "merged", "split"
    path: tuple[str, ...]  # codes passed through, oldest first


@dataclass(frozen=True, eq=False)  # identity hash: lookups below are memoised per instance
class MunicipalityHistory:
    register: pd.DataFrame  # every current municipality (municipalities.csv)
    codes: pd.DataFrame
    changes: pd.DataFrame
    peer_set_definitions: pd.DataFrame  # peer_sets.csv
    peer_set_lists: pd.DataFrame  # peer_set_members.csv: members of the sets of kind "list"
    subject_code: str
    default_peer_set: str
    version: str
    sha256: str

    # -- the register, the peer sets and the network -------------------------------------------

    @cached_property
    def current_codes(self) -> tuple[str, ...]:
        """Every municipality today, by code."""
        return tuple(self.register["code"])

    @cached_property
    def peer_sets(self) -> pd.DataFrame:
        """Every peer set expanded to its members: peer_set, municipality_code, kind, labels."""
        frames = []
        for row in self.peer_set_definitions.itertuples(index=False):
            if row.kind == "all":
                members = list(self.register["code"])
            elif row.kind == "county":
                in_county = self.register["county_code"] == row.county_code
                members = list(self.register.loc[in_county, "code"])
            else:
                listed = self.peer_set_lists[self.peer_set_lists["peer_set"] == row.peer_set]
                members = list(listed["municipality_code"])
            frames.append(
                pd.DataFrame(
                    {
                        "peer_set": row.peer_set,
                        "municipality_code": members,
                        "kind": row.kind,
                        "label_nb": row.label_nb,
                        "label_en": row.label_en,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def peer_set(self, name: str) -> tuple[str, ...]:
        """Today's codes in a peer set (for the default set, the subject first)."""
        members = self.peer_sets.loc[self.peer_sets["peer_set"] == name, "municipality_code"]
        if name not in set(self.peer_set_definitions["peer_set"]):
            raise KeyError(f"unknown peer set {name!r}: not in assets/peer_sets.csv")
        return tuple(members)

    @cached_property
    def municipalities(self) -> pd.DataFrame:
        """The subject and its default peer set (the network), with roles: what the comparison,
        the templates and the exports work on. The subject comes first."""
        members = [self.subject_code] + [
            c for c in self.peer_set(self.default_peer_set) if c != self.subject_code
        ]
        notes = self.peer_set_lists[self.peer_set_lists["peer_set"] == self.default_peer_set]
        note = dict(zip(notes["municipality_code"], notes["note"], strict=True))
        rows = self.register.set_index("code").loc[members].reset_index()
        return rows.assign(
            role=["subject" if c == self.subject_code else "partner" for c in rows["code"]],
            note=[note.get(c, "") for c in rows["code"]],
        )[NETWORK_COLUMNS]

    @cached_property
    def network_codes(self) -> tuple[str, ...]:
        return tuple(self.municipalities["code"])

    def name(self, code: str) -> str:
        match = self._names.get(code)
        if match is None:
            raise UnknownMunicipalityCode(f"unknown municipality code {code!r}")
        return match

    @cached_property
    def _names(self) -> dict[str, str]:
        names = dict(zip(self.codes["code"], self.codes["name"], strict=True))
        names.update(zip(self.register["code"], self.register["name"], strict=True))
        return names

    # -- codes over time ----------------------------------------------------------------------

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
        """old code -> [(new code, kind)] for the changes after which the old code ended."""
        steps: dict[str, list[tuple[str, str]]] = {}
        for old, new, kind in zip(
            self.changes["old_code"], self.changes["new_code"], self.changes["kind"], strict=True
        ):
            if old != new and kind in CODE_ENDING:
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

        A split is followed to the successor that continues the old municipality under its name
        (Ålesund 1507 -> 1508, not Haram 1580); a split with no such successor (Tysfjord 1850)
        raises ``AmbiguousMunicipalityCode``."""
        code = str(code).strip().zfill(4)
        if code not in self._validity:
            raise UnknownMunicipalityCode(
                f"unknown municipality code {code!r}: not in assets/municipality_codes.csv"
            )
        path, kinds, current = [code], set(), code
        while onward := self._onward.get(current, []):
            if len(onward) > 1:
                onward = self._continuation(current, onward)
            current, kind = onward[0]
            kinds.add(kind)
            path.append(current)
        relation = next((label for kind, label in _RELATIONS if kind in kinds), "current")
        return Resolution(code, current, relation, tuple(path))

    def _continuation(self, code: str, onward: list[tuple[str, str]]) -> list[tuple[str, str]]:
        name = self._names.get(code)
        same = [step for step in onward if self._names.get(step[0]) == name]
        if len(same) != 1:
            into = ", ".join(f"{c} ({self._names.get(c, '?')})" for c, _ in onward)
            raise AmbiguousMunicipalityCode(
                f"code {code!r} ({name}) was split into {into}; none continues it, so it has no "
                "single today's code"
            )
        return same

    def current_code(self, code: str) -> str:
        return self.resolve(code).current_code

    @cache  # noqa: B019
    def successors(self, code: str) -> tuple[str, ...]:
        """Every one of today's municipalities that holds part of ``code``'s area."""
        onward = self._onward.get(code)
        if not onward:
            return (code,) if code in self._validity else ()
        found: list[str] = []
        for new, _ in onward:
            found += [c for c in self.successors(new) if c not in found]
        return tuple(sorted(found))

    @cached_property
    def _resolved(self) -> dict[str, str | None]:
        return {code: self._safe_current(code) for code in self._validity}

    @cache  # noqa: B019
    def codes_in_use(self, year: int) -> frozenset[str]:
        """Every code in use on 1 January of ``year``."""
        return frozenset(c for c in self._validity if self.is_valid(c, year))

    @cached_property
    def _own_codes(self) -> dict[str, list[str]]:
        """today's code -> every code that resolves to it."""
        own: dict[str, list[str]] = {}
        for code, today in self._resolved.items():
            if today is not None:
                own.setdefault(today, []).append(code)
        return own

    @cached_property
    def _shared_codes(self) -> dict[str, list[str]]:
        """today's code -> codes part of whose area it holds, but that resolve elsewhere."""
        shared: dict[str, list[str]] = {}
        for code, today in self._resolved.items():
            for other in self.successors(code):
                if other != today:
                    shared.setdefault(other, []).append(code)
        return shared

    @cache  # noqa: B019
    def predecessors(self, current_code: str, year: int) -> tuple[str, ...]:
        """Codes in use in ``year`` that are part of today's ``current_code`` (for summing counts)."""
        in_use = self.codes_in_use(year)
        return tuple(c for c in self._own_codes.get(current_code, ()) if c in in_use)

    @cache  # noqa: B019
    def shared_predecessors(self, current_code: str, year: int) -> tuple[str, ...]:
        """Codes in use in ``year`` of which only a part became ``current_code`` (a split): a
        count under them cannot be apportioned to today's municipality without weights."""
        in_use = self.codes_in_use(year)
        return tuple(c for c in self._shared_codes.get(current_code, ()) if c in in_use)

    @cached_property
    def _area_changes(self) -> dict[str, list[int]]:
        """today's code -> rows of ``changes`` that changed the area behind it."""
        rows: dict[str, list[int]] = {}
        columns = (self.changes[c] for c in ("old_code", "new_code", "kind"))
        for i, (old, new, kind) in enumerate(zip(*columns, strict=True)):
            if kind not in AREA_CHANGING:
                continue
            for today in {self._resolved.get(old), self._resolved.get(new)} - {None}:
                rows.setdefault(today, []).append(i)
        return rows

    @cached_property
    def _changes_by_year(self) -> pd.DataFrame:
        return self.changes.assign(year=self.changes["change_occurred"].str[:4].astype(int))

    @cache  # noqa: B019
    def series_breaks(self, current_code: str) -> pd.DataFrame:
        """Changes to the area behind today's code: mergers, boundary changes, splits."""
        rows = self._area_changes.get(current_code, [])
        return self._changes_by_year.iloc[rows].reset_index(drop=True)

    def _safe_current(self, code: str) -> str | None:
        try:
            return self.current_code(code)
        except UnknownMunicipalityCode:
            return None


def _fail(name: str, row: int | None, message: str) -> None:
    where = f"{name} row {row + 2}" if row is not None else name  # +2: header, 1-based
    raise CatalogueError(f"{where}: {message}")


def _read_subject(path: Path) -> tuple[str, str]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return str(raw["subject"]).zfill(4), str(raw["default_peer_set"])
    except (KeyError, TypeError) as error:
        raise CatalogueError(f"{path.name}: missing {error} (subject, default_peer_set)") from error


def validate(register, codes, changes, definitions, lists, subject, default_set) -> None:
    """Every reference between the files resolves; the first broken row is named."""
    known, current = set(codes["code"]), set(register["code"])
    for i, code in enumerate(register["code"]):
        if code not in known:
            _fail("municipalities.csv", i, f"code {code} not in municipality_codes.csv")
    for i, row in changes.iterrows():
        for column in ("old_code", "new_code"):
            if row[column] not in known:
                _fail(
                    "municipality_changes.csv",
                    i,
                    f"{column} {row[column]} not in municipality_codes.csv",
                )
        if row["kind"] not in CHANGE_KINDS:
            _fail("municipality_changes.csv", i, f"kind {row['kind']!r} not in {CHANGE_KINDS}")
    names = list(definitions["peer_set"])
    for i, row in definitions.iterrows():
        if row["kind"] not in PEER_SET_KINDS:
            _fail("peer_sets.csv", i, f"kind {row['kind']!r} not in {PEER_SET_KINDS}")
        if names.count(row["peer_set"]) > 1:
            _fail("peer_sets.csv", i, f"peer set {row['peer_set']!r} appears twice")
        if row["kind"] == "county" and row["county_code"] not in set(register["county_code"]):
            _fail("peer_sets.csv", i, f"county_code {row['county_code']!r} has no municipality")
    for i, row in lists.iterrows():
        if row["peer_set"] not in names:
            _fail("peer_set_members.csv", i, f"peer set {row['peer_set']!r} not in peer_sets.csv")
        if row["municipality_code"] not in current:
            _fail(
                "peer_set_members.csv",
                i,
                f"municipality_code {row['municipality_code']} is not a current municipality "
                "(municipalities.csv)",
            )
    if lists.duplicated(["peer_set", "municipality_code"]).any():
        i = int(lists.index[lists.duplicated(["peer_set", "municipality_code"])][0])
        _fail("peer_set_members.csv", i, "the same municipality twice in one peer set")
    if subject not in current:
        _fail("subject.yaml", None, f"subject {subject} is not a current municipality")
    if default_set not in names:
        _fail("subject.yaml", None, f"default_peer_set {default_set!r} not in peer_sets.csv")


@cached_by_files(FILES)
def load_municipalities(directory: Path | None = None) -> MunicipalityHistory:
    """The validated history (read once per process, again when a file changes)."""
    register = read_csv(directory / "municipalities.csv")
    codes = read_csv(directory / "municipality_codes.csv")
    changes = read_csv(directory / "municipality_changes.csv")
    definitions = read_csv(directory / "peer_sets.csv")
    lists = read_csv(directory / "peer_set_members.csv")
    subject, default_set = _read_subject(directory / "subject.yaml")
    validate(register, codes, changes, definitions, lists, subject, default_set)
    return MunicipalityHistory(
        register=register,
        codes=codes,
        changes=changes,
        peer_set_definitions=definitions,
        peer_set_lists=lists,
        subject_code=subject,
        default_peer_set=default_set,
        version=reference_version("municipalities", directory),
        sha256=files_sha256(directory, FILES),
    )
