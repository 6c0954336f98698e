"""Dagster assets for scoring: thin wrappers that read the warehouse, call the pure functions in
``method``/``scores``/``zero_point``/``comparison`` and write ``marts`` tables atomically."""

import dagster as dg
import pandas as pd
from pydantic import Field

from asker_pipeline import memo, workers
from asker_pipeline.metadata import markdown_table, records_table, table_metadata
from asker_pipeline.quality import review
from asker_pipeline.quality.outcomes import plausibility_inputs
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import Warehouse
from asker_pipeline.schema import Table, tables
from asker_pipeline.scoring import charts, comparison, method, releases, scores, zero_point
from asker_pipeline.scoring.targets import load_targets
from asker_pipeline.warehouse import read_table, replace_rows, replace_table

GROUP = "scoring"
KINDS = {"duckdb", "pandas"}
KPI_VALUES = tables.KPI_VALUES.asset_key
TARGETS = tables.TARGETS.asset_key


def _spec(table: Table, deps: list[dg.AssetKey]) -> dg.AssetSpec:
    return dg.AssetSpec(
        table.asset_key, deps=deps, group_name=GROUP, kinds=KINDS, description=table.description
    )


def selected_values(conn) -> pd.DataFrame:
    """The values scores use: ``is_selected`` rows of staging.kpi_values (all statuses), each
    marked ``under_review`` with its ``review_reason`` (``quality/review.py``)."""
    values = conn.execute(
        "SELECT municipality_code, year, kpi_code, data_point, value, unit, status, source_kind, "
        "source_ref, data_quality, is_example, note, area_code, former_area "
        "FROM staging.kpi_values WHERE is_selected ORDER BY municipality_code, year, kpi_code, "
        "data_point"
    ).df()
    key = (memo.fingerprint(values), load_catalogue().sha256)  # the rules are read once
    return _REVIEWED.get(key, lambda: review.under_review(values, *plausibility_inputs())).copy()


#: Selected values marked for review, for the scoring assets of one run (they all read them).
_REVIEWED = memo.Recent(size=2)


def _inputs():
    catalogue = load_catalogue()
    targets = load_targets(catalogue=catalogue)
    return (
        catalogue,
        targets,
        scores.data_points(catalogue, targets),
        scores.provenance(catalogue, targets),
    )


@dg.asset(
    key=TARGETS, group_name="reference", kinds={"csv", "duckdb"}, description=tables.TARGETS.description
)
def targets(warehouse: Warehouse) -> dg.MaterializeResult:
    loaded = load_targets()
    frame = loaded.frame
    with warehouse.get_connection() as conn:
        replace_table(conn, tables.TARGETS, frame)
        metadata = table_metadata(
            conn,
            tables.TARGETS,
            targets_version=loaded.version,
            targets_sha256=loaded.sha256,
            with_target=int(frame["has_target"].sum()),
            without_target=int((~frame["has_target"]).sum()),
            with_target_by_kind=dg.MetadataValue.json(
                {
                    kind: int(n)
                    for kind, n in frame.loc[frame["has_target"], "target_kind"]
                    .value_counts()
                    .items()
                }
            ),
            computed_from_example_data=int((frame["certainty"] == "example data").sum()),
            fixed_broadband_band_limits=", ".join(f"{x:g}" for x in method.band_limits(60.0)),
        )
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    key=tables.KPI_SCORES.asset_key,
    deps=[KPI_VALUES, TARGETS],
    group_name=GROUP,
    kinds=KINDS,
    description=tables.KPI_SCORES.description,
)
def kpi_scores(warehouse: Warehouse) -> dg.MaterializeResult:
    _, _, points, versions = _inputs()
    with warehouse.get_connection() as conn:
        frame = scores.score_values(selected_values(conn), points, versions)
        replace_table(conn, tables.KPI_SCORES, frame)
        metadata = table_metadata(conn, tables.KPI_SCORES, **versions)
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    key=tables.ROLLUP_SCORES.asset_key,
    deps=[tables.KPI_SCORES.asset_key],
    group_name=GROUP,
    kinds=KINDS,
    description=tables.ROLLUP_SCORES.description,
)
def rollup_scores(warehouse: Warehouse) -> dg.MaterializeResult:
    _, _, points, versions = _inputs()
    with warehouse.get_connection() as conn:
        kpi = read_table(conn, tables.KPI_SCORES)
        frame = scores.rollup_scores(kpi, points, versions)
        replace_table(conn, tables.ROLLUP_SCORES, frame)
        metadata = table_metadata(conn, tables.ROLLUP_SCORES, **versions)
    return dg.MaterializeResult(metadata=metadata)


class BaselineConfig(dg.Config):
    baseline_year: int = 2019
    #: A value of the nearest year within this distance stands in when the baseline year has none.
    max_year_distance: int = 2
    #: Use this frozen release instead of the one the current inputs give ("" = current inputs).
    release_id: str = ""


ZERO_POINT_TABLES = (
    tables.BASELINE_RELEASES,
    tables.BASELINE_RELEASE_VALUES,
    tables.ZERO_POINT,
    tables.ZERO_POINT_COVERAGE,
    tables.ZERO_POINT_TARGET_COVERAGE,
    tables.ZERO_POINT_NOT_REPORTED,
)


@dg.multi_asset(
    specs=[_spec(table, [KPI_VALUES, TARGETS]) for table in ZERO_POINT_TABLES],
    can_subset=False,
)
def zero_point_measurement(config: BaselineConfig, warehouse: Warehouse):
    """The zero point for the subject municipality, frozen as a release that is never overwritten
    (also filed in warehouse/releases/, and restored from there into a new warehouse)."""
    _, targets_loaded, points, versions = _inputs()
    subject = load_municipalities().subject_code
    with warehouse.get_connection() as conn:
        restored, filed = releases.reconcile(
            conn, warehouse.published_releases, warehouse.releases_path()
        )
        current = zero_point.zero_point(
            selected_values(conn),
            points,
            subject,
            config.baseline_year,
            versions,
            targets_loaded.sha256,
            config.max_year_distance,
        )
        rid = current["release_id"].iloc[0]
        known = read_table(conn, tables.BASELINE_RELEASES, order_by="release_number")
        added = rid not in set(known["release_id"])
        if added:  # values first: a crash in between leaves no half-registered release
            replace_rows(conn, tables.BASELINE_RELEASE_VALUES, current, "release_id = ?", [rid])
            number = int(known["release_number"].max()) + 1 if len(known) else 1
            summary = zero_point.release_summary(current, number)
            replace_rows(conn, tables.BASELINE_RELEASES, summary, "release_id = ?", [rid])
            releases.file_release(conn, rid, warehouse.releases_path())
        in_use = config.release_id or rid
        frozen = tables.ZERO_POINT.conform(
            conn.execute(
                "SELECT * FROM marts.baseline_release_values WHERE release_id = ? ORDER BY "
                "kpi_code, data_point",
                [in_use],
            ).df()
        )
        if frozen.empty:
            raise dg.Failure(f"baseline release {in_use!r} is not in marts.baseline_releases")
        cover = zero_point.coverage(frozen)
        replace_table(conn, tables.ZERO_POINT, frozen)
        replace_table(conn, tables.ZERO_POINT_COVERAGE, cover)
        kinds = zero_point.target_coverage(frozen)
        replace_table(conn, tables.ZERO_POINT_TARGET_COVERAGE, kinds)
        replace_table(conn, tables.ZERO_POINT_NOT_REPORTED, zero_point.not_reported(frozen))
        release_meta = {
            "release_id": in_use,
            "current_inputs_release_id": rid,
            "release_added": added,
            "releases_restored_from_files": ", ".join(restored) or "none",
            "releases_filed": ", ".join(filed + ([rid] if added else [])) or "none",
        }
        extra = {
            tables.BASELINE_RELEASES: release_meta,
            tables.ZERO_POINT: {
                **release_meta,
                **versions,
                "baseline_year": config.baseline_year,
                **score_overview(frozen, cover),
                "target_kinds": dg.MetadataValue.md(markdown_table(kinds)),
            },
        }
        for table in ZERO_POINT_TABLES:
            yield dg.MaterializeResult(
                asset_key=table.asset_key,
                metadata=table_metadata(conn, table, **extra.get(table, {})),
            )


def review_overview(zero: pd.DataFrame) -> dict[str, object]:
    """How many of the zero point's values are under review, in one sentence and as a list."""
    reported = int((zero["status"] == "reported").sum())
    marks = zero.loc[zero["status"] == "reported", "under_review"]
    if reported and marks.isna().all():  # frozen before values were reviewed
        line = "This release was frozen before values were marked for review (til kontroll)."
        return {"line": line, "n_under_review": "not reviewed"}
    reviewed = zero[zero["under_review"].fillna(False).astype(bool)]
    if reviewed.empty:
        line = f"No value is under review (til kontroll): all {reported} reported values passed."
    else:
        line = (
            f"**{len(reviewed)} of {reported} reported values are under review (til kontroll)**: "
            "they fail a plausibility rule or carry a flag (values_under_review says which and "
            "why). They are scored and counted here, and left out of the peer comparison."
        )
    listed = reviewed[["kpi_code", "data_point", "year", "value", "points", "review_reason"]]
    return {
        "line": line,
        "n_under_review": len(reviewed),
        "values_under_review": dg.MetadataValue.md(markdown_table(listed)),
    }


def score_overview(zero: pd.DataFrame, cover: pd.DataFrame) -> dict[str, object]:
    """Dimension and category scores as markdown tables (headed by how many values are under
    review), as bar charts (PNG images in the markdown, drawn by ``charts``, which imports
    matplotlib only now, never at load), and the values under review."""
    dims = []
    for dim, g in zero.groupby("dimension_code", sort=True):
        r = method.rollup(g["points"])
        dims.append(
            {
                "dimension": dim,
                "scored": r.n_scored,
                "points": f"{r.points} / {r.max_points}",
                "percent": "n/a" if r.percent is None else r.percent,
                "band": r.band_label or "not scored",
            }
        )
    categories = cover.assign(
        points=cover["points"].astype(str) + " / " + cover["max_points"].astype(str),
        band=cover["band_label"].fillna("not scored"),
    )[
        [
            "category_node",
            "category_en",
            "n_reported",
            "n_not_reported",
            "n_no_target",
            "n_scored",
            "points",
            "percent",
            "band",
        ]
    ]
    names = zip(cover["category_node"], cover["category_en"], strict=True)
    charts_drawn = [
        (
            "Dimension scores",
            [d["dimension"] for d in dims],
            [None if d["percent"] == "n/a" else d["percent"] for d in dims],
            [None if d["band"] == "not scored" else d["band"] for d in dims],
        ),
        (
            "Category scores",
            [f"{node} {name}" for node, name in names],
            list(cover["percent"]),
            list(cover["band_label"]),
            7.5,
        ),
    ]
    # drawn in the worker: matplotlib is imported there already
    images = [workers.call(charts.score_chart_markdown, *chart) for chart in charts_drawn]
    r = method.rollup(zero["points"])
    review_meta = review_overview(zero)
    line = review_meta.pop("line")
    return {
        "overall_percent": r.percent if r.percent is not None else "not scored",
        "reported": int((zero["status"] == "reported").sum()),
        "not_reported": int((zero["status"] != "reported").sum()),
        **review_meta,
        "dimension_scores": dg.MetadataValue.md(f"{line}\n\n{markdown_table(pd.DataFrame(dims))}"),
        "category_scores": records_table(categories),
        "score_chart": dg.MetadataValue.md("\n\n".join(images)),
    }


@dg.asset(
    key=tables.BASELINE_PROGRESS.asset_key,
    deps=[tables.ZERO_POINT.asset_key, KPI_VALUES],
    group_name=GROUP,
    kinds=KINDS,
    description=tables.BASELINE_PROGRESS.description,
)
def baseline_progress(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.get_connection() as conn:
        frame = zero_point.progress(read_table(conn, tables.ZERO_POINT), selected_values(conn))
        replace_table(conn, tables.BASELINE_PROGRESS, frame)
        metadata = table_metadata(conn, tables.BASELINE_PROGRESS)
    return dg.MaterializeResult(metadata=metadata)


class ComparisonConfig(dg.Config):
    #: Reference year for every data point (0 = Asker's latest reported year for each).
    year: int = 0
    max_year_distance: int = 2
    include_under_review: bool = Field(
        default=False,
        description="Count values under review (they fail a WARN plausibility rule or carry a "
        "FLAG) in the peer medians, ranks, percentile ranks and positions. By default they are "
        "shown, marked, with no rank.",
    )


@dg.multi_asset(
    specs=[
        _spec(tables.PEER_COMPARISON, [KPI_VALUES, TARGETS]),
        _spec(tables.PEER_SUMMARY, [KPI_VALUES, TARGETS]),
    ],
    can_subset=False,
)
def peer_comparison(config: ComparisonConfig, warehouse: Warehouse):
    """Each municipality against the others of every peer set the subject is in (the network,
    its county, all of Norway), per data point and per category, with rank intervals."""
    _, _, points, versions = _inputs()
    history = load_municipalities()
    with warehouse.get_connection() as conn:
        frame = comparison.compare_peer_sets(
            selected_values(conn),
            points,
            history,
            versions,
            config.year or None,
            config.max_year_distance,
            config.include_under_review,
        )
        replace_table(conn, tables.PEER_COMPARISON, frame)
        replace_table(conn, tables.PEER_SUMMARY, comparison.summarise(frame, points))
        per_set = frame.assign(point=frame["kpi_code"] + " " + frame["data_point"]).groupby(
            "peer_set", sort=False
        ).agg(
            data_points=("point", "nunique"),
            municipalities=("municipality_code", "nunique"),
            rows=("point", "size"),
        )
        review_meta = {
            "include_under_review": config.include_under_review,
            "n_under_review": int(frame["under_review"].sum()),
            "peer_sets": dg.MetadataValue.md(markdown_table(per_set.reset_index())),
        }
        for table in (tables.PEER_COMPARISON, tables.PEER_SUMMARY):
            yield dg.MaterializeResult(
                asset_key=table.asset_key, metadata=table_metadata(conn, table, **review_meta)
            )


defs = dg.Definitions(
    assets=[
        targets,
        kpi_scores,
        rollup_scores,
        zero_point_measurement,
        baseline_progress,
        peer_comparison,
    ]
)
