"""Excel benchmark workbooks, one per municipality of the network, in bokmål (and English).

``build_workbook(data, language)`` lays out the sheets (``sheets.py``) with the table schema's
headers and the value labels (``layout.py``), native bar charts (``charts.py``) and print setup
(``printing.py``); ``workbook_bytes`` saves it reproducibly and safely (``cells.py``)."""

from __future__ import annotations

import openpyxl

from asker_pipeline.exports.benchmark import BenchmarkData
from asker_pipeline.exports.excel import sheets
from asker_pipeline.exports.excel.cells import (
    INTEGER,
    NUMBER,
    PERCENT,
    cell_value,
    safe_write,
    workbook_bytes,
)
from asker_pipeline.exports.excel.printing import setup_print
from asker_pipeline.exports.texts import text
from asker_pipeline.schema.labels import load_labels

__all__ = [
    "INTEGER",
    "NUMBER",
    "PERCENT",
    "build_workbook",
    "cell_value",
    "safe_write",
    "workbook_bytes",
]
SHEET_KEYS = (
    "sheet_overview",
    "sheet_readme",
    "sheet_categories",
    "sheet_kpis",
    "sheet_comparison",
    "sheet_quality",
    "sheet_not_reported",
    "sheet_sources",
)


def workbook_file(data: BenchmarkData, language: str = "nb") -> bytes:
    """The benchmark workbook as file bytes (module-level: the worker process renders some)."""
    return workbook_bytes(build_workbook(data, language))


def build_workbook(data: BenchmarkData, language: str = "nb") -> openpyxl.Workbook:
    labels = load_labels()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = {key: wb.create_sheet(text(language, key)) for key in SHEET_KEYS}
    t = lambda key: text(language, key)  # noqa: E731
    tables = [
        ("sheet_categories", data.categories, sheets.category_fields(language)),
        (
            "sheet_kpis",
            sheets.with_review_text(data.kpi_scores, labels, language),
            sheets.kpi_fields(language),
        ),
        (
            "sheet_comparison",
            sheets.comparison_frame(data, labels, language),
            sheets.comparison_fields(data, labels, language),
        ),
        ("sheet_quality", sheets.quality_frame(data, labels, language), sheets.QUALITY_FIELDS),
        ("sheet_not_reported", data.not_reported, sheets.not_reported_fields(language)),
        ("sheet_sources", data.sources, sheets.SOURCE_FIELDS),
    ]
    for key, frame, fields in tables:
        empty = t("quality_missing") if key == "sheet_quality" and frame is None else t("no_rows")
        sheets.table_sheet(ws[key], frame, fields, labels, language, empty)
    sheets.overview_sheet(ws["sheet_overview"], data, labels, language, ws["sheet_categories"])
    shown = sheets.overview_fields(language) + [f for _, _, fields in tables for f in fields]
    sheets.readme_sheet(ws["sheet_readme"], data, labels, language, shown)
    footer = text(
        language, "footer", name=data.name, code=data.code, year=data.data_year or "–",
        release=data.versions.get("baseline_release_id", "") or "–",
    )
    for key, sheet in ws.items():
        setup_print(
            sheet,
            footer,
            t("page"),
            title_rows=None if key in ("sheet_overview", "sheet_readme") else "1:1",
            one_page=key in ("sheet_overview", "sheet_readme"),
        )
    wb.active = 0
    wb.properties.creator = "asker-pipeline"
    wb.properties.title = text(language, "title", name=data.name, code=data.code)
    wb.properties.language = "nb-NO" if language == "nb" else "en-GB"
    return wb
