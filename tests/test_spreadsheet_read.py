"""Workbooks the tests build themselves: the round trip, each accepted variant, each rejection."""

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from asker_pipeline.reference.catalogue import load_catalogue
from asker_pipeline.reference.municipalities import load_municipalities
from asker_pipeline.spreadsheets.layout import (
    COLUMNS,
    DATA_QUALITY,
    HEADER_ROW,
    KPI_SHEET,
    METADATA_SHEET,
)
from asker_pipeline.spreadsheets.read import ReadContext, read_workbook
from asker_pipeline.spreadsheets.template import build_workbook, fill_workbook, write_workbook

#: Template columns by key: position (1-based) and letter, so tests follow the layout.
POSITION = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
LETTER = {key: get_column_letter(i) for key, i in POSITION.items()}
CATALOGUE = load_catalogue()
CONTEXT = ReadContext(CATALOGUE, load_municipalities())
UNEMPLOYMENT = ("EC: P: EM: 1C", "main")
INTERNET = ("EC: ICT: ICT: 1C", "main")
PATENTS = ("EC: P: IN: 2C", "main")
NAME = "3203_asker_2019.xlsx"


def make(tmp_path: Path, entries=None, name=NAME, code="3203", year=2019, edit=None) -> Path:
    book = fill_workbook(build_workbook(CATALOGUE, code, "Asker", year), entries or {})
    if edit:
        edit(book)
    return write_workbook(book, tmp_path / "spreadsheets" / name)


def read(path: Path):
    return read_workbook(path, path.parent.parent, CONTEXT)


def value_of(result, key=UNEMPLOYMENT):
    rows = [r for r in result.values if (r["kpi_code"], r["data_point"]) == key]
    assert len(rows) == 1, result.rejected
    return rows[0]


def test_round_trip_gives_back_what_was_typed(tmp_path):
    quality = DATA_QUALITY[0]
    points = CATALOGUE.data_points[["kpi_code", "data_point", "unit"]].itertuples(index=False)
    special = {"yes_no": lambda i: i % 2, "gini": lambda i: 0.27, "ratio": lambda i: 1.2}
    entries = {
        (kpi, point): {
            "value": special.get(unit, lambda i: round(10 + i * 0.37, 2))(i),
            "data_quality": quality.label,
            "source": f"s{i}",
        }
        for i, (kpi, point, unit) in enumerate(points)
    }
    result = read(make(tmp_path, entries))
    assert result.error is None and result.rejected == []
    got = {(r["kpi_code"], r["data_point"]): r for r in result.values}
    assert set(got) == set(entries)
    for key, typed in entries.items():
        assert got[key]["value"] == pytest.approx(typed["value"])
        assert got[key]["data_quality"] == quality.key
        assert f"source: {typed['source']}" in got[key]["note"]
    row = got[UNEMPLOYMENT]
    assert (row["municipality_code"], row["year"], row["source_kind"], row["unit"]) == (
        "3203",
        2019,
        "spreadsheet",
        "percent",
    )
    assert row["source_file"] == f"spreadsheets/{NAME}" and row["source_sheet"] == KPI_SHEET
    assert row["source_cell"].startswith(LETTER["value"]) and len(row["source_sha256"]) == 64
    assert row["is_example"] is False


def test_template_has_protection_dropdown_frozen_header_and_metadata(tmp_path):
    book = load_workbook(make(tmp_path))
    sheet = book[KPI_SHEET]
    assert sheet.protection.sheet and sheet.freeze_panes == f"C{HEADER_ROW + 1}"
    assert sheet.cell(HEADER_ROW + 1, 1).protection.locked
    assert not sheet.cell(HEADER_ROW + 1, POSITION["value"]).protection.locked  # value cell
    assert any(v.type == "list" for v in sheet.data_validations.dataValidation)
    assert any(
        v.type == "custom" and "<=100" in v.formula1 for v in sheet.data_validations.dataValidation
    )
    assert sheet.max_row - HEADER_ROW == len(CATALOGUE.data_points)
    meta = {r[0]: r[1] for r in book[METADATA_SHEET].iter_rows(values_only=True)}
    assert "3203" in meta.values() and 2019 in meta.values()
    assert len(book.sheetnames) >= 4  # instructions, KPI, metadata, lists


@pytest.mark.parametrize(
    "typed, expected",
    [("2,74", 2.74), ("2.74 %", 2.74), ("2,74 %", 2.74), (2.74, 2.74), ("2.74", 2.74)],
)
def test_accepted_typings(tmp_path, typed, expected):
    assert value_of(read(make(tmp_path, {UNEMPLOYMENT: {"value": typed}})))["value"] == expected


def test_thousands_separators_with_spaces(tmp_path):
    entries = {PATENTS: {"value": "95 424"}, UNEMPLOYMENT: {"value": "1\u00a0000,5"}}
    result = read(make(tmp_path, entries))
    assert value_of(result, PATENTS)["value"] == 95424
    assert result.rejected and "above 100" in result.rejected[0]["reason"]


@pytest.mark.parametrize("typed", ["NR", "n/a", "-", "–", None])
def test_not_reported_markers_load_as_not_reported(tmp_path, typed):
    row = value_of(read(make(tmp_path, {UNEMPLOYMENT: {"value": typed}})))
    assert row["status"] == "not_reported" and row["value"] is None


def test_value_computed_from_numerator_and_denominator(tmp_path):
    row = value_of(
        read(make(tmp_path, {INTERNET: {"numerator": "95 424", "denominator": 100000}})), INTERNET
    )
    assert row["value"] == pytest.approx(95.424) and "computed from numerator" in row["note"]


def test_share_typed_as_fraction_is_kept_and_flagged(tmp_path):
    row = value_of(read(make(tmp_path, {INTERNET: {"value": 0.97}})), INTERNET)
    assert row["value"] == 0.97 and "FLAG" in row["note"]


def test_percent_formatted_cell_reads_as_percent(tmp_path):
    def percent_format(book):
        for row in book[KPI_SHEET].iter_rows(min_row=HEADER_ROW + 1):
            if row[0].value == INTERNET[0]:
                cell = row[POSITION["value"] - 1]
                cell.value, cell.number_format = 0.97, "0%"

    row = value_of(read(make(tmp_path, edit=percent_format)), INTERNET)
    assert row["value"] == pytest.approx(97) and not (row["note"] or "").startswith("FLAG")


def test_reordered_columns_english_headers_extra_sheets_hidden_rows_code_variants(tmp_path):
    def rearrange(book):
        sheet = book[KPI_SHEET]
        value = LETTER["value"]
        sheet.move_range(f"{value}{HEADER_ROW}:{value}{sheet.max_row}", cols=14 - POSITION["value"])
        sheet.cell(HEADER_ROW, 14, "Value")
        sheet.cell(HEADER_ROW, 1, "KPI code")
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
            if row[0].value == UNEMPLOYMENT[0]:
                row[0].value = "ec:p:em:1c"
                row[13].value = "3,1"
                sheet.row_dimensions[row[0].row].hidden = True
        notes = book.create_sheet("Notater", 0)
        notes.append(["Our own notes", 42])

    result = read(make(tmp_path, edit=rearrange))
    row = value_of(result)
    assert row["value"] == 3.1 and row["source_cell"].startswith("N")
    assert result.rejected == []


@pytest.mark.parametrize(
    "entries, reason, cell_column",
    [
        ({UNEMPLOYMENT: {"value": "ca. 3"}}, "not a number", "value"),
        ({UNEMPLOYMENT: {"value": 101}}, "above 100", "value"),
        ({UNEMPLOYMENT: {"value": "-2"}}, "below 0", "value"),
        ({PATENTS: {"value": -5}}, "below 0", "value"),
        (
            {INTERNET: {"numerator": 120, "denominator": 100}},
            "numerator 120 is above denominator",
            "numerator",
        ),
        ({INTERNET: {"numerator": 1, "denominator": 0}}, "denominator is zero", "denominator"),
    ],
)
def test_rejected_values_name_file_sheet_cell_and_raw_text(tmp_path, entries, reason, cell_column):
    cell_column = LETTER[cell_column]
    result = read(make(tmp_path, entries))
    (rejected,) = result.rejected
    assert reason in rejected["reason"]
    assert NAME in rejected["reason"] and f"{KPI_SHEET}!{cell_column}" in rejected["reason"]
    assert rejected["cell"].startswith(cell_column) and rejected["row_text"]
    key = next(iter(entries))
    assert all((r["kpi_code"], r["data_point"]) != key for r in result.values)


def test_unknown_kpi_code_is_rejected(tmp_path):
    def unknown(book):
        book[KPI_SHEET].append(["EC: P: EM: 9C", "main", None, None, None, None, None, None, 5])

    (rejected,) = read(make(tmp_path, edit=unknown)).rejected
    assert (
        "unknown KPI code 'EC: P: EM: 9C'" in rejected["reason"]
        and rejected["raw_text"] == "EC: P: EM: 9C"
    )


def test_same_data_point_twice_is_rejected_both_times(tmp_path):
    def duplicate(book):
        book[KPI_SHEET].append(["EC: P: EM: 1C", "main", None, None, None, None, None, None, 3.3])

    result = read(make(tmp_path, {UNEMPLOYMENT: {"value": 2.5}}, edit=duplicate))
    assert len(result.rejected) == 2 and all(
        "appears 2 times" in r["reason"] for r in result.rejected
    )
    assert all(r["kpi_code"] != UNEMPLOYMENT[0] for r in result.values)


def test_unknown_data_point_is_rejected(tmp_path):
    def wrong_point(book):
        for row in book[KPI_SHEET].iter_rows(min_row=HEADER_ROW + 1):
            if row[0].value == "EN: EN: AQ: 1C" and row[1].value == "pm10":
                row[1].value, row[8].value = "pm1", 12

    (rejected,) = read(make(tmp_path, edit=wrong_point)).rejected
    assert "'pm1' is not one of them" in rejected["reason"]


def _set_meta(field_row: int, value):
    def edit(book):
        book[METADATA_SHEET].cell(field_row, 2).value = value

    return edit


@pytest.mark.parametrize(
    "name, edit, reason",
    [
        (NAME, _set_meta(1, None), "municipality code is missing"),
        (NAME, _set_meta(3, None), "reporting year is missing"),
        (NAME, _set_meta(1, "3201"), "says municipality 3201 but the file name says 3203"),
        (NAME, _set_meta(3, 2020), "says year 2020 but the file name says 2019"),
        ("asker_2019.xlsx", None, "does not follow <municipality code>_<name>_<year>.xlsx"),
        (NAME, lambda book: book.remove(book[METADATA_SHEET]), "municipality code is missing"),
    ],
)
def test_workbook_identity_missing_or_contradicting_rejects_the_file(tmp_path, name, edit, reason):
    result = read(make(tmp_path, {UNEMPLOYMENT: {"value": 2.5}}, name=name, edit=edit))
    assert result.values == [] and result.error and reason in result.error
    (rejected,) = result.rejected
    assert "whole workbook rejected" in rejected["reason"] and rejected["sha256"] == result.sha256


def test_an_old_code_in_the_workbook_is_the_same_municipality(tmp_path):
    result = read(make(tmp_path, {UNEMPLOYMENT: {"value": 2.5}}, edit=_set_meta(1, "0220")))
    row = value_of(result)
    assert (row["municipality_code"], row["source_municipality_code"]) == ("3203", "0220")


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"name;value\nx;1\n", "not an Excel workbook"),
        (b"PK\x03\x04" + b"\0" * 200, "corrupt workbook"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + "EncryptionInfo".encode("utf-16-le")
            + b"\0" * 100,
            "password-protected",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003"),
        (_zip_bomb, "zip bomb"),
    ],
)
def test_unreadable_files_are_rejected_whole_with_a_clear_reason(tmp_path, content, reason):
    path = tmp_path / "spreadsheets" / NAME
    path.parent.mkdir()
    path.write_bytes(content() if callable(content) else content)
    result = read(path)
    assert result.values == [] and reason in result.error
    assert result.rejected[0]["file"] == f"spreadsheets/{NAME}"


def test_truncated_workbook_is_corrupt(tmp_path):
    good = make(tmp_path).read_bytes()
    path = tmp_path / "spreadsheets" / NAME
    path.write_bytes(good[: len(good) // 2])
    assert "corrupt" in read(path).error
