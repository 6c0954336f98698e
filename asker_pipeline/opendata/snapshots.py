"""Recorded responses ("snapshots") in ``sources/opendata/snapshots/``: reading them offline,
and refreshing them from the live API without ever replacing good data with bad.

A snapshot is one PxWebApi v2 JSON-stat2 response per registry series, unchanged except for
our provenance block in ``extension.asker_pipeline`` (is_example, provider, query,
retrieved_at). A refresh writes a series' new snapshot only when the client accepted the whole
response (it decoded, covers every requested region and year, and holds values); it writes to a
temporary file and renames it (atomic on one file system). Anything else keeps the last good
snapshot, byte for byte, and reports why."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.opendata import jsonstat
from asker_pipeline.opendata.client import FetchError, PxWebClient
from asker_pipeline.opendata.registry import Registry, Series
from asker_pipeline.reference.municipalities import MunicipalityHistory
from asker_pipeline.schema import tables

PROVENANCE_KEY = "asker_pipeline"
EXAMPLE_LABEL = (
    "EXAMPLE DATA: invented figures in the shape of a PxWebApi v2 response, not Statistics "
    "Norway's numbers. Run a refresh (ASKER_OPENDATA_REFRESH=1) to replace them."
)
OBSERVATION_COLUMNS = tables.OPENDATA_OBSERVATIONS.column_names


class SnapshotError(ValueError):
    """A snapshot file is missing or unreadable."""


@dataclass(frozen=True)
class Snapshot:
    series: Series
    path: Path  # absolute
    relative: str  # relative to the sources folder, for provenance
    doc: dict[str, Any]
    sha256: str

    @property
    def provenance(self) -> dict[str, Any]:
        return self.doc.get("extension", {}).get(PROVENANCE_KEY, {})

    @property
    def is_example(self) -> bool:
        return bool(self.provenance.get("is_example", True))


def read_snapshot(series: Series, sources_dir: Path) -> Snapshot:
    path = Path(sources_dir) / series.snapshot
    if not path.exists():
        raise SnapshotError(f"no snapshot for series {series.id!r}: {path} is missing")
    raw = path.read_bytes()
    try:
        doc = jsonstat.parse(raw)
    except jsonstat.JsonStatError as error:
        raise SnapshotError(f"{path}: {error}") from error
    return Snapshot(series, path, series.snapshot.as_posix(), doc, hashlib.sha256(raw).hexdigest())


def narrow_query(query: str | None, narrowed: dict[str, str]) -> str | None:
    """The snapshot's query (a GET path) as it applies to some of its cells: the value codes of
    the ``narrowed`` variables replaced (``{"Region": "0220,0627", "Tid": "2019"}``). Asking
    it returns exactly those cells; at national scale the whole query lists hundreds of codes."""
    if not query:
        return query
    path, params = _parsed(query)
    wanted = {f"valueCodes[{variable}]": codes for variable, codes in narrowed.items()}
    return f"{path}?" + "&".join(f"{key}={wanted.get(key, value)}" for key, value in params)


@lru_cache(maxsize=64)
def _parsed(query: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    path, _, params = query.partition("?")
    return path, tuple(tuple(param.partition("=")[::2]) for param in params.split("&"))


def observations(snapshot: Snapshot) -> pd.DataFrame:
    """The snapshot's cells as tidy rows with provenance (status kept distinct); each cell's
    query asks for its own region and period."""
    series = snapshot.series
    frame = jsonstat.decode(snapshot.doc)
    other = [
        c
        for c in frame.columns
        if c not in {series.region_variable, series.time_variable, "value", "symbol", "status"}
    ]
    prov = snapshot.provenance
    cells = list(zip(frame[series.region_variable], frame[series.time_variable], strict=True))
    queries = {
        (region, period): narrow_query(
            prov.get("query"), {series.region_variable: region, series.time_variable: period}
        )
        for region, period in dict.fromkeys(cells)
    }
    return pd.DataFrame(
        {
            "series_id": series.id,
            "provider": prov.get("provider", "SSB"),
            "table_id": series.table_id,
            "region_code": frame[series.region_variable],
            "period": frame[series.time_variable],
            "dimensions": _dimensions(frame, other),
            "value": frame["value"],
            "symbol": frame["symbol"],
            "status": frame["status"],
            "source_file": snapshot.relative,
            "source_sha256": snapshot.sha256,
            "query": [queries[cell] for cell in cells],
            "retrieved_at": pd.to_datetime(prov.get("retrieved_at"), utc=True),
            "is_example": snapshot.is_example,
        },
        columns=OBSERVATION_COLUMNS,
    )


def _dimensions(frame: pd.DataFrame, other: list[str]) -> list[str]:
    """Each cell's other dimensions as JSON (a few distinct combinations, thousands of cells)."""
    combos = list(frame[other].itertuples(index=False, name=None))
    text = {
        combo: json.dumps(dict(zip(other, combo, strict=False)), ensure_ascii=False)
        for combo in dict.fromkeys(combos)
    }
    return [text[combo] for combo in combos]


def write_snapshot(path: Path, doc: dict[str, Any]) -> None:
    """Write atomically: readers see the last good snapshot or the new one, never part of one."""
    write_bytes_atomic(path, (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode())


def with_provenance(
    doc: dict[str, Any], provider: str, query: str, retrieved_at: str | None, is_example: bool
) -> dict[str, Any]:
    extension = dict(doc.get("extension") or {})
    extension[PROVENANCE_KEY] = {
        "is_example": is_example,
        "provider": provider,
        "query": query,
        "retrieved_at": retrieved_at,
        **({"label": EXAMPLE_LABEL} if is_example else {}),
    }
    return {**doc, "extension": extension}


@dataclass(frozen=True)
class RefreshOutcome:
    series_id: str
    outcome: str  # "refreshed" | "failed" | "offline" (no refresh asked for)
    error: str | None = None


def refresh_series(
    series: Series,
    registry: Registry,
    client: PxWebClient,
    history: MunicipalityHistory,
    sources_dir: Path,
    now: datetime | None = None,
) -> RefreshOutcome:
    """Fetch one series live; replace its snapshot only with a complete, decodable response."""
    query = series.query(history, registry.years, registry.lang)
    try:
        doc = client.data(query)  # decoded, covers every region and year asked for, has values
    except (FetchError, jsonstat.JsonStatError) as error:
        return RefreshOutcome(series.id, "failed", str(error))
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    write_snapshot(
        Path(sources_dir) / series.snapshot,
        with_provenance(doc, registry.provider, query.describe(), stamp, is_example=False),
    )
    return RefreshOutcome(series.id, "refreshed")


def refresh_all(
    registry: Registry, client: PxWebClient, history: MunicipalityHistory, sources_dir: Path
) -> list[RefreshOutcome]:
    """Every series, after one connectivity probe: without network each series fails with the
    probe's reason in seconds, instead of spending its retries."""
    try:
        client.probe()
    except FetchError as error:
        return [RefreshOutcome(key, "failed", str(error)) for key in registry.series]
    return [
        refresh_series(s, registry, client, history, sources_dir) for s in registry.series.values()
    ]
