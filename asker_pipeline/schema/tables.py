"""Every warehouse table, declared once (columns from ``columns.py``).

Layers, one DuckDB schema each: ``reference`` (assets/ CSVs), ``raw`` (as loaded from a source),
``staging`` (every source in one shape), ``marts`` (scores, zero point, comparison) and
``quality`` (data-quality outcomes)."""

from __future__ import annotations

from asker_pipeline.schema import columns as c
from asker_pipeline.schema.core import Column, Table


def _required(*cols: Column) -> tuple[Column, ...]:
    return tuple(col.but(nullable=False) for col in cols)


# --- reference ----------------------------------------------------------------------------------
KPI_CATALOGUE = Table(
    "reference.kpi_catalogue",
    "The 91 U4SSC KPIs: canonical code, place in the tree, names, unit, direction, definition "
    "and SDG links (assets/kpi_catalogue.csv; decisions in assets/CATALOGUE.md).",
    (
        *_required(c.CODE.but(description="Canonical U4SSC KPI code.")),
        c.DIMENSION_CODE, c.DIMENSION_EN, c.DIMENSION_NB,
        c.SUB_DIMENSION_CODE, c.SUB_DIMENSION_EN, c.SUB_DIMENSION_NB,
        c.CATEGORY_CODE, c.CATEGORY_EN, c.CATEGORY_NB,
        c.KPI_TYPE,
        c.NAME_EN.but(description="KPI name in English (U4SSC's wording)."),
        c.NAME_NB.but(description="KPI name in Norwegian (bokmål)."),
        c.UNIT, c.DIRECTION, c.DEFINITION_EN, c.DEFINITION_NB, c.SDG_TARGETS, c.SDG_GOALS,
        c.UNIT_INFERRED, c.CODE_NOTE,
    ),
)
KPI_DATA_POINTS = Table(
    "reference.kpi_data_points",
    "Every scored data point: 'main' for a single-value KPI, several for KPIs such as air "
    "pollution (five pollutants) or transport mode share (five modes).",
    (
        *_required(c.KPI_CODE, c.DATA_POINT),
        c.NAME_EN.but(description="Data point name in English."),
        c.NAME_NB.but(description="Data point name in Norwegian (bokmål)."),
        c.UNIT, c.DIRECTION,
    ),
)
UNITS = Table(
    "reference.units",
    "The unit vocabulary with the range each unit allows (percent 0-100, Gini 0-1, ...).",
    (
        *_required(c.UNIT.but(description="The unit's key, as data points and values name it.")),
        c.LABEL_EN, c.LABEL_NB, c.MIN_VALUE, c.MAX_VALUE,
        c.KIND.but(description="What sort of quantity: share, rate, count, ratio, ..."),
        c.NOTES.but(description="How the unit is computed, and why its bounds are what they are."),
    ),
)
KPI_CODE_ALIASES = Table(
    "reference.kpi_code_aliases",
    "Codes other catalogues use for our KPIs (the disputed Wi-Fi and health-record codes).",
    (
        *_required(c.ALIAS, c.CODE.but(description="Our canonical KPI code for the alias.")),
        c.REASON.but(description="Why the alias exists."),
    ),
)
MUNICIPALITIES = Table(
    "reference.municipalities",
    "Every current municipality of Norway (357 since 2024) by today's code, with its county; "
    "the subject and its partners (the default peer set, assets/subject.yaml) have a role.",
    (
        *_required(
            c.CODE.but(description="Today's four-digit municipality code."),
            c.NAME.but(description="Municipality name (the Norwegian part of the official name)."),
        ),
        c.NAME_OFFICIAL, c.NAME_ASCII, c.COUNTY_CODE, c.COUNTY,
        c.ROLE.but(description="'subject' or 'partner' in the default peer set; empty for the "
                   "other municipalities."),
        c.NOTE.but(description="Why the municipality is in the default peer set."),
    ),
)
MUNICIPALITY_CODES = Table(
    "reference.municipality_codes",
    "Every municipality code in use since 2018, with validity dates and today's municipality "
    "each code belongs to (empty for a code split between several with none continuing it).",
    (
        *_required(c.CODE.but(description="A municipality code, current or former.")),
        c.NAME.but(description="The municipality's name under that code (Norwegian part)."),
        c.NAME_OFFICIAL, c.VALID_FROM, c.VALID_TO, c.CERTAINTY, c.SOURCE, c.CURRENT_CODE,
        c.RELATION, c.PATH,
    ),
)
MUNICIPALITY_CHANGES = Table(
    "reference.municipality_changes",
    "Code changes in the shape of SSB KLASS classification 131 'changes': renumberings, mergers, "
    "boundary changes, splits and name changes, 2018 to today.",
    (
        c.OLD_CODE, c.OLD_NAME, c.NEW_CODE, c.NEW_NAME, c.CHANGE_OCCURRED,
        c.KIND.but(description="renumbering, merger, boundary_change, split or name_change."),
        c.NOTE.but(description="What changed."),
        c.SOURCE.but(description="The KLASS response and row it was read from "
                     "(assets/MUNICIPALITIES.md)."),
    ),
)
PEER_SETS = Table(
    "reference.peer_sets",
    "Which municipalities are compared with which: every peer set (assets/peer_sets.csv) with "
    "its members, today's codes: the network, one set per county, all of Norway, any list.",
    (
        *_required(
            c.PEER_SET.but(description="The peer set's name (assets/peer_sets.csv)."),
            c.MUNICIPALITY_CODE,
        ),
        c.KIND.but(description="How the members are chosen: list (peer_set_members.csv), county "
                   "or all."),
        c.LABEL_NB, c.LABEL_EN,
    ),
)
TARGETS = Table(
    "reference.targets",
    "A target per KPI data point, with its source and rationale (assets/targets.csv, explained in "
    "assets/TARGETS.md). Data points without a target are left out of scoring, as U4SSC does.",
    (
        *_required(c.KPI_CODE, c.DATA_POINT),
        c.DIRECTION, c.UNIT, c.TARGET, c.LOWER_BOUND, c.TARGET_METHOD, c.TARGET_KIND,
        c.HAS_TARGET, c.TARGET_SOURCE,
        c.CERTAINTY.but(description="How sure the target's number is: read in the source, "
                        "recalled (check it), computed, or computed from example data."),
        c.PEER_SET.but(
            description="For a top-performers target: the municipalities it was computed on, and "
            "how many reported.",
            values=None,
        ),
        c.PEER_YEAR, c.RATIONALE,
    ),
)

# --- raw: as loaded from each source ------------------------------------------------------------
#: The common value model (docs/value_model.md): one row = one data point, municipality, year and
#: source. Spreadsheets fill file/sheet/cell, open data provider/table/query.
VALUE_COLUMNS: tuple[Column, ...] = (
    *_required(c.MUNICIPALITY_CODE, c.SOURCE_MUNICIPALITY_CODE, c.AREA_CODE, c.FORMER_AREA),
    *_required(c.YEAR, c.KPI_CODE, c.DATA_POINT),
    c.VALUE,
    *_required(c.UNIT, c.STATUS, c.SOURCE_KIND, c.SOURCE_REF),
    c.SOURCE_FILE, c.SOURCE_SHEET, c.SOURCE_CELL, c.SOURCE_SHA256,
    c.PROVIDER, c.TABLE_ID, c.QUERY, c.RETRIEVED_AT,
    *_required(c.LOADED_AT),
    c.DATA_QUALITY,
    *_required(c.IS_EXAMPLE),
    c.NOTE,
)
SPREADSHEET_VALUES = Table(
    "raw.spreadsheet_values",
    "KPI values from the filled-in workbooks in sources/spreadsheets/, in the common value model, "
    "with provenance: file, sheet, cell, sha256, loaded_at, the reporter's data quality and "
    "comment. Shares typed as 0.97 for a percentage are kept and flagged in `note`.",
    VALUE_COLUMNS,
)
SPREADSHEET_QUARANTINE = Table(
    "raw.spreadsheet_quarantine",
    "Rows and whole files the workbook load rejected, with a reason naming file, sheet, cell and "
    "the raw text (unknown KPI code, duplicate data point, not a number, out of range, numerator "
    "above denominator, municipality or year missing or contradicting the file name, corrupt, "
    "password-protected or not a workbook).",
    (
        *_required(c.PARTITION_KEY, c.FILE, c.SHA256),
        c.SHEET, c.CELL, c.RAW_TEXT, c.ROW_TEXT,
        *_required(c.REASON),
        c.MUNICIPALITY_CODE, c.YEAR,
        *_required(c.LOADED_AT),
    ),
)
SPREADSHEET_LOADS = Table(
    "raw.spreadsheet_loads",
    "Load history: one row per workbook version (sha256) the first time it is loaded, with the "
    "version it replaced for the same municipality and year.",
    (
        *_required(c.PARTITION_KEY),
        c.MUNICIPALITY_CODE, c.YEAR,
        *_required(c.FILE, c.SHA256, c.LOADED_AT),
        c.REPLACED_FILE, c.REPLACED_SHA256,
        *_required(c.VALUES_LOADED, c.ROWS_REJECTED, c.FILE_REJECTED),
    ),
)
_SERIES_ROLE = c.ROLE.but(
    description="What the series is for: a numerator, a denominator or a published rate."
)
OPENDATA_SNAPSHOTS = Table(
    "raw.opendata_snapshots",
    "The recorded PxWebApi v2 responses in sources/opendata/snapshots/, one per registry series, "
    "with their provenance and the outcome of the last refresh.",
    (
        *_required(c.SERIES_ID, _SERIES_ROLE, c.TABLE_ID, c.CERTAINTY, c.SOURCE_FILE,
                   c.SOURCE_SHA256, c.IS_EXAMPLE),
        c.RETRIEVED_AT, c.QUERY,
        *_required(c.REFRESH_OUTCOME),
        c.REFRESH_ERROR,
    ),
)
OPENDATA_OBSERVATIONS = Table(
    "raw.opendata_observations",
    "Every cell of every open-data snapshot as a tidy row: region code as the provider gave it, "
    "period, other dimensions, value, the provider's status symbol ('..', ':', '.') and the value "
    "model's status, with snapshot provenance.",
    (
        *_required(c.SERIES_ID, c.PROVIDER, c.TABLE_ID, c.REGION_CODE, c.PERIOD, c.DIMENSIONS),
        c.VALUE.but(description="The provider's number; empty with a status symbol."),
        *_required(c.SYMBOL, c.STATUS, c.SOURCE_FILE, c.SOURCE_SHA256),
        c.QUERY, c.RETRIEVED_AT,
        *_required(c.IS_EXAMPLE),
    ),
)
OPENDATA_SERIES = Table(
    "raw.opendata_series",
    "Registry series (numerators and denominators such as population and households) for today's "
    "municipalities: old codes resolved, additive counts of merged predecessors summed, "
    "agg_KommSummer K-codes taken as SSB summed them, series breaks flagged in `note`.",
    (
        *_required(c.SERIES_ID, _SERIES_ROLE, c.TABLE_ID, c.MUNICIPALITY_CODE, c.YEAR),
        c.VALUE.but(description="The series' value for today's municipality and the year."),
        *_required(c.UNIT, c.STATUS, c.SOURCE_CODES, c.METHOD, c.BOUNDARY, c.CERTAINTY,
                   c.SOURCE_FILE, c.IS_EXAMPLE),
        c.NOTE,
    ),
)
OPENDATA_VALUES = Table(
    "raw.opendata_values",
    "Open-data KPI values in the common value model, computed with the registry's formulas "
    "(numerator / denominator × scale), with provider, table, query, retrieval time and snapshot "
    "file as provenance.",
    VALUE_COLUMNS,
)

# --- staging ------------------------------------------------------------------------------------
KPI_VALUES = Table(
    "staging.kpi_values",
    "All KPI values from every source in one long table (the common value model), with the "
    "precedence rule applied: `is_selected` marks the value scoring uses; the others are kept.",
    (*VALUE_COLUMNS, *_required(c.PRECEDENCE, c.IS_SELECTED), c.SUPERSEDED_BY),
)

# --- marts --------------------------------------------------------------------------------------
#: The versions every scored row carries.
PROVENANCE = (c.CATALOGUE_VERSION, c.CATALOGUE_SHA256, c.TARGETS_VERSION, c.METHOD_VERSION)
#: A data point's names, in every table that lists data points.
DATA_POINT_NAMES = (c.KPI_NAME_EN, c.KPI_NAME_NB, c.DATA_POINT_NAME_EN, c.DATA_POINT_NAME_NB)
#: Where a data point sits in the tree (the category node is dimension + sub-dimension + category).
DATA_POINT_PLACE = (
    c.KPI_CODE, c.DATA_POINT, c.DIMENSION_CODE, c.SUB_DIMENSION_CODE, c.CATEGORY_CODE,
    c.CATEGORY_NODE,
)
#: What scoring adds to a value.
SCORED = (
    c.HAS_TARGET, c.SCORED, c.NOT_SCORED_REASON, c.PERCENT_OF_TARGET,
    c.PERCENT_OF_TARGET_UNCAPPED, c.PERCENT_FORMULA, c.POINTS, c.BAND_LABEL, c.GOALPOSTS_SCORE,
)
#: Whether a value is under review, and why (``quality/review.py``).
REVIEW = (c.UNDER_REVIEW, c.REVIEW_REASON)
#: Which area a value describes, and whether it is a former one (``reference/areas.py``).
AREA = (c.AREA_CODE, c.FORMER_AREA)
KPI_SCORES = Table(
    "marts.kpi_scores",
    "Every selected, reported value of every municipality and year with its percentage of target "
    "(direction-aware; the formula is shown per row), U4SSC points and band, and the 0-100 "
    "goalposts score. Carries catalogue, targets and method versions and the value's source. A "
    "value under review (a failed plausibility rule or a flag) is scored and marked.",
    (
        c.MUNICIPALITY_CODE, c.YEAR, *DATA_POINT_PLACE, *DATA_POINT_NAMES, c.KPI_TYPE, c.UNIT,
        c.DIRECTION, c.VALUE, c.TARGET, c.LOWER_BOUND, c.TARGET_METHOD, c.TARGET_KIND, *SCORED,
        *REVIEW, *AREA, c.SOURCE_REF, c.IS_EXAMPLE, *PROVENANCE,
    ),
    exported=True,
)
ROLLUP_SCORES = Table(
    "marts.rollup_scores",
    "Points ÷ (4 × n scored values) per category (27 nodes: dimension + sub-dimension + "
    "category), sub-dimension, dimension and SDG, for every municipality and year, banded.",
    (
        c.LEVEL, c.NODE_CODE, c.NODE_NAME_EN, c.NODE_NAME_NB, c.MUNICIPALITY_CODE, c.YEAR,
        c.N_SCORED, c.POINTS, c.MAX_POINTS, c.PERCENT, c.POINTS_BAND, c.BAND_LABEL, *PROVENANCE,
    ),
    exported=True,
)
ZERO_POINT_COLUMNS = (
    c.RELEASE_ID, c.MUNICIPALITY_CODE, c.BASELINE_YEAR, *DATA_POINT_PLACE, c.CATEGORY_EN,
    c.CATEGORY_NB, *DATA_POINT_NAMES, c.KPI_TYPE, c.UNIT, c.DIRECTION, c.YEAR, c.VALUE, c.STATUS,
    c.SOURCE_REF, c.TARGET, c.LOWER_BOUND, c.TARGET_METHOD, c.TARGET_KIND, c.TARGET_SOURCE,
    c.TARGET_CERTAINTY, *SCORED, *REVIEW, *AREA, c.IS_EXAMPLE, *PROVENANCE, c.TARGETS_SHA256,
)
BASELINE_RELEASES = Table(
    "marts.baseline_releases",
    "Frozen baseline releases, one row each: release id (baseline year + hash of values and "
    "versions), catalogue version and sha256, targets and method version, totals (with the "
    "number of values under review). Kept across runs and in warehouse/releases/: a release is "
    "never overwritten; changed baseline inputs add a new one.",
    (
        c.RELEASE_ID, c.RELEASE_NUMBER, c.MUNICIPALITY_CODE, c.BASELINE_YEAR, *PROVENANCE,
        c.TARGETS_SHA256, c.N_DATA_POINTS, c.N_REPORTED, c.N_SCORED, c.N_UNDER_REVIEW, c.N_FORMER_AREA, c.POINTS,
        c.MAX_POINTS, c.PERCENT, c.BAND_LABEL,
    ),
    exported=True,
)
BASELINE_RELEASE_VALUES = Table(
    "marts.baseline_release_values",
    "The zero-point rows of every frozen release (values, targets, scores as frozen).",
    ZERO_POINT_COLUMNS,
    exported=True,
)
ZERO_POINT = Table(
    "marts.zero_point",
    "The zero-point measurement (nullpunktsmåling) for Asker at the baseline year: all 91 KPIs / "
    "112 data points with value, year, source, status, target, % of target and band; values "
    "under review are scored and marked.",
    ZERO_POINT_COLUMNS,
    exported=True,
)
ZERO_POINT_COVERAGE = Table(
    "marts.zero_point_coverage",
    "Coverage of the zero point per category node (27): reported, not reported, without target, "
    "scored, and the category's points ÷ (4 × n).",
    (
        c.CATEGORY_NODE, c.CATEGORY_EN, c.CATEGORY_NB, c.N_DATA_POINTS, c.N_REPORTED,
        c.N_NOT_REPORTED, c.N_NO_TARGET, c.N_SCORED, c.POINTS, c.MAX_POINTS, c.PERCENT,
        c.BAND_LABEL,
    ),
    exported=True,
)
ZERO_POINT_TARGET_COVERAGE = Table(
    "marts.zero_point_target_coverage",
    "Coverage of the zero point by kind of target (U4SSC, SDG/UN, EU/EEA, WHO, Norwegian "
    "national, top performers, no target): data points, reported, scored, scored against a "
    "target computed from example data, and points ÷ (4 × n).",
    (
        c.TARGET_KIND, c.N_DATA_POINTS, c.N_REPORTED, c.N_SCORED, c.N_EXAMPLE_TARGETS, c.POINTS,
        c.MAX_POINTS, c.PERCENT, c.BAND_LABEL,
    ),
    exported=True,
)
ZERO_POINT_NOT_REPORTED = Table(
    "marts.zero_point_not_reported",
    "Data points Asker did not report at the baseline: the plan for the next collection.",
    (
        c.KPI_CODE, c.DATA_POINT, c.CATEGORY_NODE, c.CATEGORY_EN, *DATA_POINT_NAMES, c.KPI_TYPE,
        c.UNIT, c.STATUS, c.HAS_TARGET,
    ),
    exported=True,
)
BASELINE_PROGRESS = Table(
    "marts.baseline_progress",
    "From the frozen baseline (marts.zero_point's release) to the latest later year with a "
    "reported value, scored against the release's own targets: change in value and points, trend.",
    (
        c.RELEASE_ID, c.MUNICIPALITY_CODE, c.KPI_CODE, c.DATA_POINT, c.KPI_NAME_EN, c.UNIT,
        c.DIRECTION, c.BASELINE_YEAR_USED, c.BASELINE_VALUE, c.BASELINE_POINTS, c.LATEST_YEAR,
        c.LATEST_VALUE, c.TARGET, c.LATEST_PERCENT_OF_TARGET, c.LATEST_POINTS, c.CHANGE_IN_VALUE,
        c.CHANGE_IN_POINTS, c.TREND, c.BASELINE_AREA_CODE, c.LATEST_AREA_CODE,
    ),
    exported=True,
)
PEER_COMPARISON = Table(
    "marts.peer_comparison",
    "Per peer set (the subject's network, its county, all of Norway, any list it is in) and KPI data "
    "point, every member with a value (same unit; reference year or nearest, year shown): "
    "direction-aware rank with ties, its 90 % interval and probability of being best (Monte Carlo "
    "over the data-quality levels), percentile rank (in `all`: the national position), lead over "
    "the peer median (positive = better), 0-100 min-max position, leads/lags. Counties and all of "
    "Norway only where at least half their municipalities have a value. A value under review is "
    "shown, marked, and left out of every figure (config include_under_review counts it).",
    (
        c.PEER_SET.but(nullable=False), c.KPI_CODE, c.DATA_POINT, c.CATEGORY_NODE,
        c.DIMENSION_CODE, *DATA_POINT_NAMES, c.UNIT, c.DIRECTION, c.REFERENCE_YEAR,
        c.MUNICIPALITY_CODE, c.MUNICIPALITY_NAME, c.IS_SUBJECT, c.VALUE, c.YEAR, c.YEAR_NOTE,
        c.N_COMPARED, c.RANK, c.RANK_MEDIAN, c.RANK_LOW, c.RANK_HIGH, c.P_BEST,
        c.PERCENTILE_RANK, c.PEER_MEDIAN, c.LEAD_OVER_PEER_MEDIAN, c.POSITION, c.STANDING,
        *REVIEW, *AREA, c.SOURCE_REF, c.IS_EXAMPLE, *PROVENANCE,
    ),
    exported=True,
)
PEER_SUMMARY = Table(
    "marts.peer_summary",
    "Per peer set, category and dimension and municipality: data points compared, how often it "
    "leads or lags the peer median, mean percentile rank and mean position (0-100, 100 = best).",
    (
        c.PEER_SET.but(nullable=False), c.LEVEL, c.NODE_CODE, c.NODE_NAME_EN, c.NODE_NAME_NB, c.MUNICIPALITY_CODE,
        c.MUNICIPALITY_NAME, c.N_COMPARED, c.N_LEADS, c.N_LAGS, c.N_LEVEL, c.MEAN_PERCENTILE_RANK,
        c.MEAN_POSITION,
    ),
    exported=True,
)

# --- quality ------------------------------------------------------------------------------------
DATA_QUALITY_REPORT = Table(
    "quality.data_quality_report",
    "Outcome of every data-quality rule (expectations/*.json) on each value table at the latest "
    "published validation: one row per rule, table, municipality and outcome, with the first "
    "failing value in a fixed order.",
    (
        *_required(c.TABLE_NAME, c.RULE, c.SEVERITY),
        c.MUNICIPALITY_CODE.but(description="The municipality; empty for a finding about the "
                                "whole table."),
        *_required(c.OUTCOME, c.FAILING_ROWS),
        c.FIRST_FAILURE,
        *_required(c.DESCRIPTION),
    ),
    exported=True,
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        KPI_CATALOGUE, KPI_DATA_POINTS, UNITS, KPI_CODE_ALIASES, MUNICIPALITIES,
        MUNICIPALITY_CODES, MUNICIPALITY_CHANGES, PEER_SETS, TARGETS,
        SPREADSHEET_VALUES, SPREADSHEET_QUARANTINE, SPREADSHEET_LOADS,
        OPENDATA_SNAPSHOTS, OPENDATA_OBSERVATIONS, OPENDATA_SERIES, OPENDATA_VALUES,
        KPI_VALUES,
        KPI_SCORES, ROLLUP_SCORES, BASELINE_RELEASES, BASELINE_RELEASE_VALUES, ZERO_POINT,
        ZERO_POINT_COVERAGE, ZERO_POINT_TARGET_COVERAGE, ZERO_POINT_NOT_REPORTED, BASELINE_PROGRESS, PEER_COMPARISON,
        PEER_SUMMARY,
        DATA_QUALITY_REPORT,
    )
}
#: Layers of the warehouse, one DuckDB schema each.
SCHEMAS = ("reference", "raw", "staging", "marts", "quality")


def table(name: str) -> Table:
    """The declaration of ``schema.name``; an unknown name is an error that lists the known ones."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no table {name!r} is declared; known: {sorted(TABLES)}") from None
