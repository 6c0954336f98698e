"""The partner pack on the example run: bokmål workbooks with no untranslated token, print setup,
overview charts and network median, factsheets, Parquet descriptions and the data dictionary,
and byte-identical exports from a second run on the same inputs."""

from __future__ import annotations

import csv
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from asker_pipeline.exports.excel.layout import display_width
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.schema import TABLES
from asker_pipeline.schema.labels import load_labels

NETWORK = load_municipalities().municipalities
SNAKE_CASE = re.compile(r"\b[a-zA-Z]+(?:_[a-zA-Z0-9]+)+\b")
#: Proper names that contain English words.
PROPER_NAMES = ("Norwegian SDG Network of Excellence", "U4SSC")


def _workbooks(exports: Path, language: str = "nb") -> list[Path]:
    books = sorted((exports / "excel").glob("benchmark_*.xlsx"))
    english = [b for b in books if b.stem.endswith("_en")]
    return english if language == "en" else [b for b in books if b not in english]


def _english_tokens() -> list[re.Pattern]:
    """Every coded value's key and English label that differs from its bokmål label."""
    labels = load_labels()
    words = set()
    for (_kind, key), label in labels.exact.items():
        if "{}" in key:
            continue
        for word in (key, label["en"]):
            if word.lower() != label["nb"].lower() and len(word) >= 3:
                words.add(word)
    return [re.compile(rf"(?<![\w-]){re.escape(w)}(?![\w-])", re.IGNORECASE) for w in words]


def test_bokmal_workbooks_have_no_untranslated_token(example_run):
    english = _english_tokens()
    books = _workbooks(example_run.exports)
    assert len(books) == len(NETWORK)
    found = []
    for path in books:
        for ws in openpyxl.load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if not isinstance(cell.value, str):
                        continue
                    text = cell.value
                    for name in PROPER_NAMES:
                        text = text.replace(name, "")
                    hits = SNAKE_CASE.findall(text) + [
                        p.pattern for p in english if p.search(text)
                    ]
                    if hits:
                        found.append((path.name, ws.title, cell.coordinate, cell.value, hits))
    assert found == []


def test_the_scan_finds_what_it_looks_for():
    english = _english_tokens()
    for text in ("higher", "95 % and over", "not_reported", "leads", "per_100k_inhabitants"):
        assert SNAKE_CASE.search(text) or any(p.search(text) for p in english), text
    for text in ("høyere er bedre", "95 % og over", "ikke rapportert (NR)", "foran", "kjerne"):
        assert not SNAKE_CASE.search(text) and not any(p.search(text) for p in english), text


def test_every_coded_value_in_the_exported_tables_has_both_labels(example_run):
    labels = load_labels()
    with duckdb.connect(str(example_run.warehouse), read_only=True) as conn:
        for table in TABLES.values():
            if not table.exported:
                continue
            for column in table.columns:
                if not column.values:
                    continue
                values = conn.execute(
                    f"SELECT DISTINCT {column.name} FROM {table.name} WHERE {column.name} "
                    "IS NOT NULL"
                ).fetchall()
                for (value,) in values:
                    for language in ("nb", "en"):
                        label = labels.label(column.values, value, language)
                        assert label or value == "", (table.name, value)


def test_a_value_without_a_label_is_an_error_naming_it():
    with pytest.raises(KeyError, match="direction value 'sideways'"):
        load_labels().label("direction", "sideways")
    assert load_labels().label("year_note", "nearest year: 2018") == "nærmeste år: 2018"


def _check_print(ws, footer_words: list[str], one_page: bool = False):
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1 if one_page else 0)
    footer = ws.oddFooter.left.text + " " + ws.oddFooter.right.text
    for word in [*footer_words, "&P", "&N"]:
        assert word in footer, (ws.title, word, footer)


def test_every_sheet_prints_landscape_one_page_wide_with_footer_and_title_rows(example_run):
    path = next(p for p in _workbooks(example_run.exports) if "_3203_" in p.name)
    wb = openpyxl.load_workbook(path)
    release = wb["Oversikt"]["A2"].value.split("nullpunkt ")[1]
    year = re.search(r"Dataår (\d{4})", wb["Oversikt"]["A2"].value).group(1)
    for ws in wb.worksheets:
        _check_print(
            ws, ["Asker", "3203", year, release], one_page=ws.title in ("Oversikt", "Les meg")
        )
        if ws.title in ("Oversikt", "Les meg"):
            continue
        assert ws.print_title_rows.replace("$", "") == "1:1", ws.title
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        header = list(ws[1])
        assert all(c.alignment.wrap_text for c in header if c.value), ws.title
        lines = max(len(str(c.value).split()) for c in header if c.value)
        assert ws.row_dimensions[1].height >= 15, ws.title
        assert lines >= 1
        for cells in ws.iter_cols(min_row=2):
            width = ws.column_dimensions[cells[0].column_letter].width
            for cell in cells:
                if isinstance(cell.value, int | float):  # numbers never show as ###
                    assert display_width(cell.value, cell.number_format) < width, cell.coordinate
                elif isinstance(cell.value, str) and len(cell.value) > width - 2:
                    assert cell.alignment.wrap_text, (ws.title, cell.coordinate)  # never cut off


def test_overview_shows_scores_with_network_median_and_two_native_charts(example_run):
    path = next(p for p in _workbooks(example_run.exports) if "_5001_" in p.name)
    ws = openpyxl.load_workbook(path)["Oversikt"]
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "Nivå")
    header = [c.value for c in ws[header_row] if c.value]
    assert header[-2:] == ["Bånd", "Median i nettverket"]
    year = int(re.search(r"Dataår (\d{4})", ws["A2"].value).group(1))
    rows = list(ws.iter_rows(min_row=header_row + 1, max_row=header_row + 10, values_only=True))
    assert {r[0] for r in rows} == {"dimensjon", "underdimensjon"}
    economy = next(r for r in rows if r[1] == "EC")
    with duckdb.connect(str(example_run.warehouse), read_only=True) as conn:
        mine, median = conn.execute(
            """SELECT max(percent) FILTER (WHERE municipality_code = '5001'),
                      median(percent) FILTER (WHERE municipality_code <> '5001')
               FROM marts.rollup_scores WHERE level = 'dimension' AND node_code = 'EC'
                 AND year = ?""",
            [year],
        ).fetchone()
    assert economy[header.index("Prosent")] == pytest.approx(mine)
    assert economy[header.index("Median i nettverket")] == pytest.approx(median)
    assert economy[header.index("Bånd")] in {"under 33 %", "33–66 %", "66–95 %", "95 % og over"}
    charts = ws._charts
    assert len(charts) == 2 and all(c.type == "bar" for c in charts)
    for chart in charts:
        assert len(chart.series) == 2  # this municipality and the network median
        assert chart.series[0].tx.v == "Trondheim"
        assert len(chart.series[0].dPt) > 0  # bars in their band's colour


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.kpi_rows: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if "data-kpi" in attributes:
            self.kpi_rows.append(attributes["data-kpi"])
        for name in ("src", "href", "xlink:href", "action", "data", "poster"):
            if name in attributes:
                self.urls.append(attributes[name])

    def handle_data(self, data):
        self.text.append(data)


def test_factsheets_are_self_contained_and_list_every_kpi_data_point(example_run):
    points = load_catalogue().data_points
    for code in NETWORK["code"]:
        html = (example_run.exports / "factsheets" / f"factsheet_{code}.html").read_text()
        page = _Page()
        page.feed(html)
        assert sorted(page.kpi_rows) == sorted(points["kpi_code"])  # every data point's row
        external = [u for u in page.urls if not u.startswith(("#", "data:"))]  # in-page refs
        assert external == [] and "link" not in page.tags and "script" not in page.tags
        assert not re.search(r"url\((?!#)|@import|https?://(?!www\.w3\.org/)", html)  # in-page ids only
        assert "svg" in page.tags  # the dimension chart, inline
        text = " ".join(page.text)
        assert "EKSEMPELDATA" in text and "Dimensjoner" in text


def test_parquet_fields_are_described_and_the_dictionary_lists_every_exported_column(
    example_run,
):
    for path in sorted((example_run.exports / "parquet").glob("*.parquet")):
        schema = pq.read_schema(path)
        for field in schema:
            meta = field.metadata or {}
            assert meta.get(b"description") and meta.get(b"label_nb"), (path.name, field.name)
    with open(example_run.exports / "data_dictionary.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    exported = [(t.name, c.name) for t in TABLES.values() if t.exported for c in t.columns]
    assert [(r["table"], r["column"]) for r in rows] == exported
    assert all(r["description_nb"] and r["description_en"] and r["label_en"] for r in rows)
    percent = next(r for r in rows if r["column"] == "percent_of_target")
    assert (percent["unit_nb"], percent["unit_en"]) == ("Prosent", "Percent")


def _checksums(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_second_run_on_the_same_inputs_gives_byte_identical_exports(example_run, tmp_path):
    """Issue 10, point 6: workbooks, templates, CSVs, factsheets, Parquet and the manifest."""
    from asker_pipeline.build import materialize_everything
    from asker_pipeline.paths import SOURCES_DIR
    from asker_pipeline.resources import build_resources

    warehouse, exports = tmp_path / "warehouse" / "asker.duckdb", tmp_path / "warehouse" / "exports"
    resources = build_resources(
        warehouse=str(warehouse), sources=str(SOURCES_DIR), exports=str(exports)
    )
    results = materialize_everything(dg.DagsterInstance.ephemeral(), resources)
    assert all(r.success for r in results)
    first, second = _checksums(example_run.exports), _checksums(exports)
    assert {"manifest.json", "data_quality_report.csv", "data_dictionary.csv"} <= set(first)
    assert any(p.startswith("templates/") for p in first)
    assert any(p.startswith("factsheets/") for p in first)
    assert second == first


def test_a_category_not_scored_shows_a_dash_at_the_start_of_its_row():
    from asker_pipeline.scoring.charts import score_chart

    fig = score_chart(["EC: ICT: D Drainage", "EC: I: B Buildings"], [float("nan"), 100.0],
                      [None, 4])
    labels = {t.get_text(): t.get_position() for t in fig.axes[0].texts}
    assert labels["–"] == (1, 1) and labels["100"] == (101, 0)  # first label on top
