"""From snapshots to tables: tidy observations, harmonised series (numerators and
denominators such as population and households), and KPI values in the common value model."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from asker_pipeline.opendata.harmonise import TODAY, compute_kpi, harmonise
from asker_pipeline.opendata.registry import KpiFormula, Registry
from asker_pipeline.opendata.snapshots import (
    Snapshot,
    narrow_query,
    observations,
    read_snapshot,
)
from asker_pipeline.reference.municipalities import MunicipalityHistory
from asker_pipeline.schema import tables
from asker_pipeline.values import model

SERIES_TABLE_COLUMNS = tables.OPENDATA_SERIES.column_names


def read_snapshots(registry: Registry, sources_dir: Path) -> dict[str, Snapshot]:
    return {key: read_snapshot(series, sources_dir) for key, series in registry.series.items()}


def observation_table(snapshots: dict[str, Snapshot]) -> pd.DataFrame:
    return pd.concat([observations(s) for s in snapshots.values()], ignore_index=True)


def harmonised_series(
    snapshots: dict[str, Snapshot],
    history: MunicipalityHistory,
    observed: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Each series at today's municipalities; ``observed`` is ``observation_table(snapshots)``
    when the caller has it already (decoding every cell again costs a third of a second)."""
    by_series = dict(tuple(observed.groupby("series_id"))) if observed is not None else {}
    return {
        key: harmonise(
            (by_series[key] if key in by_series else observations(s)).rename(
                columns={"region_code": s.series.region_variable, "period": s.series.time_variable}
            ),
            s.series,
            history,
        )
        for key, s in snapshots.items()
    }


def series_table(
    snapshots: dict[str, Snapshot], harmonised: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    frames = []
    for key, frame in harmonised.items():
        snap = snapshots[key]
        frames.append(
            frame.assign(
                role=snap.series.role,
                table_id=snap.series.table_id,
                unit=snap.series.unit,
                certainty=snap.series.certainty,
                source_file=snap.relative,
                is_example=snap.is_example,
            )
        )
    return pd.concat(frames, ignore_index=True)[SERIES_TABLE_COLUMNS]


def _parts(formula: KpiFormula, snapshots: dict[str, Snapshot]) -> list[Snapshot]:
    return [snapshots[p] for p in (formula.numerator, formula.denominator) if p is not None]


def _narrowed(part: Snapshot, codes: object, year: object) -> str:
    """A part's query as it applies to one value: its region codes and year only."""
    regions = ",".join(str(codes).split("+")) if isinstance(codes, str) else ""
    series = part.series
    narrowed = {series.time_variable: str(year)}
    if regions:
        narrowed[series.region_variable] = regions
    return narrow_query(part.provenance.get("query"), narrowed) or ""


def kpi_values(
    registry: Registry,
    snapshots: dict[str, Snapshot],
    harmonised: dict[str, pd.DataFrame],
    loaded_at: datetime | None = None,
) -> pd.DataFrame:
    """Every registry KPI for every municipality and year, in the common value model."""
    loaded_at = loaded_at or datetime.now(UTC)
    frames = []
    for formula in registry.kpis:
        parts = _parts(formula, snapshots)
        computed = compute_kpi(formula, harmonised)
        is_example = any(p.is_example for p in parts)
        retrieved = [p.provenance.get("retrieved_at") for p in parts]
        label = "EXAMPLE DATA (not SSB's figures); " if is_example else ""
        described = " / ".join(
            f"{registry.provider} {p.series.table_id} {p.series.id}" for p in parts
        )
        frames.append(
            pd.DataFrame(
                {
                    "municipality_code": computed["municipality_code"],
                    "source_municipality_code": computed["source_codes"],
                    # SSB's sums and our own cover today's area, except sums from before a
                    # split (Ålesund's pre-2024 codes include Haram): those describe that area.
                    "area_code": computed["municipality_code"].where(
                        computed["boundary"] == TODAY, computed["source_codes"]
                    ),
                    "former_area": computed["boundary"] != TODAY,
                    "year": computed["year"],
                    "kpi_code": formula.kpi_code,
                    "data_point": formula.data_point,
                    "value": computed["value"],
                    "unit": formula.unit,
                    "status": computed["status"],
                    "source_kind": "open_data",
                    "source_ref": f"{described}{' (example snapshot)' if is_example else ''}",
                    "source_file": "; ".join(p.relative for p in parts),
                    "source_sheet": None,
                    "source_cell": None,
                    "source_sha256": "; ".join(p.sha256 for p in parts),
                    "provider": registry.provider,
                    "table_id": "/".join(dict.fromkeys(p.series.table_id for p in parts)),
                    "query": [
                        " ; ".join(_narrowed(p, codes, year) for p in parts)
                        for codes, year in zip(
                            computed["source_codes"], computed["year"], strict=True
                        )
                    ],
                    "retrieved_at": min(retrieved) if all(retrieved) else None,
                    "loaded_at": loaded_at,
                    "data_quality": None,
                    "is_example": is_example,
                    "note": [
                        label + f"{formula.describe()}" + (f"; {n}" if isinstance(n, str) else "")
                        for n in computed["note"]
                    ],
                }
            )
        )
    if not frames:
        return model.empty_frame()
    return model.conform(pd.concat(frames, ignore_index=True))
