"""The bundled example data is believable and honest (sources/README.md, "Example data").

Read from the shipped files themselves, through the pipeline's own reader and snapshot decoder:
values inside their documented range, plausible movement from 2019 to 2023, agreement with the
open-data snapshots, published values as published, former Asker's workbook under 0220, the
shipped files exactly what the generators write, and an example run that trips only the
deliberate, labelled mistakes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from asker_pipeline.opendata import examples as opendata_examples
from asker_pipeline.opendata.kpis import (
    harmonised_series,
    kpi_values,
    observation_table,
    read_snapshots,
)
from asker_pipeline.opendata.registry import REGISTRY_FILE, load_registry
from asker_pipeline.paths import ASSETS_DIR, SOURCES_DIR
from asker_pipeline.quality.outcomes import plausibility_outcomes
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.spreadsheets import examples
from asker_pipeline.spreadsheets.layout import KPI_SHEET, METADATA_SHEET
from asker_pipeline.spreadsheets.read import ReadContext, read_workbook

WORKBOOKS = SOURCES_DIR / "spreadsheets"
RANGES = examples.load_example_ranges()
TOLERANCE = 0.05  # workbook vs snapshot, same area and year: 5 % of the open-data figure
OPENDATA = [k for k, r in RANGES.items() if r.drawn_as == "opendata"]
MISTAKEN = {(m.code, m.year, *m.key) for m in examples.MISTAKES}

#: Transcribed from the reports independently of the generator (sources/README.md).
ASKER_2020 = {
    ("SC: SH: SI: 1C", "main"): 0.64,
    ("SC: SH: SI: 2C", "main"): 0.27,
    ("SC: SH: SI: 3C", "main"): 4.27,
    ("SC: SH: SI: 4C", "main"): 67.94,
    ("SC: SH: SI: 5A", "main"): 98.32,
    ("SC: SH: SA: 1C", "main"): 1.06,
    ("SC: SH: SA: 2C", "main"): 0.001,
    ("SC: SH: SA: 3A", "main"): 0.0,
    ("SC: SH: SA: 4A", "main"): 0.21,
    ("SC: SH: SA: 5A", "main"): 5.07,
    ("SC: SH: SA: 6C", "main"): 89.20,
    ("SC: SH: SA: 7C", "main"): 52.28,
    ("SC: SH: SA: 8C", "main"): 393.98,
    ("SC: SH: SA: 9C", "main"): 1.06,
    ("SC: SH: FS: 1A", "main"): None,  # Not Reported
}
ALESUND_ELECTRICITY = {
    ("EC: ICT: ES: 1C", "main"): 95.01,
    ("EC: ICT: ES: 2A", "main"): 91.41,
    ("EC: ICT: ES: 3A", "main"): 0.04,
    ("EC: I: ES: 1C", "main"): 1.05,
    ("EC: I: ES: 2C", "main"): 66.86,
    ("EC: I: ES: 3C", "main"): 97.39,
}
#: What the example run must flag, and nothing more: check -> (municipality, year, KPI, point).
EXPECTED_WARNINGS = {
    "fixed_broadband_within_internet_access": {("1508", 2023, "EC: ICT: ICT: 2C", "main")},
    "transport_mode_shares_sum_to_100": {
        ("3201", 2023, "EC: I: T: 4A", p)
        for p in ("private", "public", "walking", "cycling", "para")
    },
    # both values of the jump: 22.0 typed in 2023, SSB's 2.1 in 2024
    "year_over_year_change_within_50_percent": {
        ("1103", 2023, "EC: P: EM: 1C", "main"),
        ("1103", 2024, "EC: P: EM: 1C", "main"),
    },
    "share_not_typed_as_fraction": {("5001", 2023, "EC: ICT: ICT: 2C", "main")},
}
EXPECTED_QUARANTINE = {("spreadsheets/5001_trondheim_2023.xlsx", "KPI", "EN: EN: WS: 2C", "main")}
EXPECTED_FLAGS = {("5001", 2023, "EC: ICT: ICT: 2C", "main")}
#: Under review (til kontroll) in the marts: the flagged value and every row a WARN rule names,
#: which are the deliberate mistakes that are selected values (the water consumption typed as
#: text is quarantined, not selected) and the rows a rule cannot tell apart from them: the other
#: four mode shares of Bærum's sum, and SSB's 2024 figure after Stavanger's 22.0.
EXPECTED_UNDER_REVIEW = EXPECTED_FLAGS.union(*EXPECTED_WARNINGS.values())


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    """Every value of every shipped workbook, as the pipeline's reader loads it."""
    context = ReadContext(load_catalogue(), load_municipalities())
    rows = []
    for path in sorted(WORKBOOKS.glob("*.xlsx")):
        result = read_workbook(path, SOURCES_DIR, context)
        assert result.error is None, result.error
        rows += result.values
    frame = pd.DataFrame(rows)
    frame["mistake"] = [
        (m, y, k, p) in MISTAKEN
        for m, y, k, p in frame[["municipality_code", "year", "kpi_code", "data_point"]].itertuples(
            index=False
        )
    ]
    frame["published"] = frame["note"].fillna("").str.contains("Publisert tall")
    return frame


def _reported(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["status"] == "reported") & ~frame["mistake"]]


def _within(value: float, low: float, high: float, decimals: int) -> bool:
    slack = 0.5 * 10**-decimals + 1e-9
    return low - slack <= value <= high + slack


# -- the range table ----------------------------------------------------------------------------


def test_range_table_has_one_sourced_row_per_data_point():
    points = load_catalogue().data_points
    assert set(RANGES) == set(zip(points["kpi_code"], points["data_point"], strict=True))
    table = pd.read_csv(ASSETS_DIR / examples.RANGES_FILE, dtype=str, keep_default_na=False)
    assert table["certainty"].isin(["V", "U"]).all()
    assert (table["anchor"] != "").all() and (table["anchor_source"] != "").all()
    verified = table[table["certainty"] == "V"]
    assert (verified["anchor_source"] != "—").all(), "a V anchor names its source"
    for row in RANGES.values():
        if row.typical is not None:
            low, high = (0, 1) if row.drawn_as == "yes_no" else (row.low, row.high)
            assert low <= row.typical <= high, row.key


def test_a_broken_range_table_names_the_row(tmp_path):
    text = (ASSETS_DIR / examples.RANGES_FILE).read_text(encoding="utf-8")
    broken = tmp_path / "example_ranges.csv"
    broken.write_text(
        text.replace("EC: ICT: ICT: 3C,main,per_100k_inhabitants", "EC: ICT: ICT: 3C,main,percent"),
        encoding="utf-8",
    )
    with pytest.raises(examples.ExampleRangeError, match=r"row 4 \(EC: ICT: ICT: 3C main\)"):
        examples.load_example_ranges(path=broken)


# -- the values ---------------------------------------------------------------------------------


def test_every_invented_2019_value_lies_in_its_documented_range(shipped):
    invented = _reported(shipped[(shipped["year"] == 2019) & ~shipped["published"]])
    assert len(invented) > 400
    outside = [
        (r.municipality_code, r.kpi_code, r.data_point, r.value)
        for r in invented.itertuples()
        if not _within(r.value, *_bounds(RANGES[(r.kpi_code, r.data_point)]))
    ]
    assert outside == []


def _bounds(row: examples.ExampleRange) -> tuple[float, float, int]:
    return row.low, row.high, row.decimals


def test_no_share_of_a_percent_is_mistaken_for_a_fraction(shipped):
    flagged = shipped[shipped["note"].fillna("").str.contains("FLAG:")]
    assert set(
        flagged[["municipality_code", "year", "kpi_code", "data_point"]].itertuples(
            index=False, name=None
        )
    ) == {f for f in EXPECTED_FLAGS}
    assert shipped["value"].between(0, 1, inclusive="right").any()  # small shares do occur


def test_changes_from_2019_to_2023_stay_within_plausible_movement(shipped):
    reported = _reported(shipped)
    wide = reported.pivot_table(
        index=["municipality_code", "kpi_code", "data_point"], columns="year", values="value"
    ).dropna()
    span = examples.YEARS[1] - examples.YEARS[0]
    checked, too_far = 0, []
    for (code, kpi, point), (before, after) in wide[[2019, 2023]].iterrows():
        row = RANGES[(kpi, point)]
        if row.drawn_as in ("opendata", "events") or row.yoy_kind == "none":
            continue  # open data: checked against the snapshots; events: drawn each year
        change = abs(after - before) if row.yoy_kind != "rel" else abs(after / before - 1)
        allowed = row.max_change(span) + (10**-row.decimals if row.yoy_kind != "rel" else 0.01)
        checked += 1
        if change > allowed:
            too_far.append((code, kpi, point, before, after))
    assert checked > 300 and too_far == []


@pytest.fixture(scope="module")
def opendata() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The snapshots as the pipeline reads them: KPI values for today's municipalities, and the
    observations per region code."""
    registry = load_registry(SOURCES_DIR / REGISTRY_FILE, load_catalogue())
    snapshots = read_snapshots(registry, SOURCES_DIR)
    values = kpi_values(registry, snapshots, harmonised_series(snapshots, load_municipalities()))
    return values, observation_table(snapshots)


def _code_figures(observations: pd.DataFrame, code: str, year: int) -> dict[tuple, float]:
    """KPI values computed from one region code's own observations (a former area)."""
    registry = load_registry(SOURCES_DIR / REGISTRY_FILE)
    own = observations[
        (observations["region_code"] == code)
        & (observations["period"] == str(year))
        & (observations["status"] == "reported")
    ]
    totals = own.groupby("series_id")["value"].sum()
    figures = {}
    for f in registry.kpis:
        parts = [f.numerator] + ([f.denominator] if f.denominator else [])
        if all(p in totals for p in parts):
            denominator = totals[f.denominator] if f.denominator else 1.0
            figures[(f.kpi_code, f.data_point)] = totals[f.numerator] / denominator * f.scale
    return figures


def test_workbooks_agree_with_the_open_data_snapshots(shipped, opendata):
    values, observations = opendata
    reported = values[values["status"] == "reported"]
    today = {
        (r.municipality_code, r.year, r.kpi_code, r.data_point): r.value
        for r in reported.itertuples()
    }
    workbook = _reported(
        shipped[shipped.apply(lambda r: (r.kpi_code, r.data_point) in OPENDATA, 1)]
    )
    same_year, next_year, far = [], [], []
    for r in workbook.itertuples():
        key = (r.kpi_code, r.data_point)
        if r.source_municipality_code != r.municipality_code:  # a former area: its own figures
            figure = _code_figures(observations, r.source_municipality_code, r.year).get(key)
        else:
            figure = today.get((r.municipality_code, r.year, *key))
        if figure is not None:
            same_year.append(key)
            if abs(r.value - figure) > TOLERANCE * figure:
                far.append((r.source_municipality_code, r.year, *key, r.value, figure))
        following = today.get((r.municipality_code, r.year + 1, *key))
        if following is not None:
            next_year.append(key)
            row = RANGES[key]
            change = abs(following - r.value) / (r.value if row.yoy_kind == "rel" else 1)
            if change > row.yoy_max:
                far.append((r.municipality_code, r.year + 1, *key, r.value, following))
    assert far == []
    assert len(same_year) >= 15 and len(next_year) >= 20
    asker_poverty = shipped[
        (shipped["source_municipality_code"] == "0220") & (shipped["kpi_code"] == "SC: SH: SI: 3C")
    ]
    assert asker_poverty["value"].tolist() == [4.27]  # published, and compared with 0220's 4.4


def test_published_values_load_exactly_as_published(shipped):
    cases = [("0220", examples.ASKER, ASKER_2020), ("1508", "June 2020, p.26", ALESUND_ELECTRICITY)]
    for code, cited, published in cases:
        rows = shipped[(shipped["source_municipality_code"] == code) & (shipped["year"] == 2019)]
        rows = rows.set_index(["kpi_code", "data_point"])
        for key, value in published.items():
            row = rows.loc[key]
            assert cited in row["note"], key
            if value is None:
                assert row["status"] == "not_reported", key
            else:
                assert row["status"] == "reported" and row["value"] == value, key
    for code, groups in examples.PUBLISHED.items():  # the rest, as the generator cites them
        rows = shipped[(shipped["source_municipality_code"] == code) & (shipped["year"] == 2019)]
        rows = rows.set_index(["kpi_code", "data_point"])
        for cited, values in groups.items():
            for key, value in values.items():
                assert cited in rows.loc[key, "note"]
                if value == examples.NR:
                    assert rows.loc[key, "status"] == "not_reported", (code, key)
                else:
                    assert rows.loc[key, "value"] == value, (code, key)
    stavanger = shipped[(shipped["municipality_code"] == "1103") & (shipped["year"] == 2019)]
    assert stavanger.set_index("kpi_code").loc["EC: I: B: 2A", "status"] == "not_reported"
    invented = shipped[(shipped["status"] == "reported") & ~shipped["published"]]
    assert invented["note"].str.contains(re.escape(examples.EXAMPLE_SOURCE)).all()


def test_asker_2019_is_the_former_municipality_with_94_data_points_reported(shipped):
    assert not (WORKBOOKS / "3203_asker_2019.xlsx").exists()
    book = load_workbook(WORKBOOKS / "0220_asker_2019.xlsx", read_only=True)
    metadata = {row[0]: row[1] for row in book[METADATA_SHEET].iter_rows(values_only=True)}
    book.close()
    assert str(metadata["Kommunenummer / Municipality code"]) == "0220"
    asker = shipped[(shipped["municipality_code"] == "3203") & (shipped["year"] == 2019)]
    assert set(asker["source_municipality_code"]) == {"0220"} and len(asker) == 112
    assert asker["status"].value_counts().to_dict() == {"reported": 94, "not_reported": 18}
    reported = set(
        asker.loc[asker["status"] == "reported", ["kpi_code", "data_point"]].itertuples(
            index=False, name=None
        )
    )
    assert set(OPENDATA) <= reported  # open data for today's area never fills its gaps


def test_the_shipped_files_are_what_the_generators_write(tmp_path):
    sources = tmp_path / "sources"
    (sources / "opendata").mkdir(parents=True)
    shutil.copy(SOURCES_DIR / REGISTRY_FILE, sources / REGISTRY_FILE)
    for path in opendata_examples.write_examples(sources):
        shipped = SOURCES_DIR / path.relative_to(sources)
        assert json.loads(path.read_text()) == json.loads(shipped.read_text()), path.name
    written = examples.write_examples(tmp_path / "spreadsheets")
    assert sorted(p.name for p in written) == sorted(p.name for p in WORKBOOKS.glob("*.xlsx"))
    for path in written:
        assert _cells(path) == _cells(WORKBOOKS / path.name), path.name


def _cells(path: Path) -> dict[str, list]:
    book = load_workbook(path, read_only=True)
    cells = {s: list(book[s].iter_rows(values_only=True)) for s in (KPI_SHEET, METADATA_SHEET)}
    book.close()
    return cells


# -- the example run ----------------------------------------------------------------------------


def _rows(frame: pd.DataFrame) -> set[tuple]:
    columns = ["municipality_code", "year", "kpi_code", "data_point"]
    return set(frame[columns].astype({"year": int}).itertuples(index=False, name=None))


def test_the_example_run_warns_only_on_the_deliberate_mistakes(example_run):
    with duckdb.connect(str(example_run.warehouse), read_only=True) as conn:
        staging = conn.execute("SELECT * FROM staging.kpi_values").df()
        report = conn.execute(
            "SELECT rule, severity, municipality_code, outcome FROM quality.data_quality_report"
        ).df()
    failing = {o.rule.check: _rows(o.failing) for o in plausibility_outcomes(staging, "staging")}
    assert {check: rows for check, rows in failing.items() if rows} == EXPECTED_WARNINGS
    assert not (report["outcome"] == "fail").any()  # every blocking rule passes
    warned = report[report["outcome"] == "warn"]
    assert set(zip(warned["rule"], warned["municipality_code"], strict=True)) == {
        (check, row[0]) for check, rows in EXPECTED_WARNINGS.items() for row in rows
    }
    flagged = staging[staging["note"].fillna("").str.contains("FLAG:")]
    assert _rows(flagged) == EXPECTED_FLAGS


def test_the_example_run_marks_exactly_the_deliberate_mistakes_under_review(example_run):
    with duckdb.connect(str(example_run.warehouse), read_only=True) as conn:
        scores = conn.execute("SELECT * FROM marts.kpi_scores").df()
        compared = conn.execute(
            "SELECT * FROM marts.peer_comparison WHERE peer_set = 'network'"
        ).df()
        zero = conn.execute("SELECT * FROM marts.zero_point").df()
        release = conn.execute(
            "SELECT r.n_under_review FROM marts.baseline_releases r JOIN "
            "(SELECT DISTINCT release_id FROM marts.zero_point) z USING (release_id)"
        ).fetchone()
    mistakes = {(m.code, m.year, *m.key) for m in examples.MISTAKES}
    assert len(EXPECTED_UNDER_REVIEW & mistakes) == 4  # the fifth is quarantined
    assert _rows(scores[scores["under_review"]]) == EXPECTED_UNDER_REVIEW
    assert scores.loc[scores["under_review"], "review_reason"].str.len().gt(0).all()
    assert scores.loc[~scores["under_review"], "review_reason"].isna().all()
    marked = scores[scores["under_review"]]
    assert (marked["scored"] | (marked["direction"] == "none")).all()  # marked, still scored
    reviewed = compared[compared["under_review"]]
    assert _rows(reviewed) == _rows(compared) & EXPECTED_UNDER_REVIEW
    broadband_mistakes = {("5001", 2023, "EC: ICT: ICT: 2C"), ("1508", 2023, "EC: ICT: ICT: 2C")}
    assert {(*row, "main") for row in broadband_mistakes} <= _rows(reviewed)
    figures = ["rank", "rank_median", "rank_low", "rank_high", "p_best", "percentile_rank"]
    assert reviewed[[*figures, "position"]].isna().all().all()
    broadband = compared[compared["kpi_code"] == "EC: ICT: ICT: 2C"].set_index("municipality_code")
    trondheim = broadband.loc["5001"]
    assert trondheim["year"] == 2023 and trondheim["value"] == 0.87
    assert pd.isna(trondheim["rank"]) and "fraction of 1" in trondheim["review_reason"]
    assert broadband["rank"].dropna().astype(int).sort_values().tolist() == [1, 2, 3]
    # Asker's 2019 baseline has none of the mistakes
    assert not zero["under_review"].any() and release == (0,)


def test_the_example_run_quarantines_only_the_deliberate_mistake(example_run):
    with duckdb.connect(str(example_run.warehouse), read_only=True) as conn:
        quarantine = conn.execute("SELECT * FROM raw.spreadsheet_quarantine").df()
    found = set()
    for row in quarantine.itertuples():
        point = _point_at(WORKBOOKS / Path(row.file).name, row.cell)
        found.add((row.file, row.sheet, *point))
        assert "not a number" in row.reason
    assert found == EXPECTED_QUARANTINE


def _point_at(path: Path, cell: str) -> tuple[str, str]:
    book = load_workbook(path, read_only=True)
    number = int(re.sub(r"\D", "", cell))
    row = next(book[KPI_SHEET].iter_rows(min_row=number, max_row=number, values_only=True))
    book.close()
    return row[0], row[1]


def test_the_readme_lists_every_deliberate_mistake_with_its_cell():
    readme = (SOURCES_DIR / "README.md").read_text(encoding="utf-8")
    history = load_municipalities()
    for mistake in examples.MISTAKES:
        area = examples.workbook_area(mistake.code, mistake.year, history).code
        name = f"{area}_{history.name(mistake.code)}_{mistake.year}"
        path = next(WORKBOOKS.glob(f"{area}_*_{mistake.year}.xlsx"))
        cell = _value_cell(path, mistake.key)
        line = next((x for x in readme.splitlines() if path.name in x and f"| {cell} |" in x), None)
        assert line is not None and mistake.key[0] in line, (name, cell)


def _value_cell(path: Path, key: tuple[str, str]) -> str:
    book = load_workbook(path, read_only=True)
    rows = list(book[KPI_SHEET].iter_rows(values_only=True))
    book.close()
    header = next(i for i, r in enumerate(rows) if r and "Verdi / Value" in r)
    column = rows[header].index("Verdi / Value")
    number = next(i for i, r in enumerate(rows) if (r[0], r[1]) == key) + 1
    return f"{chr(ord('A') + column)}{number}"
