"""Dagster assets for scoring: thin wrappers that read the warehouse, call the pure functions in
``method``/``scores``/``zero_point``/``comparison`` and write ``marts`` tables atomically."""

import dagster as dg
import pandas as pd

from asker_pipeline.metadata import table_metadata
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.resources import WarehouseResource
from asker_pipeline.scoring import charts, comparison, method, scores, tables, zero_point
from asker_pipeline.scoring.targets import load_targets
from asker_pipeline.warehouse import table_exists

GROUP = "scoring"
KINDS = {"duckdb", "pandas"}
KPI_VALUES = dg.AssetKey(["staging", "kpi_values"])
TARGETS = dg.AssetKey(["reference", "targets"])


def _key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def selected_values(conn) -> pd.DataFrame:
    """The values scores use: ``is_selected`` rows of staging.kpi_values (all statuses)."""
    return conn.execute(
        "SELECT municipality_code, year, kpi_code, data_point, value, unit, status, source_ref, "
        "is_example "
        "FROM staging.kpi_values WHERE is_selected ORDER BY municipality_code, year, kpi_code, "
        "data_point"
    ).df()


def _inputs():
    catalogue = load_catalogue()
    targets = load_targets(catalogue=catalogue)
    return (
        catalogue,
        targets,
        scores.data_points(catalogue, targets),
        scores.provenance(catalogue, targets),
    )


@dg.asset(key=TARGETS, group_name="reference", kinds={"csv", "pandas", "duckdb"})
def targets() -> dg.Output[pd.DataFrame]:
    """A target per KPI data point, with its source and rationale (assets/targets.csv, explained
    in assets/TARGETS.md). Rows without a target are left out of scoring, as U4SSC does."""
    loaded = load_targets()
    frame = loaded.frame
    return dg.Output(
        frame,
        metadata={
            "targets_version": loaded.version,
            "targets_sha256": loaded.sha256,
            "with_target": int(frame["has_target"].sum()),
            "without_target": int((~frame["has_target"]).sum()),
            "with_target_by_kind": dg.MetadataValue.json(
                {
                    kind: int(n)
                    for kind, n in frame.loc[frame["has_target"], "target_kind"]
                    .value_counts()
                    .items()
                }
            ),
            "computed_from_example_data": int((frame["certainty"] == "example data").sum()),
            "fixed_broadband_band_limits": ", ".join(f"{x:g}" for x in method.band_limits(60.0)),
        },
    )


@dg.asset(key=_key("marts.kpi_scores"), deps=[KPI_VALUES, TARGETS], group_name=GROUP, kinds=KINDS)
def kpi_scores(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every selected, reported value of every municipality and year with its percentage of
    target (direction-aware; the formula is shown per row), U4SSC points and band, and the 0-100
    goalposts score. Carries catalogue, targets and method versions and the value's source."""
    _, _, points, versions = _inputs()
    with warehouse.get_connection() as conn:
        frame = scores.score_values(selected_values(conn), points, versions)
        tables.write(conn, "marts.kpi_scores", frame)
        metadata = table_metadata(conn, "marts.kpi_scores", **versions)
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(
    key=_key("marts.rollup_scores"), deps=[_key("marts.kpi_scores")], group_name=GROUP, kinds=KINDS
)
def rollup_scores(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Points ÷ (4 × n scored values) per category (27 nodes: dimension + sub-dimension +
    category), sub-dimension, dimension and SDG, for every municipality and year, banded."""
    _, _, points, versions = _inputs()
    with warehouse.get_connection() as conn:
        kpi = conn.execute("SELECT * FROM marts.kpi_scores").df()
        frame = scores.rollup_scores(kpi, points, versions)
        tables.write(conn, "marts.rollup_scores", frame)
        metadata = table_metadata(conn, "marts.rollup_scores", **versions)
    return dg.MaterializeResult(metadata=metadata)


class BaselineConfig(dg.Config):
    baseline_year: int = 2019
    #: A value of the nearest year within this distance stands in when the baseline year has none.
    max_year_distance: int = 2
    #: Use this frozen release instead of the one the current inputs give ("" = current inputs).
    release_id: str = ""


ZERO_POINT_TABLES = (
    "marts.baseline_releases",
    "marts.baseline_release_values",
    "marts.zero_point",
    "marts.zero_point_coverage",
    "marts.zero_point_target_coverage",
    "marts.zero_point_not_reported",
)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            _key(t), deps=[KPI_VALUES, TARGETS], group_name=GROUP, kinds=KINDS, description=d
        )
        for t, d in zip(
            ZERO_POINT_TABLES,
            (
                "Frozen baseline releases, one row each: release id (baseline year + hash of "
                "values and "
                "versions), catalogue version and sha256, targets and method version, totals. Kept "
                "across runs: a release is never overwritten; changed baseline inputs add a new "
                "one.",
                "The zero-point rows of every frozen release (values, targets, scores as frozen).",
                "The zero-point measurement (nullpunktsmåling) for Asker at the baseline year: "
                "all 91 "
                "KPIs / 112 data points with value, year, source, status, target, % of target "
                "and band.",
                "Coverage of the zero point per category node (27): reported, not reported, "
                "without "
                "target, scored, and the category's points ÷ (4 × n).",
                "Coverage of the zero point by kind of target (U4SSC, SDG/UN, EU/EEA, WHO, "
                "Norwegian national, top performers, no target): data points, reported, scored, "
                "scored against a target computed from example data, points ÷ (4 × n).",
                "Data points Asker did not report at the baseline: the plan for the next "
                "collection.",
            ),
            strict=True,
        )
    ],
    can_subset=False,
)
def zero_point_measurement(config: BaselineConfig, warehouse: WarehouseResource):
    _, targets_loaded, points, versions = _inputs()
    subject = load_municipalities().subject_code
    with warehouse.get_connection() as conn:
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
        known = (
            conn.execute("SELECT release_id, release_number FROM marts.baseline_releases").df()
            if table_exists(conn, "marts.baseline_releases")
            else pd.DataFrame(columns=["release_id", "release_number"])
        )
        added = rid not in set(known["release_id"])
        if added:  # values first: a crash in between leaves no half-registered release
            tables.write_rows(
                conn, "marts.baseline_release_values", current, "release_id = ?", [rid]
            )
            number = int(known["release_number"].max()) + 1 if len(known) else 1
            tables.write_rows(
                conn,
                "marts.baseline_releases",
                zero_point.release_summary(current, number),
                "release_id = ?",
                [rid],
            )
        in_use = config.release_id or rid
        frozen = tables.conform(
            "marts.zero_point",
            conn.execute(
                "SELECT * FROM marts.baseline_release_values WHERE release_id = ? ORDER BY "
                "kpi_code, data_point",
                [in_use],
            ).df(),
        )
        if frozen.empty:
            raise dg.Failure(f"baseline release {in_use!r} is not in marts.baseline_releases")
        cover = zero_point.coverage(frozen)
        tables.write(conn, "marts.zero_point", frozen)
        tables.write(conn, "marts.zero_point_coverage", cover)
        kinds = zero_point.target_coverage(frozen)
        tables.write(conn, "marts.zero_point_target_coverage", kinds)
        tables.write(conn, "marts.zero_point_not_reported", zero_point.not_reported(frozen))
        release_meta = {
            "release_id": in_use,
            "current_inputs_release_id": rid,
            "release_added": added,
        }
        yield dg.MaterializeResult(
            asset_key=_key("marts.baseline_releases"),
            metadata=table_metadata(conn, "marts.baseline_releases", **release_meta),
        )
        yield dg.MaterializeResult(
            asset_key=_key("marts.baseline_release_values"),
            metadata=table_metadata(conn, "marts.baseline_release_values"),
        )
        yield dg.MaterializeResult(
            asset_key=_key("marts.zero_point"),
            metadata=table_metadata(
                conn,
                "marts.zero_point",
                **release_meta,
                **versions,
                baseline_year=config.baseline_year,
                **score_overview(frozen, cover),
                target_kinds=dg.MetadataValue.md(charts.markdown_table(kinds)),
            ),
        )
        yield dg.MaterializeResult(
            asset_key=_key("marts.zero_point_coverage"),
            metadata=table_metadata(conn, "marts.zero_point_coverage"),
        )
        yield dg.MaterializeResult(
            asset_key=_key("marts.zero_point_target_coverage"),
            metadata=table_metadata(conn, "marts.zero_point_target_coverage"),
        )
        yield dg.MaterializeResult(
            asset_key=_key("marts.zero_point_not_reported"),
            metadata=table_metadata(conn, "marts.zero_point_not_reported"),
        )


def score_overview(zero: pd.DataFrame, cover: pd.DataFrame) -> dict[str, object]:
    """Dimension and category scores as markdown tables, and a bar chart of category scores."""
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
    chart = charts.bar_chart(
        list(cover["category_node"]),
        list(cover["percent"]),
        [
            f"{n} of {t} scored"
            for n, t in zip(cover["n_scored"], cover["n_data_points"], strict=True)
        ],
    )
    r = method.rollup(zero["points"])
    return {
        "overall_percent": r.percent if r.percent is not None else "not scored",
        "reported": int((zero["status"] == "reported").sum()),
        "not_reported": int((zero["status"] != "reported").sum()),
        "dimension_scores": dg.MetadataValue.md(charts.markdown_table(pd.DataFrame(dims))),
        "category_scores": dg.MetadataValue.md(charts.markdown_table(categories)),
        "category_chart": dg.MetadataValue.md(chart),
    }


@dg.asset(
    key=_key("marts.baseline_progress"),
    deps=[_key("marts.zero_point"), KPI_VALUES],
    group_name=GROUP,
    kinds=KINDS,
)
def baseline_progress(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """From the frozen baseline (marts.zero_point's release) to the latest later year with a
    reported value, scored against the release's own targets: change in value and points, trend."""
    with warehouse.get_connection() as conn:
        frame = zero_point.progress(
            conn.execute("SELECT * FROM marts.zero_point").df(), selected_values(conn)
        )
        tables.write(conn, "marts.baseline_progress", frame)
        metadata = table_metadata(conn, "marts.baseline_progress")
    return dg.MaterializeResult(metadata=metadata)


class ComparisonConfig(dg.Config):
    #: Reference year for every data point (0 = Asker's latest reported year for each).
    year: int = 0
    max_year_distance: int = 2


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            _key("marts.peer_comparison"),
            deps=[KPI_VALUES, TARGETS],
            group_name=GROUP,
            kinds=KINDS,
            description="Asker and the four partners per KPI data point: the five values "
            "(same unit; reference year or nearest, year shown), direction-aware rank with "
            "ties and percentile rank, lead over the peer median (positive = better), 0-100 "
            "min-max position, leads/lags.",
        ),
        dg.AssetSpec(
            _key("marts.peer_summary"),
            deps=[KPI_VALUES, TARGETS],
            group_name=GROUP,
            kinds=KINDS,
            description="Per category and dimension and municipality: data points compared, "
            "how often it leads or lags the peer median, mean percentile rank and mean position "
            "(0-100, 100 = best).",
        ),
    ],
    can_subset=False,
)
def peer_comparison(config: ComparisonConfig, warehouse: WarehouseResource):
    _, _, points, versions = _inputs()
    network = load_municipalities().municipalities
    with warehouse.get_connection() as conn:
        frame = comparison.compare(
            selected_values(conn),
            points,
            network,
            versions,
            config.year or None,
            config.max_year_distance,
        )
        tables.write(conn, "marts.peer_comparison", frame)
        tables.write(conn, "marts.peer_summary", comparison.summarise(frame, points))
        for table in ("marts.peer_comparison", "marts.peer_summary"):
            yield dg.MaterializeResult(asset_key=_key(table), metadata=table_metadata(conn, table))


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
