"""The U4SSC data-collection workbook, generated from the catalogue (openpyxl).

One row per KPI data point: code, names in Norwegian and English, unit, direction (protected),
then numerator, denominator, value, data quality (a dropdown of the six U4SSC levels), source and
comment (editable, numeric cells validated against the unit's range). The header is frozen; an
instructions sheet explains the workbook in both languages; a metadata sheet records
municipality, year and template version, which the reader checks against the file name."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from asker_pipeline.exports.excel.cells import workbook_bytes
from asker_pipeline.exports.excel.layout import LINE_HEIGHT, header_lines
from asker_pipeline.exports.excel.printing import setup_print
from asker_pipeline.filesystem import write_bytes_atomic
from asker_pipeline.reference.catalogue import Catalogue, load_catalogue
from asker_pipeline.schema.labels import load_labels
from asker_pipeline.spreadsheets.layout import (
    COLUMNS,
    DATA_QUALITY,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    KPI_SHEET,
    LISTS_SHEET,
    METADATA,
    METADATA_SHEET,
    TEMPLATE_VERSION,
    TITLE_ROW,
)
from asker_pipeline.spreadsheets.parse import shown

DIRECTION_LABELS = {
    "higher": "høyere er bedre / higher is better",
    "lower": "lavere er bedre / lower is better",
    "none": "ingen retning / no direction",
}
INSTRUCTIONS = (
    ("Slik fyller du ut", "How to fill in"),
    (
        "Én rad per KPI-datapunkt. Fyll inn Verdi, eller Teller og Nevner (verdien regnes da ut).",
        "One row per KPI data point. Fill in Value, or Numerator and Denominator (the value "
        "is then computed).",
    ),
    (
        "Prosent skrives 0–100 (97 eller 97 %), ikke 0,97. Desimalkomma og mellomrom som "
        "tusenskille går fint.",
        "Percentages are written 0–100 (97 or 97 %), not 0.97. Decimal comma and spaces as "
        "thousands separators are fine.",
    ),
    (
        "Ikke rapportert: la cellen stå tom eller skriv NR. Som SSB: .. = mangler, : = skjermet, "
        ". = ikke aktuelt.",
        "Not reported: leave the cell empty or type NR. As Statistics Norway writes them: .. = "
        "missing, : = confidential, . = not applicable.",
    ),
    (
        "Velg datakvalitet i nedtrekkslisten, og oppgi kilde for hvert tall.",
        "Choose the data quality from the dropdown and give a source for every figure.",
    ),
    (
        "Ikke endre KPI-kode, datapunkt eller arket Metadata; filnavnet er "
        "<kommunenummer>_<navn>_<år>.xlsx.",
        "Do not change KPI code, data point or the Metadata sheet; the file name is "
        "<code>_<name>_<year>.xlsx.",
    ),
)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
#: What the value cell accepts besides a number: not reported, and SSB's symbols.
STATUS_CODES = ("NR", "..", ":", ".")
INSTRUCTION_WIDTH = 90
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def ascii_name(name: str) -> str:
    """``Ålesund`` -> ``alesund``; ``Bærum`` -> ``baerum`` (for file names)."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def workbook_file_name(code: str, name: str, year: int) -> str:
    return f"{code}_{ascii_name(name)}_{year}.xlsx"


def value_validation(ref: str, label: str, low: float, high: float) -> DataValidation:
    """The value cell ``ref``: a number within the unit's range, or one of the documented codes
    (NR, .., :, .), which pass without a warning. One validation per cell, so the formula's
    reference is the cell itself in Excel and LibreOffice alike."""
    bounded = high == high  # not NaN
    number = f"AND(ISNUMBER({ref}),{ref}>={low:.15g}" + (
        f",{ref}<={high:.15g})" if bounded else ")"
    )
    codes = ",".join(f'TRIM(UPPER({ref}))="{code}"' for code in STATUS_CODES)
    allowed = f"{shown(low)}–{shown(high)}" if bounded else f"≥ {shown(low)}"
    return DataValidation(
        type="custom",
        formula1=f"OR({number},{codes})",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Verdi / Value",
        error=f"{label}: {allowed}, eller / or NR, .., :, .",
        sqref=ref,
    )


def unit_label(units: dict[str, dict], unit: str) -> str:
    row = units[unit]
    return f"{row['label_nb']} / {row['label_en']}"


def build_workbook(
    catalogue: Catalogue,
    municipality_code: str,
    municipality_name: str,
    year: int,
    example: bool = False,
) -> Workbook:
    """The blank (or, with ``example``, example-labelled) workbook for one municipality and year."""
    book = Workbook()
    sheet = book.active
    sheet.title = KPI_SHEET
    units = catalogue.units.set_index("unit").to_dict("index")
    title = (
        f"U4SSC datainnsamling / data collection – {municipality_name} ({municipality_code}), "
        f"{year}"
    )
    if example:
        title += " – EKSEMPELDATA / EXAMPLE DATA"
    sheet.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=13)
    sheet.row_dimensions[TITLE_ROW].height = 20
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, index, column.header)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    # Tall enough for the wrapped headers: LibreOffice does not grow a row with a set style,
    # and Excel does not grow rows when it opens a file.
    sheet.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * max(
        header_lines(c.header, c.width - 1) for c in COLUMNS
    ) + 4
    letter = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}

    quality = DataValidation(
        type="list",
        formula1=f"'{LISTS_SHEET}'!$A$1:$A${len(DATA_QUALITY)}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        error="Velg fra listen / choose from the list",
    )
    counts = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        error="Et tall ≥ 0 / a number ≥ 0",
    )
    by_unit: dict[str, list[str]] = defaultdict(list)
    labels = load_labels()
    points = catalogue.data_point_index
    for offset, (_, point) in enumerate(points.iterrows()):
        row = HEADER_ROW + 1 + offset
        described = {
            "kpi_code": point["kpi_code"],
            "data_point": point["data_point"],
            "data_point_nb": labels.label("data_point", point["data_point"], "nb"),
            "name_nb": point["name_nb"],
            "name_en": point["name_en"],
            "unit": unit_label(units, point["unit"]),
            "direction": DIRECTION_LABELS[point["direction"]],
        }
        for index, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row, index, described.get(column.key))
            if column.editable:
                cell.protection = Protection(locked=False)
                cell.fill = _INPUT_FILL
        by_unit[point["unit"]].append(f"{letter['value']}{row}")
    # Whole-column ranges, not one reference per cell: a smaller sheet that opens faster.
    rows = f"{HEADER_ROW + 1}:{{0}}{HEADER_ROW + len(points)}"
    quality.add(f"{letter['data_quality']}{rows.format(letter['data_quality'])}")
    counts.add(f"{letter['numerator']}{rows.format(letter['numerator'])}")
    counts.add(f"{letter['denominator']}{rows.format(letter['denominator'])}")
    for validation in (quality, counts):
        sheet.add_data_validation(validation)
    for unit, cells in by_unit.items():
        low, high = units[unit]["min_value"], units[unit]["max_value"]
        for ref in cells:
            sheet.add_data_validation(value_validation(ref, unit_label(units, unit), low, high))
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    footer = f"{municipality_name} ({municipality_code}) · {year} · malversjon {TEMPLATE_VERSION}"
    setup_print(sheet, footer, "side &P av &N", title_rows=f"{HEADER_ROW}:{HEADER_ROW}")

    instructions = book.create_sheet(INSTRUCTIONS_SHEET, 0)
    _instructions(instructions, example)
    setup_print(instructions, footer, "side &P av &N")
    meta = book.create_sheet(METADATA_SHEET)
    values = {
        "municipality_code": municipality_code,
        "municipality_name": municipality_name,
        "year": year,
        "template_version": TEMPLATE_VERSION,
        "example": "ja / yes" if example else "nei / no",
    }
    for row, field in enumerate(METADATA, start=1):
        meta.cell(row, 1, field.label).font = Font(bold=True)
        meta.cell(row, 2, values[field.key])
    meta.column_dimensions["A"].width = 40
    meta.column_dimensions["B"].width = 20
    meta.protection.sheet = True
    setup_print(meta, footer, "side &P av &N")
    lists = book.create_sheet(LISTS_SHEET)
    for row, level in enumerate(DATA_QUALITY, start=1):
        lists.cell(row, 1, level.label)
    lists.sheet_state = "hidden"
    book.active = book.index(sheet)
    return book


def _instructions(sheet, example: bool) -> None:
    sheet.column_dimensions["A"].width = INSTRUCTION_WIDTH
    sheet.column_dimensions["B"].width = INSTRUCTION_WIDTH
    sheet.cell(1, 1, "Norsk").font = Font(bold=True)
    sheet.cell(1, 2, "English").font = Font(bold=True)
    lines = list(INSTRUCTIONS)
    if example:
        lines.insert(
            0,
            (
                "EKSEMPELDATA: tallene er eksempler, ikke kommunens reelle tall, unntatt der "
                "kilden viser til en publisert U4SSC-rapport.",
                "EXAMPLE DATA: the figures are examples, not the municipality's real ones, "
                "except where the source cites a published U4SSC report.",
            ),
        )
    for row, (nb, en) in enumerate(lines, start=2):
        sheet.cell(row, 1, nb).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row, 2, en).alignment = Alignment(wrap_text=True, vertical="top")
        wrapped = max(header_lines(t, INSTRUCTION_WIDTH - 4) for t in (nb, en))
        sheet.row_dimensions[row].height = LINE_HEIGHT * wrapped + 3


def template_bytes(municipality_code: str, municipality_name: str, year: int) -> bytes:
    """A blank template's bytes, built from the catalogue on disk: plain arguments, so the run's
    worker process can build some of them (``workers.share``)."""
    book = build_workbook(load_catalogue(), municipality_code, municipality_name, year)
    return workbook_bytes(book)


def write_workbook(book: Workbook, path: Path) -> Path:
    """Save atomically (nobody opens a half-written workbook) and reproducibly: no creation or
    save time inside, so the same template gives the same bytes."""
    return write_bytes_atomic(path, workbook_bytes(book))


def fill_workbook(book: Workbook, entries: dict[tuple[str, str], dict[str, object]]) -> Workbook:
    """Type values into a generated workbook the way a person would: ``entries`` maps
    (kpi_code, data_point) to column keys and what to type, e.g. ``{"value": "97 %"}``."""
    sheet = book[KPI_SHEET]
    positions = {c.key: i for i, c in enumerate(COLUMNS, start=1)}
    rows = {
        (
            sheet.cell(r, positions["kpi_code"]).value,
            sheet.cell(r, positions["data_point"]).value,
        ): r
        for r in range(HEADER_ROW + 1, sheet.max_row + 1)
    }
    for key, cells in entries.items():
        for column, typed in cells.items():
            sheet.cell(rows[key], positions[column], typed)
    return book
