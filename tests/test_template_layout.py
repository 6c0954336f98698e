"""The data-collection template as a reporter meets it: the value cell takes the documented codes
without a warning, rows are tall enough for their wrapped text, every data point has a Norwegian
label beside its code, it prints on A4, and the same template is the same bytes."""

from __future__ import annotations

import io
import numbers
import re
import zipfile

import pytest
from openpyxl import load_workbook

from asker_pipeline.exports.excel.cells import workbook_bytes
from asker_pipeline.exports.excel.layout import header_lines
from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.schema.labels import load_labels
from asker_pipeline.spreadsheets.layout import (
    COLUMNS,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    KPI_SHEET,
    METADATA_SHEET,
)
from asker_pipeline.spreadsheets.template import build_workbook

CATALOGUE = load_catalogue()
POSITION = {c.key: i for i, c in enumerate(COLUMNS, start=1)}


@pytest.fixture(scope="module")
def book():
    data = workbook_bytes(build_workbook(CATALOGUE, "3203", "Asker", 2025))
    return load_workbook(io.BytesIO(data))


class _Cell:
    """A cell's content as a validation formula sees it: text compares above any number."""

    def __init__(self, typed):
        self.typed = typed

    def _compare(self, other, op):
        if isinstance(self.typed, str):
            return op in (">", ">=")
        return {">=": self.typed >= other, "<=": self.typed <= other}[op]

    def __ge__(self, other):
        return self._compare(other, ">=")

    def __le__(self, other):
        return self._compare(other, "<=")


def evaluate(formula: str, ref: str, typed) -> bool:
    """Evaluate the template's validation formula (OR, AND, ISNUMBER, TRIM, UPPER, comparisons)
    for a value typed into ``ref``, as Excel and LibreOffice do."""
    expression = re.sub(rf"\b{ref}\b", "X", formula)
    expression = re.sub(r'(?<![<>!=])=(?!=)', "==", expression)
    env = {
        "OR": lambda *a: any(a),
        "AND": lambda *a: all(a),
        "ISNUMBER": lambda x: isinstance(x.typed, numbers.Real),
        "TRIM": lambda x: x.strip(),
        "UPPER": lambda x: (x.typed if isinstance(x.typed, str) else str(x.typed)).upper(),
        "X": _Cell(typed),
    }
    return bool(eval(expression, env))  # noqa: S307 - our own formula, in a test


def test_value_cells_take_a_number_in_range_or_a_documented_code_without_warning(book):
    sheet = book[KPI_SHEET]
    column = sheet.cell(HEADER_ROW, POSITION["value"]).column_letter
    by_cell = {}
    for validation in sheet.data_validations.dataValidation:
        for ref in str(validation.sqref).split():
            by_cell.setdefault(ref, []).append(validation)
    units = CATALOGUE.units.set_index("unit")
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        ref = f"{column}{row}"
        (validation,) = by_cell[ref]  # exactly one rule per value cell
        assert validation.type == "custom" and validation.allow_blank
        unit = CATALOGUE.data_point_index.iloc[row - HEADER_ROW - 1]["unit"]
        high = units.at[unit, "max_value"]
        for typed in ("NR", "nr", " NR ", "..", ":", ".", 0, units.at[unit, "min_value"]):
            assert evaluate(validation.formula1, ref, typed), (ref, typed)
        for typed in (-1, "ca. 3", "x"):
            assert not evaluate(validation.formula1, ref, typed), (ref, typed)
        if high == high:  # bounded unit
            assert evaluate(validation.formula1, ref, high)
            assert not evaluate(validation.formula1, ref, high * 1.01 + 1)


def test_each_data_point_has_its_norwegian_label_next_to_its_code(book):
    sheet = book[KPI_SHEET]
    assert POSITION["data_point_nb"] == POSITION["data_point"] + 1
    labels = load_labels()
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == len(CATALOGUE.data_points)
    for row in rows:
        code, label = row[POSITION["data_point"] - 1], row[POSITION["data_point_nb"] - 1]
        assert label == labels.label("data_point", code, "nb")
    assert {r[POSITION["data_point_nb"] - 1] for r in rows} >= {"hovedtall", "privatbil", "3G"}


def test_header_and_instruction_rows_are_tall_enough_for_their_wrapped_text(book):
    sheet = book[KPI_SHEET]
    needed = max(header_lines(c.header, c.width - 1) for c in COLUMNS)
    assert needed >= 2 and sheet.row_dimensions[HEADER_ROW].height >= 15 * needed
    instructions = book[INSTRUCTIONS_SHEET]
    width = instructions.column_dimensions["A"].width
    for row in instructions.iter_rows(min_row=2):
        lines = max(header_lines(c.value or "", width - 4) for c in row)
        assert instructions.row_dimensions[row[0].row].height >= 15 * lines, row[0].row


def test_the_template_prints_landscape_one_page_wide_with_header_and_footer(book):
    for name in (KPI_SHEET, INSTRUCTIONS_SHEET, METADATA_SHEET):
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        footer = sheet.oddFooter.left.text + sheet.oddFooter.right.text
        assert "Asker (3203)" in footer and "2025" in footer and "&P" in footer and "&N" in footer
    assert book[KPI_SHEET].print_title_rows.replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"


def test_the_same_template_gives_the_same_bytes():
    first = workbook_bytes(build_workbook(CATALOGUE, "3203", "Asker", 2025))
    second = workbook_bytes(build_workbook(CATALOGUE, "3203", "Asker", 2025))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in archive.infolist())
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core) == [
        "2026-01-01T00:00:00Z"
    ] * 2
